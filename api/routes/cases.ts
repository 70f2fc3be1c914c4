import { z } from 'zod';
import { caseOrigins, caseStatuses, nonRandomOrigins } from '../../domain/inspectionCase';
import { cancelInspectionCase, openNonRandomCase, readCase } from '../../services/cases';
import { actorOf, type ApiDependencies } from '../context';
import { route } from '../http';
import { idParams } from './entities';

const reason = z
  .string({ error: '必填 / required' })
  .trim()
  .min(2, '请说明理由 / state the reason')
  .max(2000, '最多 2000 字 / at most 2000 characters');

const openCaseSchema = z.strictObject({
  entityId: z.uuid('应为检查对象的 UUID / must be the entity UUID'),
  origin: z.enum(nonRandomOrigins, { error: `应为 ${nonRandomOrigins.join(' / ')} 之一 / must be one of ${nonRandomOrigins.join(', ')}` }),
  reason: reason.meta({ description: '立案依据，如投诉编号与内容 / why: e.g. the complaint number and substance' }),
});

const caseSchema = z.object({
  id: z.uuid(),
  status: z.enum(caseStatuses),
  origin: z.enum(caseOrigins),
  originReason: z.string().nullable(),
  openedBy: z.string(),
  openedAt: z.iso.datetime(),
  closedAt: z.iso.datetime().nullable(),
  entity: z.object({ id: z.uuid(), uscc: z.string(), name: z.string() }),
  timeline: z.array(
    z.object({ kind: z.string(), actor: z.string(), reason: z.string().nullable(), at: z.iso.datetime() }),
  ),
  workflow: z.object({
    id: z.string(),
    status: z.string().meta({ description: 'Temporal execution status, e.g. RUNNING, COMPLETED' }),
    state: z.record(z.string(), z.unknown()).nullable().meta({ description: "the workflow's live state; null when no worker answers" }),
  }),
});

export function caseRoutes(dependencies: ApiDependencies) {
  return [
    route({
      method: 'post',
      path: '/cases',
      summary: '非随机立案（投诉举报、复查、交办）/ Open a non-random case (R11)',
      tags: ['cases'],
      body: openCaseSchema,
      responses: {
        201: { description: 'the case is open and its workflow running', schema: caseSchema },
        409: { description: 'the entity is not operating' },
        422: { description: 'invalid fields' },
      },
      async handler({ body, req }) {
        const opened = await openNonRandomCase(dependencies, { ...body, actor: actorOf(req) });
        return { status: 201, body: opened, headers: { location: `/cases/${opened.id}` } };
      },
    }),
    route({
      method: 'get',
      path: '/cases/:id',
      summary: '查看案件状态与时间线 / Read a case: status, timeline and workflow',
      tags: ['cases'],
      params: idParams,
      responses: { 200: { description: 'the case', schema: caseSchema }, 404: { description: 'no such case' } },
      async handler({ params }) {
        return { status: 200, body: await readCase(dependencies, params.id) };
      },
    }),
    route({
      method: 'post',
      path: '/cases/:id/cancel',
      summary: '撤销案件 / Cancel a case, with a reason',
      tags: ['cases'],
      params: idParams,
      body: z.strictObject({ reason }),
      responses: {
        200: { description: 'the cancelled case', schema: caseSchema },
        404: { description: 'no such case' },
        409: { description: 'the case has already ended' },
        422: { description: 'no reason given' },
      },
      async handler({ params, body, req }) {
        return { status: 200, body: await cancelInspectionCase(dependencies, params.id, actorOf(req), body.reason) };
      },
    }),
  ];
}
