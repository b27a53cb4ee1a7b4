import type { Card } from './card';

/** The card the QR size bar is measured with (issue 3, "Bars"). */
export const referenceCard: Card = {
	name: '陳怡君',
	title: '資深工程師',
	company: '台灣半導體股份有限公司',
	channels: [
		{ kind: 'email', value: 'yijun.chen@example.com.tw' },
		{ kind: 'phone', value: '+886912345678' },
		{ kind: 'line', value: 'yijun_chen' },
		{ kind: 'linkedin', value: 'https://www.linkedin.com/in/yijun-chen' }
	]
};

export const referenceOrigin = 'https://rapport.example';
