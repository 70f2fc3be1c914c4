// Audit log (R20), metrics, and the public disclosure of results (R16).
import { z } from 'zod';
import { paged } from '../../db/paged';
import { caseOrigins, resultCategories } from '../../domain/inspectionCase';
import { compareSeq } from '../../domain/auditChain';
import { verifyAudit } from '../../services/audit';
import { checkpointSignatureHolds, knownCheckpoints } from '../../services/auditCheckpoints';
import { checkpointNow } from '../../services/auditCheckpointRuns';
import { listPublishedResults } from '../../services/publications';
import type { ApiDependencies } from '../context';
import { pageOf, pageQuery, route, workflowUnavailable } from '../http';

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

const seqString = z.string().regex(/^\d+$/);
const checkpointSchema = z.object({
  version: z.literal(1),
  seq: seqString.meta({ description: '签名时链头的序号 / the seq of the chain\'s head when signed' }),
  hash: z.string().regex(/^[0-9a-f]{64}$/).meta({ description: '该条记录的哈希 / that entry\'s hash' }),
  at: z.iso.datetime(),
  keyId: z.string().meta({ description: '公钥（SPKI DER）SHA-256 的前 16 位 / the first 16 hex digits of the SHA-256 of the public key (SPKI, DER)' }),
  signature: z.string().meta({ description: 'Ed25519 签名（base64），签的是其余字段按键排序、无空格的 JSON / Ed25519 (base64) over the JSON of the other fields, keys sorted, no spaces' }),
});

const chainVerdictSchema = z.object({
  valid: z.boolean().meta({ description: '无任何断裂 / no break of any kind' }),
  entries: z.int().min(0),
  head: z.object({ seq: seqString, hash: z.string() }).nullable(),
  brokenAt: seqString.optional().meta({ description: '第一处断裂的序号 / the seq of the first break' }),
  problem: z.enum(['altered', 'removed_or_reordered', 'truncated', 'rewritten', 'forged_checkpoint']).optional(),
  breaks: z
    .array(
      z.object({
        seq: seqString,
        problem: z.enum(['altered', 'removed_or_reordered', 'truncated', 'rewritten', 'forged_checkpoint']),
        detail: z.string(),
      }),
    )
    .meta({ description: '全部断裂，不止第一处 / every break, not only the first' }),
  poisoned: z
    .array(z.object({ seq: seqString, detail: z.string() }))
    .meta({ description: '写入时被数据库无法保存的字符所污染、但可证明未被篡改的记录 / entries poisoned at writing by text the database could not keep, provably not tampered with' }),
  checkpoints: z.object({
    keyId: z.string().nullable().meta({ description: '用于核验的公钥；未配置时为 null / the public key checked against; null when none is configured' }),
    verified: z.int().min(0).meta({ description: '签名成立的检查点数 / checkpoints whose signature holds' }),
    file: z.enum(['found', 'missing', 'not_configured']).meta({ description: '检查点文件 / the checkpoint file' }),
    latest: z.object({ seq: seqString, hash: z.string(), at: z.iso.datetime() }).nullable(),
    entriesAfterLatest: z.int().min(0).meta({ description: '最新检查点之后、尚未签名的记录数 / entries after the latest checkpoint, not yet signed' }),
  }),
});

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

export function oversightRoutes({ db, metrics, audit, temporal, taskQueue }: ApiDependencies) {
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
        return { status: 200, body: await verifyAudit(db, audit) };
      },
    }),
    route({
      method: 'post',
      path: '/audit/checkpoints',
      summary: '立即为审计日志签名检查点 / Sign a checkpoint of the audit chain now (R20)',
      tags: ['audit'],
      access: ['auditor', 'leadership'],
      responses: {
        200: { description: '已签名的检查点；日志为空时为 null / the signed checkpoint; null while the log is empty', schema: z.object({ checkpoint: checkpointSchema.nullable() }) },
        409: { description: '哈希链有断裂（不予签名），或工作进程没有签名密钥 / the chain is broken (not signed), or the worker has no signing key' },
        ...workflowUnavailable,
      },
      async handler() {
        return { status: 200, body: { checkpoint: await checkpointNow(temporal, taskQueue) } };
      },
    }),
    route({
      method: 'get',
      path: '/public/audit-checkpoints',
      summary: '公开：审计日志的签名检查点与公钥 / Public: the audit log\'s signed checkpoints and the public key (R20)',
      tags: ['public'],
      access: 'public',
      query: z.strictObject({ ...page }),
      responses: {
        200: {
          description: '公钥与一页检查点，新的在前 / the public key and a page of checkpoints, newest first',
          schema: pageOf(checkpointSchema).extend({
            algorithm: z.literal('Ed25519'),
            publicKey: z.string().nullable().meta({ description: 'SPKI PEM；未配置时为 null / SPKI PEM; null when none is configured' }),
            keyId: z.string().nullable(),
          }),
        },
      },
      async handler({ query, res }) {
        const key = audit.verifyingKey;
        const signed = key ? (await knownCheckpoints(db, audit.checkpointFile)).all.filter((checkpoint) => checkpointSignatureHolds(key, checkpoint)) : [];
        signed.sort((a, b) => compareSeq(b.seq, a.seq) || (a.at < b.at ? 1 : -1));
        const start = (query.page - 1) * query.pageSize;
        res.setHeader('cache-control', 'public, max-age=60');
        return {
          status: 200,
          body: {
            algorithm: 'Ed25519',
            publicKey: key?.publicKeyPem ?? null,
            keyId: key?.keyId ?? null,
            total: signed.length,
            page: query.page,
            pageSize: query.pageSize,
            items: signed.slice(start, start + query.pageSize),
          },
        };
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
