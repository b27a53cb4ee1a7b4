// A corpus of business-card photos made at bench (or test) time: cards laid out in HTML from
// varied templates, drawn by Chromium with the Noto CJK and Latin fonts, then "photographed"
// (turned, in perspective, blurred, unevenly lit, JPEG) — with the truth of every field.
// Nothing here is committed as an image; `renderPaperCards` writes into the folder it is given.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Deterministic, so two runs measure the same cards.
 * @param {number} seed
 */
function random(seed) {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** @type {[string, string][]} */
const PEOPLE = [
	['王大明', 'David Wang'],
	['陳怡君', 'Yi-Chun Chen'],
	['林志豪', 'Chih-Hao Lin'],
	['黃淑芬', 'Shu-Fen Huang'],
	['張家瑋', 'Chia-Wei Chang'],
	['李佳穎', 'Chia-Ying Lee'],
	['吳承恩', 'Cheng-En Wu'],
	['劉雅婷', 'Ya-Ting Liu'],
	['蔡宗翰', 'Tsung-Han Tsai'],
	['楊欣怡', 'Hsin-Yi Yang'],
	['許文彥', 'Wen-Yen Hsu'],
	['鄭美玲', 'Mei-Ling Cheng'],
	['謝明哲', 'Ming-Che Hsieh'],
	['郭建宏', 'Chien-Hung Kuo'],
	['周思妤', 'Szu-Yu Chou'],
	['歐陽靜', 'Ching Ouyang']
];
/** @type {[string, string][]} */
const TITLES = [
	['經理', 'Manager'],
	['資深工程師', 'Senior Engineer'],
	['產品經理', 'Product Manager'],
	['總經理', 'General Manager'],
	['設計師', 'Designer'],
	['業務專員', 'Sales Specialist'],
	['技術長', 'CTO'],
	['專案經理', 'Project Manager'],
	['執行長', 'CEO'],
	['行銷總監', 'Marketing Director']
];
/** @type {[string, string, string][]} */
const COMPANIES = [
	['宏達數位科技股份有限公司', 'Hongda Digital Technology Co., Ltd.', 'hongda.com.tw'],
	['好日子設計有限公司', 'Good Days Design Co., Ltd.', 'gooddays.tw'],
	['青山生技股份有限公司', 'Green Mountain Biotech Inc.', 'greenmtn.com'],
	['光點資訊有限公司', 'Lightspot Information Co., Ltd.', 'lightspot.io'],
	['遠見顧問股份有限公司', 'Farsight Consulting Inc.', 'farsight.com.tw'],
	['木子工作室', 'Muzi Studio', 'muzi.studio'],
	['海風物流股份有限公司', 'Seabreeze Logistics Corp.', 'seabreeze.com.tw'],
	['晨曦軟體有限公司', 'Dawn Software Co., Ltd.', 'dawnsoft.tw']
];
/** @type {[string, string][]} */
const DEPARTMENTS = [
	['業務部', 'Sales Department'],
	['研發處', 'R&D Division'],
	['行銷企劃部', 'Marketing Department'],
	['資訊中心', 'IT Department']
];
/** @type {[string, string][]} */
const ADDRESSES = [
	['台北市信義區信義路五段7號12樓', 'No. 7, Sec. 5, Xinyi Rd., Xinyi Dist., Taipei City'],
	['新竹市東區光復路二段101號', 'No. 101, Sec. 2, Guangfu Rd., East Dist., Hsinchu City'],
	[
		'台中市西屯區台灣大道三段99號8樓',
		'8F, No. 99, Sec. 3, Taiwan Blvd., Xitun Dist., Taichung City'
	],
	['高雄市前鎮區成功二路25號', 'No. 25, Chenggong 2nd Rd., Qianzhen Dist., Kaohsiung City']
];
/** @type {string[]} */
const AREA_CODES = ['02', '03', '04', '07'];
const LAYOUTS = ['zh', 'en', 'bilingual', 'vertical', 'dense', 'minimal'];

/** @typedef {{ id: string, layout: string, photo: string, shot: string, truth: Record<string, string> }} PaperCardPhoto */

/**
 * @template T
 * @param {() => number} next
 * @param {readonly T[]} list
 * @returns {T}
 */
function pickFrom(next, list) {
	return /** @type {T} */ (list[Math.floor(next() * list.length)]);
}
/** @type {(next: () => number, count: number) => string} */
const digits = (next, count) =>
	Array.from({ length: count }, (_, index) =>
		String(index === 0 ? 1 + Math.floor(next() * 9) : Math.floor(next() * 10))
	).join('');

/** @param {() => number} next */
function phones(next) {
	const area = pickFrom(next, AREA_CODES);
	const local = area === '02' ? digits(next, 8) : digits(next, 7);
	const officeLocal =
		area === '02'
			? `${local.slice(0, 4)}-${local.slice(4)}`
			: `${local.slice(0, 3)}-${local.slice(3)}`;
	const mobile = `09${digits(next, 8)}`;
	const faxLocal = `${local.slice(0, -1)}${(Number(local.at(-1)) + 1) % 10}`;
	return {
		officeText: `${area}-${officeLocal}`,
		officeIntl: `+886 ${area.slice(1)} ${officeLocal.replace('-', ' ')}`,
		office: `+886${area.slice(1)}${local}`,
		extension: next() < 0.5 ? String(100 + Math.floor(next() * 899)) : '',
		mobileText: `${mobile.slice(0, 4)}-${mobile.slice(4, 7)}-${mobile.slice(7)}`,
		mobileIntl: `+886 ${mobile.slice(1, 4)} ${mobile.slice(4, 7)} ${mobile.slice(7)}`,
		mobile: `+886${mobile.slice(1)}`,
		faxText: `${area}-${area === '02' ? `${faxLocal.slice(0, 4)}-${faxLocal.slice(4)}` : `${faxLocal.slice(0, 3)}-${faxLocal.slice(3)}`}`,
		fax: `+886${area.slice(1)}${faxLocal}`
	};
}

/** @param {string} text */
const escape = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/**
 * One card: its HTML (a 1050×600 box, a card at 300 dpi) and the truth of every field, as the
 * review form should be filled.
 * @param {number} index
 */
function aCard(index) {
	const next = random(index * 7919 + 17);
	const layout = LAYOUTS[index % LAYOUTS.length] ?? 'zh';
	const [zhName, enName] = pickFrom(next, PEOPLE);
	const [zhTitle, enTitle] = pickFrom(next, TITLES);
	const [zhCompany, enCompany, domain] = pickFrom(next, COMPANIES);
	const [zhDepartment, enDepartment] = pickFrom(next, DEPARTMENTS);
	const [zhAddress, enAddress] = pickFrom(next, ADDRESSES);
	const phone = phones(next);
	const user = (enName.split(' ')[0] ?? '').toLowerCase().replace(/-/g, '');
	const email = `${user}@${domain}`;
	const website = `https://www.${domain}`;
	const lineId = `${user}${Math.floor(next() * 90 + 10)}`;
	const ext = phone.extension;
	const zhOffice = `電話：${phone.officeText}${ext ? ` 分機 ${ext}` : ''}`;
	const enOffice = `T ${phone.officeIntl}${ext ? ` ext. ${ext}` : ''}`;
	/** @type {Record<string, string>} */
	const truth = {
		name: zhName,
		altName: '',
		title: zhTitle,
		company: zhCompany,
		department: '',
		mobile: phone.mobile,
		office: phone.office,
		officeExtension: ext,
		fax: '',
		email,
		website: '',
		line: '',
		address: ''
	};
	/** @type {(text: string, size?: number, extra?: string) => string} */
	const line = (text, size = 30, extra = '') =>
		`<div style="font-size:${size}px;${extra}">${escape(text)}</div>`;
	let body;
	switch (layout) {
		case 'zh':
			Object.assign(truth, { fax: phone.fax, address: zhAddress, department: zhDepartment });
			body = `<div style="padding:60px 70px">
				${line(zhCompany, 34, 'font-weight:700;color:#1f4e79')}
				<div style="display:flex;align-items:baseline;gap:28px;margin:50px 0 40px">
					${line(zhName, 76, 'font-weight:700')}${line(`${zhDepartment} ${zhTitle}`, 32)}
				</div>
				${line(zhOffice)}${line(`手機：${phone.mobileText}`)}${line(`傳真：${phone.faxText}`)}
				${line(`E-mail：${email}`)}${line(`地址：${zhAddress}`, 28)}
			</div>`;
			break;
		case 'en':
			Object.assign(truth, {
				name: enName,
				title: enTitle,
				company: enCompany,
				website,
				address: enAddress
			});
			body = `<div style="padding:60px 70px;font-family:'Noto Sans',sans-serif">
				${line(enName, 64, 'font-weight:700')}${line(enTitle, 32, 'color:#555;margin-bottom:14px')}
				${line(enCompany, 34, 'font-weight:700;margin-bottom:40px')}
				${line(`M ${phone.mobileIntl}`)}${line(enOffice)}
				${line(email)}${line(`www.${domain}`)}${line(enAddress, 24)}
			</div>`;
			break;
		case 'bilingual':
			Object.assign(truth, { altName: enName, line: lineId });
			body = `<div style="display:flex;height:100%">
				<div style="flex:1;padding:60px 40px 60px 60px;border-right:3px solid #c33">
					${line(zhName, 68, 'font-weight:700')}${line(zhTitle, 32, 'margin-bottom:30px')}
					${line(zhCompany, 28, 'font-weight:700;margin-bottom:30px')}
					${line(`手機 ${phone.mobileText}`)}${line(zhOffice)}
				</div>
				<div style="flex:1;padding:60px 50px;font-family:'Noto Sans',sans-serif">
					${line(enName, 44, 'font-weight:700')}${line(enTitle, 26, 'margin-bottom:30px')}
					${line(enCompany, 24, 'margin-bottom:30px')}
					${line(email, 26)}${line(`LINE ID: ${lineId}`, 26)}
				</div>
			</div>`;
			break;
		case 'vertical':
			body = `<div style="display:flex;height:100%;padding:50px 60px;box-sizing:border-box;gap:50px">
				<div style="flex:1">
					${line(zhCompany, 32, 'font-weight:700;margin-bottom:30px')}${line(zhTitle, 34, 'margin-bottom:60px')}
					${line(`手機 ${phone.mobileText}`)}${line(zhOffice)}${line(email)}
				</div>
				<div style="writing-mode:vertical-rl;font-size:88px;font-weight:700;letter-spacing:14px">${escape(zhName)}</div>
			</div>`;
			break;
		case 'dense':
			Object.assign(truth, {
				altName: enName,
				department: zhDepartment,
				fax: phone.fax,
				website,
				address: zhAddress
			});
			body = `<div style="padding:40px 50px;font-size:24px">
				${line(zhCompany, 30, 'font-weight:700')}${line(enCompany, 22, 'margin-bottom:24px')}
				<div style="display:flex;align-items:baseline;gap:24px">${line(zhName, 60, 'font-weight:700')}${line(enName, 30)}</div>
				${line(`${zhDepartment} ${zhTitle}`, 28)}${line(`${enDepartment}, ${enTitle}`, 22, 'margin-bottom:20px')}
				${line(zhOffice, 24)}${line(`傳真：${phone.faxText}`, 24)}${line(`手機：${phone.mobileText}`, 24)}
				${line(`E-mail：${email}  網址：www.${domain}`, 24)}${line(`地址：${zhAddress}`, 24)}
			</div>`;
			break;
		default:
			Object.assign(truth, { office: '', officeExtension: '' });
			body = `<div style="padding:90px 80px;text-align:center">
				${line(zhName, 72, 'font-weight:700;margin-bottom:12px')}${line(`${zhTitle}｜${zhCompany}`, 28, 'margin-bottom:60px')}
				${line(phone.mobileText, 30)}${line(email, 30)}
			</div>`;
	}
	return { id: `card-${String(index).padStart(2, '0')}-${layout}`, layout, truth, body };
}

/** How the photo was taken: each card gets one, in turn. */
/** @param {number} index */
function photography(index) {
	const next = random(index * 104729 + 3);
	const angle = (next() * 2 - 1) * 10;
	/** @type {string[]} */
	const kinds = ['rotation', 'perspective', 'blur', 'light', 'jpeg'];
	return {
		kind: kinds[index % kinds.length] ?? 'jpeg',
		angle,
		tilt: (next() * 2 - 1) * 14,
		quality: 55 + Math.floor(next() * 30)
	};
}

/**
 * @param {{ body: string }} card
 * @param {ReturnType<typeof photography>} shot
 */
function photoHtml(card, shot) {
	const turn =
		shot.kind === 'rotation'
			? `rotate(${shot.angle.toFixed(1)}deg)`
			: `rotate(${(shot.angle / 4).toFixed(1)}deg)`;
	const perspective =
		shot.kind === 'perspective'
			? `perspective(1400px) rotateY(${shot.tilt.toFixed(1)}deg) rotateX(${(shot.tilt / 2).toFixed(1)}deg)`
			: '';
	const blur = shot.kind === 'blur' ? 'filter: blur(1.2px);' : '';
	const light =
		shot.kind === 'light'
			? '<div style="position:absolute;inset:0;background:radial-gradient(circle at 20% 30%, rgba(255,255,240,0.0), rgba(0,0,0,0.45) 90%)"></div>'
			: '';
	return `<!doctype html><html lang="zh-Hant"><head><meta charset="utf-8"><style>
		body { margin:0; width:1400px; height:950px; background:#3b3f45 repeating-linear-gradient(45deg,#3b3f45 0 12px,#363a40 12px 24px); display:flex; align-items:center; justify-content:center; font-family:'Noto Sans CJK TC','Noto Sans',sans-serif; color:#222; overflow:hidden }
		.card { position:relative; width:1050px; height:600px; background:#fdfcf8; box-shadow:0 8px 30px rgba(0,0,0,.5); transform:${perspective} ${turn}; ${blur} }
	</style></head><body><div class="card">${card.body}${light}</div></body></html>`;
}

/**
 * A card lying flat on a desk as light as the card, with a sticky note above it carrying
 * someone else's number: a photo in which the card cannot be told from what it lies on, for
 * framing by hand. The card is the `index`-th of the corpus; it fills x 12.5–87.5 % and
 * y 18.4–81.6 % of the photo, the note y 4–14 %.
 * @param {import('playwright-core').Browser} browser
 * @param {string} folder
 * @param {number} index
 * @returns {Promise<PaperCardPhoto & { noteMobile: string }>}
 */
export async function renderUnframedCard(browser, folder, index) {
	const card = aCard(index);
	const page = await browser.newPage({ viewport: { width: 1400, height: 950 } });
	try {
		await page.setContent(
			`<!doctype html><html lang="zh-Hant"><head><meta charset="utf-8"><style>
			body { margin:0; width:1400px; height:950px; background:#f6f4ee; position:relative; font-family:'Noto Sans CJK TC','Noto Sans',sans-serif; color:#222; overflow:hidden }
			.note { position:absolute; left:420px; top:38px; width:560px; height:95px; background:#fbf3b0; font-size:40px; display:flex; align-items:center; justify-content:center }
			.card { position:absolute; left:175px; top:175px; width:1050px; height:600px; background:#fdfcf8 }
		</style></head><body><div class="note">請回電 0911-222-333</div><div class="card">${card.body}</div></body></html>`,
			{ waitUntil: 'load' }
		);
		await page.evaluate(() => document.fonts.ready);
		const photo = join(folder, `${card.id}-unframed.jpg`);
		await writeFile(photo, await page.screenshot({ type: 'jpeg', quality: 90 }));
		return {
			id: `${card.id}-unframed`,
			layout: card.layout,
			photo,
			shot: 'unframed',
			truth: card.truth,
			noteMobile: '+886911222333'
		};
	} finally {
		await page.close();
	}
}

/**
 * Renders `count` card photos (from the `from`-th of the corpus) into `folder` as JPEGs with one
 * browser page.
 * @param {import('playwright-core').Browser} browser
 * @param {string} folder
 * @param {number} [count]
 * @param {number} [from]
 * @returns {Promise<PaperCardPhoto[]>}
 */
export async function renderPaperCards(browser, folder, count = 42, from = 0) {
	const page = await browser.newPage({ viewport: { width: 1400, height: 950 } });
	const cards = [];
	try {
		for (let index = from; index < from + count; index++) {
			const card = aCard(index);
			const shot = photography(index);
			await page.setContent(photoHtml(card, shot), { waitUntil: 'load' });
			await page.evaluate(() => document.fonts.ready);
			const photo = join(folder, `${card.id}.jpg`);
			await writeFile(
				photo,
				await page.screenshot({ type: 'jpeg', quality: shot.kind === 'jpeg' ? shot.quality : 90 })
			);
			cards.push({ id: card.id, layout: card.layout, photo, shot: shot.kind, truth: card.truth });
		}
	} finally {
		await page.close();
	}
	return cards;
}
