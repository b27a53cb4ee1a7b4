// Single-path 24×24 glyphs drawn for Rapport, rendered with fill-rule evenodd so inner shapes
// cut holes. Kept as data so the shell ships no icon font.
export const icons = {
	home: 'M12 3 2 11h3v9h5v-6h4v6h5v-9h3z',
	card: 'M3 5h18a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1zm5 3a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5zm-4 9h8c0-1.9-1.8-3.2-4-3.2S4 15.1 4 17zm10-8v2h6V9zm0 4v2h6v-2z',
	scan: 'M3 3h7v7H3zm2 2v3h3V5zm9-2h7v7h-7zm2 2v3h3V5zM3 14h7v7H3zm2 2v3h3v-3zm9-2h3v3h-3zm4 4h3v3h-3zm-4 2h3v1h-3zm4-6h3v3h-3z',
	prompts:
		'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 5v2h10V9zm0 4v2h7v-2z',
	followUps:
		'M12 2a1.5 1.5 0 0 1 1.5 1.5v.7A6 6 0 0 1 18 10v5l2 2v1H4v-1l2-2v-5a6 6 0 0 1 4.5-5.8v-.7A1.5 1.5 0 0 1 12 2zm-2 17h4a2 2 0 0 1-4 0z',
	people:
		'M9 4a3.5 3.5 0 1 1 0 7 3.5 3.5 0 0 1 0-7zm7.5 1a3 3 0 1 1 0 6 3 3 0 0 1 0-6zM2 19c0-3.3 3.1-6 7-6s7 2.7 7 6v1H2zm15.6-5.4c2.6.4 4.4 2.2 4.4 4.4v2h-4.5v-1c0-2-.8-3.9-2.3-5.2z',
	settings: 'M3 6h10v2H3zm14 0h4v2h-4zm-2-2h2v6h-2zM3 16h4v2H3zm8 0h10v2H11zm-2-2h2v6H9z'
} as const;
