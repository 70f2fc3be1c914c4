// The bureau as its documents name it: who issues them, how their numbers (文号) are written, and where a party
// who disagrees may turn (行政复议法 第二十四条: a county-level department's act goes to the people's government at its level).

export const issuer = {
  name: '常州市金坛区商务局',
  /** 机关代字 of the bureau's 文号 */
  numberPrefix: '坛商',
  reconsiderationBody: '常州市金坛区人民政府',
} as const;

/** Documents the server issues for a case, each with the 代字 of its own numbering sequence. */
export const documentKinds = ['inspection-notice', 'inspection-record', 'rectification-order', 'transfer-letter'] as const;
export type DocumentKind = (typeof documentKinds)[number];

export const documentTitles: Record<DocumentKind, { zh: string; en: string; numberCode: string }> = {
  'inspection-notice': { zh: '随机抽查通知书', en: 'Inspection notice', numberCode: '抽通' },
  'inspection-record': { zh: '检查记录表', en: 'Inspection record', numberCode: '检记' },
  'rectification-order': { zh: '责令整改通知书', en: 'Rectification order', numberCode: '责改' },
  'transfer-letter': { zh: '移送函', en: 'Transfer letter', numberCode: '移' },
};

/** 坛商责改〔2026〕12号 (GB/T 9704: the year in 六角括号, the serial without leading zeros). */
export function documentNumber(kind: DocumentKind, year: number, serial: number): string {
  return `${issuer.numberPrefix}${documentTitles[kind].numberCode}〔${year}〕${serial}号`;
}
