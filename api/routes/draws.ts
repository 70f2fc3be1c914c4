// The double-random draw (R8, R20): commit, run once, verify — by anyone with read access.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { z } from 'zod';
import { riskFlags } from '../../domain/draw';
import { DomainError } from '../../domain/errors';
import { findDraw, listDraws, prepareDraw, publicView, verifyStoredDraw } from '../../services/draws';
import { namesOf } from '../../services/names';
import { drawWorkflow, drawWorkflowId } from '../../workflows/draw';
import { actorOf, type ApiDependencies } from '../context';
import { pageQuery, route } from '../http';
import { idParams } from './entities';

const drawRequestSchema = z.strictObject({
  name: z.string().trim().min(1).max(200).meta({ description: '如 坛商抽查〔2026〕3号' }),
  planId: z.string().trim().max(100).optional(),
  scope: z
    .strictObject({ categories: z.array(z.string().min(1)).max(50).optional(), streets: z.array(z.string().min(1)).max(50).optional() })
    .default({}),
  rules: z.strictObject({
    targetCount: z.number().int().min(1).max(100_000),
    teamSize: z.number().int().min(2, '检查组不得少于2人 / at least two officers (R9)').max(10),
    inspectionDate: z.iso.date(),
    requiredSpecialty: z.string().min(1).max(50).optional(),
    maxRandomInspectionsPerYear: z.number().int().min(1).max(12).optional(),
    riskWeights: z.partialRecord(z.enum(riskFlags), z.number().min(1).max(100)).default({}),
    coverageFirst: z.boolean().default(true),
  }),
});

export function drawRoutes({ db, temporal, taskQueue, caseTiming, deliverNotifications }: ApiDependencies) {
  return [
    route({
      method: 'post',
      path: '/draws',
      summary: '准备抽取：冻结名录快照并承诺种子 / Prepare a draw: freeze the pool, commit to a seed (R20)',
      tags: ['draws'],
      access: ['coordinator'],
      body: drawRequestSchema,
      responses: {
        201: { description: 'committed: snapshot hash and seed commitment, publishable before the draw' },
        409: { description: 'infeasible: what is short is named, nothing is written' },
        422: { description: 'invalid fields' },
      },
      async handler({ body, req }) {
        const draw = await prepareDraw(db, { ...body, actor: actorOf(req).id });
        return { status: 201, body: draw, headers: { location: `/draws/${draw.id}` } };
      },
    }),
    route({
      method: 'post',
      path: '/draws/:id/run',
      summary: '进行抽取（只能一次），为每个抽中对象立案 / Run the draw once and open a case per drawn target (R8)',
      tags: ['draws'],
      access: ['coordinator'],
      params: idParams,
      body: z.strictObject({
        outsideRandomness: z.string().trim().min(1).max(500).optional().meta({ description: '外部随机数，如事先指定的公开随机信标 / outside randomness, e.g. a public beacon round named in advance' }),
      }),
      responses: { 200: { description: 'the drawn record with its cases' }, 404: { description: 'no such draw' }, 409: { description: 'already drawn' } },
      async handler({ params, body, req }) {
        const draw = await findDraw(db, params.id);
        if (draw.status !== 'committed') throw new DomainError('conflict', '该抽取已进行，不能重抽 / this draw has already run and cannot run again');
        try {
          await temporal.workflow.execute(drawWorkflow, {
            workflowId: drawWorkflowId(draw.id),
            taskQueue,
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
            args: [
              {
                drawId: draw.id,
                drawName: draw.name,
                planId: draw.planId ?? undefined,
                outsideRandomness: body.outsideRandomness,
                actor: actorOf(req).id,
                timing: caseTiming,
                deliverNotifications,
              },
            ],
          });
        } catch (error) {
          if (error instanceof WorkflowExecutionAlreadyStartedError) {
            throw new DomainError('conflict', '该抽取已进行，不能重抽 / this draw has already run and cannot run again');
          }
          throw error;
        }
        return { status: 200, body: publicView(await findDraw(db, draw.id)) };
      },
    }),
    route({
      method: 'get',
      path: '/draws',
      summary: '抽取记录列表 / The draws, newest first',
      tags: ['draws'],
      access: ['leadership', 'coordinator', 'auditor'],
      query: z.strictObject(pageQuery(200)),
      responses: { 200: { description: 'a page of draws' } },
      async handler({ query }) {
        return { status: 200, body: await listDraws(db, query.page, query.pageSize) };
      },
    }),
    route({
      method: 'get',
      path: '/draws/:id',
      summary: '抽取记录（抽取前不显示种子）/ A draw record (the seed stays hidden until it runs)',
      tags: ['draws'],
      access: ['leadership', 'coordinator', 'auditor'],
      params: idParams,
      responses: { 200: { description: 'the record' }, 404: { description: 'no such draw' } },
      async handler({ params }) {
        const draw = publicView(await findDraw(db, params.id));
        // The record holds ids; a reader wants to see who was drawn and which entities.
        const picks = (draw.result as { picks?: Array<{ entityId: string; team: string[] }> } | null)?.picks ?? [];
        const [officerNames, entities] = await Promise.all([
          namesOf(db, picks.flatMap((pick) => pick.team)),
          db.entity.findMany({ where: { id: { in: picks.map((pick) => pick.entityId) } }, select: { id: true, name: true, uscc: true } }),
        ]);
        const entityNames = Object.fromEntries(entities.map((entity) => [entity.id, `${entity.name}（${entity.uscc}）`]));
        return { status: 200, body: { ...draw, officerNames, entityNames } };
      },
    }),
    route({
      method: 'get',
      path: '/draws/:id/verification',
      summary: '复核抽取：由记录重算并比对 / Verify a draw: recompute it from its record (R20)',
      tags: ['draws'],
      access: ['leadership', 'coordinator', 'auditor'],
      params: idParams,
      responses: { 200: { description: '{ valid, problems }' }, 404: { description: 'no such draw' } },
      async handler({ params }) {
        return { status: 200, body: await verifyStoredDraw(db, params.id) };
      },
    }),
  ];
}
