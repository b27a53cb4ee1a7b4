// The flags every headless Chromium run on these machines uses, in the tests, the bench and the
// icon script alike (DESIGN.md, "Toolchain"): no sandbox as root, no GPU, and no background
// traffic that would reach for the internet the machines do not have.
export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync'
];
