// The double-random draw (R8, R20): commit, run once, verify — by anyone with read access.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { z } from 'zod';
import { officerStatuses, riskFlags, strata } from '../../domain/draw';
import { DomainError } from '../../domain/errors';
import { findDraw, listDraws, prepareDraw, publicView, verifyStoredDraw } from '../../services/draws';
import { namesOf } from '../../services/names';
import { drawWorkflow, drawWorkflowId } from '../../workflows/draw';
import { actorOf, type ApiDependencies } from '../context';
import { pageOf, pageQuery, route, workflowUnavailable } from '../http';
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

// What the API answers about a draw: the record as services/draws.ts `publicView` shows it, the shapes of its
// JSON columns as domain/draw/types.ts defines them.

/** Statuses a draw row takes (services/draws.ts): committed when prepared, drawn once its cases are open. */
const drawStatuses = ['committed', 'drawn'] as const;

const sha256 = (description: string) => z.string().regex(/^[0-9a-f]{64}$/).meta({ description });
const count = z.int().min(0);
const share = z.number().min(0).max(1);

/** `DrawRules` as committed: the request's rules with its defaults filled in (a plan's draw sets them itself). */
export const drawRulesSchema = z
  .object({
    targetCount: z.int().min(1),
    teamSize: z.int().min(2),
    inspectionDate: z.iso.date(),
    requiredSpecialty: z.string().optional(),
    maxRandomInspectionsPerYear: z.int().min(1).optional().meta({ description: 'R5 年度抽查上限，缺省为 2 / R5 yearly cap; 2 when absent' }),
    riskWeights: z.partialRecord(z.enum(riskFlags), z.number().min(1)).meta({ description: 'R6 风险权重 / R6 weights by risk flag' }),
    coverageFirst: z.boolean(),
    minParticipationShare: share.optional().meta({ description: 'R7 参与率目标，缺省为 0.8 / R7 participation target; 0.8 when absent' }),
  })
  .meta({ description: '抽取规则 / the rules the draw was committed with' });

const drawPickSchema = z.object({
  entityId: z.uuid(),
  stratum: z.enum(strata),
  weight: z.number().min(1),
  reason: z.string().meta({ description: '可被抽取的理由 / why it could be drawn, `中文 / English`' }),
  team: z.array(z.uuid()).meta({ description: '检查组执法人员，按 id 排序 / the team\'s officer ids, sorted' }),
  recusals: z.array(z.uuid()).meta({ description: '因利害关系回避的执法人员 (R10) / qualified officers kept off for a declared conflict, sorted' }),
});

/** `DrawResult` (domain/draw/types.ts): everything the engine decided, recomputable from the record (R20). */
export const drawResultSchema = z
  .object({
    algorithmVersion: z.string(),
    snapshotHash: sha256('名录快照哈希 / SHA-256 of the canonical snapshot'),
    rulesHash: sha256('规则哈希 / SHA-256 of the canonical effective rules'),
    commitment: sha256('种子承诺值 / SHA-256 of the seed'),
    seedMix: sha256('混合种子 / the mixed seed that keyed the random streams'),
    picks: z.array(drawPickSchema).meta({ description: '按抽取顺序 / in draw order' }),
    eligibility: z.object({
      targetsInSnapshot: count,
      eligible: count,
      overLimitExcluded: count.meta({ description: '已达 R5 年度上限而排除 / at or over the R5 cap, left out' }),
      overLimitRiskFlagged: count.meta({ description: '已达上限但因 R6 风险情形仍可抽取 / at or over the cap, eligible through an R6 risk flag' }),
    }),
    participation: z.object({
      officersOnRoll: count,
      officersQualified: count,
      officersTakingPart: count,
      share,
      officersTakingPartThisYear: count,
      shareThisYear: share,
      target: share,
      meetsTarget: z.boolean(),
      perOfficer: z.array(
        z.object({ officerId: z.uuid(), status: z.enum(officerStatuses), before: count, inThisDraw: count, after: count }),
      ),
    }).meta({ description: 'R7 执法人员参与情况 / officer participation (R7)' }),
    coverage: z.object({ notYetInspectedBefore: count, remainingAfter: count }),
  })
  .meta({ description: '抽取结果 / the result of the draw' });

