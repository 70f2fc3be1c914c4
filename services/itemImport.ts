// The inspection-item list (R3) as a file, keyed by the item's code. Several categories go in one cell, each by
// its name or code in the bureau's category list; the kind, method and notice may be written in words.
import type { InspectionItem, Prisma } from '@prisma/client';
import { itemKindLabels, itemMethodLabels, itemNoticeLabels, wordsFor } from '../domain/vocabulary';
import { categoryResolver, categoryWords } from './categories';
import type { Directory } from './directoryImport';

export const itemDirectory: Directory<InspectionItem, Prisma.InspectionItemCreateManyInput> = {
  title: { zh: '随机抽查事项清单', en: 'the inspection-item list' },
  table: (client) => client.inspectionItem,
  key: 'code',
  generatedId: false,
  columns: [
    { field: 'code', zh: '事项编码', code: true, example: 'SW-YFK-01' },
    { field: 'name', zh: '事项名称', example: '单用途商业预付卡发卡企业备案及资金存管' },
    { field: 'legalBasis', zh: '检查依据', example: '《单用途商业预付卡管理办法（试行）》第七条、第二十条' },
    { field: 'categories', zh: '适用对象类别', type: 'list', example: '单用途商业预付卡发卡企业', wordsFrom: categoryWords },
    { field: 'kind', zh: '事项类别', labels: wordsFor(itemKindLabels), example: itemKindLabels.key.zh },
    { field: 'method', zh: '检查方式', labels: wordsFor(itemMethodLabels), example: itemMethodLabels.on_site.zh },
    { field: 'requiredSpecialty', zh: '所需专业', example: 'prepaid_card' },
    { field: 'sampleRatio', zh: '抽查比例', type: 'number', example: '0.05' },
    { field: 'yearlyFrequency', zh: '年度抽查频次', type: 'number', example: '1' },
    { field: 'defaultRectificationDays', zh: '默认整改期限（天）', type: 'number', example: '15' },
    { field: 'notice', zh: '告知方式', labels: wordsFor(itemNoticeLabels), example: itemNoticeLabels.in_advance.zh },
    { field: 'preparation', zh: '需准备的资料', example: '预付卡发行备案材料' },
  ],
  async rowCheck(db) {
    const resolve = await categoryResolver(db);
    return (row) => {
      const written = (row.categories ?? []) as string[];
      const unknown = written.find((category) => resolve(category) === undefined);
      if (unknown !== undefined) return { field: 'categories', reason: resolve.unknown(unknown) };
      row.categories = written.map((category) => resolve(category)!);
      return undefined;
    };
  },
};
