// Audit log (R20), metrics, and the public disclosure of results (R16).
import { z } from 'zod';
import { paged } from '../../db/paged';
import { verifyAudit } from '../../services/audit';
import { listPublishedResults } from '../../services/publications';
import type { ApiDependencies } from '../context';
import { pageQuery, route } from '../http';

const page = pageQuery(200);

export function oversightRoutes({ db, metrics }: ApiDependencies) {
  return [
    route({
      method: 'get',
      path: '/audit',
      summary: '审计日志 / The audit log, newest first, optionally for one record',
      tags: ['audit'],
      access: ['auditor', 'leadership'],
      query: z.strictObject({ target: z.string().max(200).optional(), ...page }),
      responses: { 200: { description: 'a page of entries' } },
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
      responses: { 200: { description: 'the chain holds, or where it breaks' } },
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
      responses: { 200: { description: 'text/plain; version=0.0.4' } },
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
      responses: { 200: { description: 'a page of published results' } },
      async handler({ query }) {
        return { status: 200, body: await listPublishedResults(db, query) };
      },
    }),
  ];
}
