// The words Taiwanese business cards are made of. Lists, not rules: extend them as cards teach.

/** The commonest surnames in Taiwan (over 95 % of people), compound ones first. */
export const SURNAMES = [
	'張簡',
	'歐陽',
	'范姜',
	'司馬',
	'諸葛',
	'上官',
	...'陳林黃張李王吳劉蔡楊許鄭謝洪郭邱曾廖賴徐周葉蘇莊呂江何蕭羅高潘簡朱鍾游彭詹胡施沈余盧梁趙顏柯翁魏孫戴范方宋鄧杜傅侯曹薛丁卓阮馬董温溫唐藍石蔣古紀姚連馮歐程湯田康姜白汪鄒尤巫鐘黎涂龔嚴韓袁金童陸夏柳凃邵錢伍倪于譚駱熊任甘秦顧毛章史官萬俞雷粘饒鄞諶易季辜符關車包齊甯寧葛尹查項左苗利鄔談祝殷喬嶺向霍'
];

// Titles end in one of these; a run of modifiers may come before ("資深產品經理").
const TITLE_CORES = [
	'共同創辦人',
	'副董事長',
	'執行董事',
	'董事長',
	'副總經理',
	'總經理',
	'執行長',
	'技術長',
	'財務長',
	'營運長',
	'行銷長',
	'資訊長',
	'創辦人',
	'負責人',
	'合夥人',
	'理事長',
	'總幹事',
	'副總裁',
	'總裁',
	'總監',
	'副總',
	'協理',
	'經理',
	'副理',
	'襄理',
	'主任',
	'專員',
	'工程師',
	'設計師',
	'建築師',
	'架構師',
	'分析師',
	'會計師',
	'律師',
	'醫師',
	'藥師',
	'顧問',
	'處長',
	'部長',
	'課長',
	'組長',
	'院長',
	'所長',
	'店長',
	'特助',
	'助理',
	'秘書',
	'副教授',
	'助理教授',
	'教授',
	'研究員',
	'講師',
	'代表',
	'主管',
	'董事',
	'主編',
	'編輯',
	'記者',
	'業務'
];
const TITLE_MODIFIERS = [
	'資深',
	'高級',
	'首席',
	'專案',
	'產品',
	'行銷',
	'業務',
	'技術',
	'研發',
	'軟體',
	'硬體',
	'客戶',
	'人資',
	'財務',
	'品牌',
	'數位',
	'國際',
	'海外',
	'區域',
	'營運',
	'行政',
	'策略',
	'商務',
	'採購',
	'品保',
	'法務',
	'前端',
	'後端',
	'全端',
	'資料',
	'視覺',
	'介面',
	'特別',
	'執行',
	'副',
	'總',
	'主'
];
export const ZH_TITLE = new RegExp(
	`(?:${TITLE_MODIFIERS.join('|')})*(?:${TITLE_CORES.join('|')})$`,
	'u'
);

export const EN_TITLE =
	/\b(?:CEO|CTO|CFO|COO|CMO|CIO|CPO|VP|SVP|EVP|Founder|Co-?Founder|President|Chairman|Chairwoman|Director|Manager|Engineer|Designer|Consultant|Specialist|Assistant|Officer|Lead|Head|Partner|Analyst|Architect|Developer|Representative|Professor|Researcher|Owner|Executive|Coordinator|Supervisor|Intern|Accountant|Attorney|Lawyer|Editor|Producer|Advisor|Adviser|Scientist|Strategist|Administrator|Secretary|Planner|Marketer|Associate|Principal)\b/i;

/** Suffixes that end a company's name; the longer ones first. */
export const ZH_COMPANY =
	/(?:股份有限公司|有限公司|公司|企業社|工作室|事務所|集團|銀行|協會|基金會|大學|學院|醫院|診所|研究院|商行|實業社)/u;
export const EN_COMPANY =
	/\b(?:Inc\b\.?|Co\.?,?\s*Ltd\b\.?|Ltd\b\.?|Corp\b\.?|Corporation|LLC|Company|Limited|GmbH|Studio|Group|Technologies|Technology|Bank|University|Foundation|Association|Labs?)(?=$|[\s,.])/i;

export const ZH_DEPARTMENT = /(?:事業群|事業部|事業處|實驗室|中心|部|處|課|組|室|團隊)$/u;
export const EN_DEPARTMENT = /\b(?:Department|Dept\b\.?|Division|Team|Office of)\b/i;

export const ZH_ADDRESS = /(?:[市縣].*[區鄉鎮市路街]|[路街道].*[號樓]|\d+號|\d+樓)/u;
export const EN_ADDRESS =
	/\b(?:No\.|Rd\b\.?|Road|St\b\.?|Street|Ave\b\.?|Avenue|Blvd\b\.?|Sec\b\.|Section|Dist\b\.?|District|Lane|Ln\b\.|Alley|Aly\b\.|Floor|\d+F\b|Taipei|Taichung|Tainan|Kaohsiung|Hsinchu|Taoyuan|Keelung|Taiwan|R\.O\.C)/i;
export const ADDRESS_LABEL = /^(?:地址|住址|公司地址|Add(?:ress|r)?\b\.?)\s*[:：]?\s*/iu;