/** A draw as `publicView` shows it: never the seed before it runs. */
export const drawSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  planId: z.string().nullable().meta({ description: '所属计划 / the plan it belongs to, if any' }),
  status: z.enum(drawStatuses),
  algorithmVersion: z.string(),
  rules: drawRulesSchema,
  snapshotHash: sha256('名录快照哈希，抽取前公布 / SHA-256 of the frozen pool, published before the draw'),
  commitment: sha256('种子承诺值，抽取前公布 / SHA-256 of the seed, published before the draw'),
  pool: z.object({ targets: count, officers: count, conflicts: count }).meta({ description: '快照规模 / the size of the frozen pool' }),
  seed: sha256('种子，抽取后公开 / the seed, revealed once drawn').nullable(),
  outsideRandomness: z.string().nullable(),
  result: drawResultSchema.nullable(),
  caseIds: z.array(z.uuid()),
  createdBy: z.string(),
  createdAt: z.iso.datetime(),
  drawnBy: z.string().nullable(),
  drawnAt: z.iso.datetime().nullable(),
});

const drawDetailSchema = drawSchema.extend({
  officerNames: z.record(z.uuid(), z.string()).meta({ description: '抽中的执法人员姓名 / the drawn officers\' names, by id' }),
  entityNames: z.record(z.uuid(), z.string()).meta({ description: '抽中的对象：名称（统一社会信用代码）/ the drawn entities: name (credit code), by id' }),
});

const drawListItemSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  planId: z.string().nullable(),
  status: z.enum(drawStatuses),
  algorithmVersion: z.string(),
  snapshotHash: drawSchema.shape.snapshotHash,
  commitment: drawSchema.shape.commitment,
  cases: count.meta({ description: '已立案数 / cases opened' }),
  createdAt: z.iso.datetime(),
  drawnAt: z.iso.datetime().nullable(),
});

const verificationSchema = z.object({
  drawId: z.uuid(),
  valid: z.boolean(),
  problems: z.array(z.string()).meta({ description: '不符之处 / what does not match, each `中文 / English`; empty when valid' }),
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
        201: { description: '已承诺：名录快照哈希与种子承诺值，可在抽取前公布 / committed: snapshot hash and seed commitment, publishable before the draw', schema: drawSchema },
        409: {
          description:
            '无法抽取，写明所缺，未写入任何记录；或相同请求（Idempotency-Key）正在处理 / infeasible: what is short is named, nothing is written; or the same request is still being processed',
        },
        ...workflowUnavailable,
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
      responses: {
        200: { description: '抽取后的记录（公开种子与结果）及所立案件 / the drawn record, its seed revealed, with its cases', schema: drawSchema },
        404: { description: '抽取记录不存在 / no such draw' },
        409: { description: '该抽取已进行，不能重抽；或相同请求（Idempotency-Key）正在处理 / already drawn, it runs once; or the same request is still being processed' },
        ...workflowUnavailable,
      },
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
      responses: { 200: { description: '一页抽取记录（不含快照）/ a page of draws, without their snapshots', schema: pageOf(drawListItemSchema) } },
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
      responses: {
        200: { description: '抽取记录，附抽中人员与对象名称 / the record, with the drawn officers\' and entities\' names', schema: drawDetailSchema },
        404: { description: '抽取记录不存在 / no such draw' },
      },
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
      responses: {
        200: { description: '复核结论：是否一致及不符之处 / whether the record recomputes, and what does not match', schema: verificationSchema },
        404: { description: '抽取记录不存在 / no such draw' },
      },
      async handler({ params }) {
        return { status: 200, body: await verifyStoredDraw(db, params.id) };
      },
    }),
  ];
}
