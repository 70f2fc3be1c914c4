// The target directory (R1) as a file, keyed by the unified social credit code. The legal status is exported
// but changes only through its own endpoint, which keeps its history and ends open cases.
import type { Prisma } from '@prisma/client';
import type { Entity } from '../db/client';
import { legalStatusLabels, riskLevelLabels, wordsFor } from '../domain/vocabulary';
import { categoryResolver, categoryWords } from './categories';
import type { Directory } from './directoryImport';

export const entityDirectory: Directory<Entity, Prisma.EntityCreateManyInput> = {
  title: { zh: '检查对象名录', en: 'the target directory' },
  table: (client) => client.entity,
  key: 'uscc',
  generatedId: true,
  columns: [
    { field: 'uscc', zh: '统一社会信用代码', code: true, example: '91320482MA1MXXXX0X' },
    { field: 'name', zh: '名称', example: '金坛区某商贸有限公司' },
    { field: 'legalRepresentative', zh: '法定代表人', example: '王某' },
    { field: 'address', zh: '地址', example: '常州市金坛区西城街道华罗庚路18号' },
    { field: 'street', zh: '街道镇', example: '西城街道' },
    { field: 'category', zh: '类别', example: '单用途商业预付卡发卡企业', wordsFrom: categoryWords },
    { field: 'grade', zh: '分级', example: 'B' },
    { field: 'riskLevel', zh: '风险等级', labels: wordsFor(riskLevelLabels), example: '中' },
  ],
  exportOnly: [{ zh: '法律状态', value: (entity) => legalStatusLabels[entity.legalStatus].zh }],
  async rowCheck(db) {
    const resolve = await categoryResolver(db);
    return (row) => {
      if (typeof row.category !== 'string') return undefined;
      const code = resolve(row.category);
      if (code === undefined) return { field: 'category', reason: resolve.unknown(row.category) };
      row.category = code;
      return undefined;
    };
  },
};
