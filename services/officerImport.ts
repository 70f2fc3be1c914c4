// The officer directory (R2) as a file, keyed by the enforcement certificate number. A new unit, post or
// affiliation in the file is a move and is recorded as one; withdrawal changes only through its own endpoint.
import type { Prisma } from '@prisma/client';
import type { Officer } from '../db/client';
import { genderLabels, wordsFor } from '../domain/vocabulary';
import type { Directory } from './directoryImport';
import { postingRecord, type Placement } from './officers';

const placementFields = ['unit', 'post', 'affiliation'] as const;

export const officerDirectory: Directory<Officer, Prisma.OfficerCreateManyInput> = {
  title: { zh: '执法人员名录', en: 'the officer directory' },
  table: (client) => client.officer,
  key: 'certificateNumber',
  generatedId: true,
  columns: [
    { field: 'certificateNumber', zh: '执法证号', code: true, example: '32048201001' },
    { field: 'name', zh: '姓名', example: '王伟' },
    { field: 'unit', zh: '单位', example: '商务综合行政执法大队' },
    { field: 'post', zh: '岗位', example: '执法队员' },
    { field: 'affiliation', zh: '人员归属', example: '在编（行政编制）' },
    { field: 'gender', zh: '性别', labels: wordsFor(genderLabels), example: genderLabels.male.zh },
    { field: 'certificateValidFrom', zh: '执法证有效期起', type: 'date', example: '2024-01-01' },
    { field: 'certificateValidUntil', zh: '执法证有效期至', type: 'date', example: '2030-12-31' },
    { field: 'specialties', zh: '专业类别', type: 'list', example: 'prepaid_card；vehicles' },
  ],
  exportOnly: [{ zh: '执法证已收回', value: (officer) => (officer.certificateWithdrawn ? '是' : '否') }],
  async afterUpdate(tx, officer, changes, actor) {
    const to: Placement = Object.fromEntries(placementFields.filter((field) => typeof changes[field] === 'string').map((field) => [field, changes[field]]));
    if (Object.keys(to).length > 0) await tx.officerPosting.create({ data: postingRecord(officer, to, '批量导入 / bulk import', actor) });
  },
};
