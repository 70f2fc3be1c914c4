// The officer directory (R2) as a file, keyed by the enforcement certificate number. A new unit in the file is
// a move and is recorded as one; withdrawal changes only through its own endpoint.
import type { Officer, Prisma } from '@prisma/client';
import type { Directory } from './directoryImport';
import { postingRecord } from './officers';

export const officerDirectory: Directory<Officer, Prisma.OfficerCreateManyInput> = {
  title: { zh: '执法人员名录', en: 'the officer directory' },
  table: (client) => client.officer,
  key: 'certificateNumber',
  generatedId: true,
  columns: [
    { field: 'certificateNumber', zh: '执法证号' },
    { field: 'name', zh: '姓名' },
    { field: 'unit', zh: '单位' },
    { field: 'gender', zh: '性别' },
    { field: 'certificateValidFrom', zh: '执法证有效期起', type: 'date' },
    { field: 'certificateValidUntil', zh: '执法证有效期至', type: 'date' },
    { field: 'specialties', zh: '专业类别', type: 'list' },
  ],
  exportOnly: [{ zh: '执法证已收回', value: (officer) => (officer.certificateWithdrawn ? '是' : '否') }],
  async afterUpdate(tx, officer, changes, actor) {
    if (typeof changes.unit === 'string') await tx.officerPosting.create({ data: postingRecord(officer, changes.unit, '批量导入 / bulk import', actor) });
  },
};
