// Audit log (R20), metrics, and the public disclosure of results (R16).
import { z } from 'zod';
import { paged } from '../../db/paged';
import { caseOrigins, resultCategories } from '../../domain/inspectionCase';
import { verifyAudit } from '../../services/audit';
import { listPublishedResults } from '../../services/publications';
import type { ApiDependencies } from '../context';
import { pageOf, pageQuery, route } from '../http';

const page = pageQuery(200);

const auditEntrySchema = z.object({
  seq: z.string().regex(/^\d+$/).meta({ description: '序号（十进制字符串）/ the sequence number, as a decimal string' }),
  at: z.iso.datetime(),
  actor: z.string().meta({ description: '用户 id、`service:名称`、`anonymous:地址` 或 `system` / a user id, `service:<name>`, `anonymous:<address>` or `system`' }),
  action: z.string().meta({ description: '如 `POST /cases/:id/review`、`SIGN-IN`、`plan:approved` / e.g. `POST /cases/:id/review`, `SIGN-IN`, `plan:approved`' }),
  target: z.string().nullable(),
  reason: z.string().nullable(),
  data: z.record(z.string(), z.unknown()).meta({ description: '随操作而异：状态码、请求 id、变更前后等 / depends on the action: status, request id, before and after…' }),
  prevHash: z.string().regex(/^[0-9a-f]{64}$/),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});

const chainVerdictSchema = z.discriminatedUnion('valid', [
  z.object({ valid: z.literal(true), entries: z.int().min(0) }),
  z.object({
    valid: z.literal(false),
    entries: z.int().min(0),
    brokenAt: z.string().regex(/^\d+$/).meta({ description: '第一条不成立的记录序号 / the seq of the first entry that does not hold' }),
    problem: z.enum(['altered', 'removed_or_reordered']),
  }),
]);

const penaltySchema = z.object({
  caseFilingNumber: z.string().optional().meta({ description: '立案号 / case filing number' }),
  decision: z.string().optional(),
  amountYuan: z.number().min(0).optional(),
  legalBasis: z.string().optional(),
  decidedAt: z.iso.datetime().optional().meta({ description: '公示后作出决定的时间 / when a decision made after publication was made' }),
});

/** What the public may read about a case (R16): the result and penalty decisions, as the case published it. */
const publicRecordSchema = z.object({
  entityUscc: z.string(),
  entityName: z.string(),
  origin: z.enum(caseOrigins),
  planId: z.string().nullable().meta({ description: '抽查计划（或计划外抽取的抽取记录）/ the plan, or the draw of a draw outside any plan' }),
  inspectionDate: z.iso.date().nullable(),
  items: z.array(z.string()).meta({ description: '检查事项代码 / the inspection items\' codes' }),
  resultCategory: z.enum(resultCategories).nullable(),
  rectified: z.boolean().nullable(),
  penalties: z.array(penaltySchema),
});

const publishedResultSchema = z.object({
  entityName: z.string(),
  entityUscc: z.string(),
  publishedAt: z.iso.datetime(),
  result: publicRecordSchema,
  plan: z.object({ number: z.string(), title: z.string() }).nullable(),
  inspectionItems: z.array(
    z.object({
      code: z.string(),
      name: z.string().nullable().meta({ description: '事项已删除时为 null / null when the item is no longer listed' }),
      legalBasis: z.string().nullable(),
    }),
  ),
});

export function oversightRoutes({ db, metrics }: ApiDependencies) {
  return [
    route({
      method: 'get',
      path: '/audit',
      summary: '审计日志 / The audit log, newest first, optionally for one record',
      tags: ['audit'],
      access: ['auditor', 'leadership'],
      query: z.strictObject({ target: z.string().max(200).optional(), ...page }),
      responses: { 200: { description: '一页审计记录，新的在前 / a page of entries, newest first', schema: pageOf(auditEntrySchema) } },
      async handler({ query }) {
        const where = query.target ? { target: query.target } : {};
        const body = await paged(
          db,
          query,
          { count: db.auditEntry.count({ where }), findMany: (window) => db.auditEntry.findMany({ where, orderBy: { seq: 'desc' }, ...window }) },
          (row) => ({ ...row, seq: String(row.seq), at: row.at.toISOString() }),
        );
        return { status: 200, body };
      },
    }),
    route({
      method: 'get',
      path: '/audit/verify',
      summary: '校验审计日志哈希链 / Verify the audit log\'s hash chain (R20)',
      tags: ['audit'],
      access: ['auditor', 'leadership'],
      responses: { 200: { description: '哈希链完好，或断在何处 / the chain holds, or where it breaks', schema: chainVerdictSchema } },
      async handler() {
        return { status: 200, body: await verifyAudit(db) };
      },
    }),
    route({
      method: 'get',
      path: '/metrics',
      summary: 'Prometheus 指标 / Prometheus metrics of this API process',
      tags: ['system'],
      access: ['auditor', 'leadership'],
      responses: { 200: { description: 'Prometheus 文本格式 / the Prometheus text format (text/plain; version=0.0.4)', mediaTypes: ['text/plain'] } },
      async handler({ res }) {
        res.type('text/plain; version=0.0.4').send(metrics.render());
        return { status: 200, body: undefined, headers: {} };
      },
    }),
    route({
      method: 'get',
      path: '/public/results',
      summary: '公示：抽查结果与行政处罚信息 / Published inspection results and penalties (R16)',
      tags: ['public'],
      access: 'public',
      query: z.strictObject({ q: z.string().trim().max(100).optional().meta({ description: '企业名称或统一社会信用代码 / name or credit code' }), ...page }),
      responses: { 200: { description: '一页公示结果，新的在前 / a page of published results, newest first', schema: pageOf(publishedResultSchema) } },
      async handler({ query }) {
        return { status: 200, body: await listPublishedResults(db, query) };
      },
    }),
  ];
}
