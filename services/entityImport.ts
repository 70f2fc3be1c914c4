// The target directory (R1) as a file, keyed by the unified social credit code. The legal status is exported
// but changes only through its own endpoint, which keeps its history and ends open cases.
import type { Entity, Prisma } from '@prisma/client';
import type { Directory } from './directoryImport';

export const entityDirectory: Directory<Entity, Prisma.EntityCreateManyInput> = {
  title: { zh: '检查对象名录', en: 'the target directory' },
  table: (client) => client.entity,
  key: 'uscc',
  generatedId: true,
  columns: [
    { field: 'uscc', zh: '统一社会信用代码' },
    { field: 'name', zh: '名称' },
    { field: 'legalRepresentative', zh: '法定代表人' },
    { field: 'address', zh: '地址' },
    { field: 'street', zh: '街道镇' },
    { field: 'category', zh: '类别' },
    { field: 'grade', zh: '分级' },
    { field: 'riskLevel', zh: '风险等级' },
  ],
  exportOnly: [{ zh: '法律状态', value: (entity) => entity.legalStatus }],
};
