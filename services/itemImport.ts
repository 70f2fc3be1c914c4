// The inspection-item list (R3) as a file, keyed by the item's code. Several categories go in one cell.
import type { InspectionItem, Prisma } from '@prisma/client';
import type { Directory } from './directoryImport';

export const itemDirectory: Directory<InspectionItem, Prisma.InspectionItemCreateManyInput> = {
  title: { zh: '随机抽查事项清单', en: 'the inspection-item list' },
  table: (client) => client.inspectionItem,
  key: 'code',
  generatedId: false,
  columns: [
    { field: 'code', zh: '事项编码' },
    { field: 'name', zh: '事项名称' },
    { field: 'legalBasis', zh: '检查依据' },
    { field: 'categories', zh: '适用对象类别', type: 'list' },
    { field: 'kind', zh: '事项类别' },
    { field: 'method', zh: '检查方式' },
    { field: 'requiredSpecialty', zh: '所需专业' },
    { field: 'sampleRatio', zh: '抽查比例', type: 'number' },
    { field: 'yearlyFrequency', zh: '年度抽查频次', type: 'number' },
    { field: 'defaultRectificationDays', zh: '默认整改期限（天）', type: 'number' },
    { field: 'notice', zh: '告知方式' },
    { field: 'preparation', zh: '需准备的资料' },
  ],
};
