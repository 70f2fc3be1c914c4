// The public record (R16): what was published, with the plan and the items behind it, and nothing else.
import type { Db } from '../db/client';
import { paged } from '../db/paged';

export async function listPublishedResults(db: Db, filter: { q?: string; page: number; pageSize: number }) {
  const where = filter.q ? { OR: [{ entityName: { contains: filter.q } }, { entityUscc: filter.q.toUpperCase() }] } : {};
  const found = await paged(db, filter, {
    count: db.publication.count({ where }),
    findMany: (window) => db.publication.findMany({ where, orderBy: { publishedAt: 'desc' }, ...window }),
  });
  const contents = found.items.map((row) => (row.content ?? {}) as { planId?: string | null; items?: string[] });
  const planIds = [...new Set(contents.flatMap((content) => (content.planId ? [content.planId] : [])))];
  const itemCodes = [...new Set(contents.flatMap((content) => content.items ?? []))];
  const [plans, items] = await Promise.all([
    db.plan.findMany({ where: { id: { in: planIds } }, select: { id: true, number: true, title: true } }),
    db.inspectionItem.findMany({ where: { code: { in: itemCodes } }, select: { code: true, name: true, legalBasis: true } }),
  ]);
  const planById = new Map(plans.map((plan) => [plan.id, { number: plan.number, title: plan.title }]));
  const itemByCode = new Map(items.map((item) => [item.code, item]));
  return {
    ...found,
    items: found.items.map((row, index) => {
      const content = contents[index]!;
      return {
        entityName: row.entityName,
        entityUscc: row.entityUscc,
        publishedAt: row.publishedAt.toISOString(),
        result: row.content,
        plan: content.planId ? (planById.get(content.planId) ?? null) : null,
        inspectionItems: (content.items ?? []).map((code) => itemByCode.get(code) ?? { code, name: null, legalBasis: null }),
      };
    }),
  };
}
