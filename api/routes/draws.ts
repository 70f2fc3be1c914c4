// The double-random draw (R8, R20): commit, run once, verify — by anyone with read access.
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { z } from 'zod';
import { officerStatuses, riskFlags, strata } from '../../domain/draw';
import { DomainError } from '../../domain/errors';
import {
  drawProgress,
  drawRecordDownload,
  findDraw,
  listDraws,
  manualRunRefusal,
  prepareDraw,
  publicDraw,
  publicDrawRecordDownload,
  publicDraws,
  publicView,
  verifyStoredDraw,
  type RecordDownload,
} from '../../services/draws';
import { namesOf } from '../../services/names';
import { awaitDrawResult, type drawWorkflow, drawWorkflowId } from '../../workflows/draw';
import { actorOf, type ApiDependencies } from '../context';
import { pageOf, pageQuery, route, workflowUnavailable, type Reply } from '../http';
import { sendStreamed } from '../streamed';
import { idParams } from './entities';

const drawRequestSchema = z.strictObject({
  name: z.string().trim().min(1).max(200).meta({ description: '如 坛商抽查〔2026〕3号' }),
  planId: z.string().trim().max(100).optional(),
  drawAt: z.iso
    .datetime({ offset: true, error: '应为 ISO 8601 时间 / must be an ISO 8601 date-time' })
    .optional()
    .meta({ description: '计划抽取时间，缺省为现在；外部随机数取其后第一个 drand 轮次 / when it is to run (now if absent); the outside randomness is the first drand round after it' }),
  randomnessSource: z
    .strictObject({
      description: z.string().trim().min(4).max(300).meta({ description: '公开来源及哪一期，如 中国福利彩票双色球 2026140 期开奖号码 / the public source and which of its values' }),
      publishedAt: z.iso.datetime({ offset: true }).meta({ description: '该值公布的时间，须在现在之后 / when that value is published: after now' }),
    })
    .optional()
    .meta({ description: '以其他公开来源代替 drand / another public source in place of drand' }),
  scope: z
    .strictObject({ categories: z.array(z.string().min(1)).max(50).optional(), streets: z.array(z.string().min(1)).max(50).optional() })
    .default({}),
  rules: z.strictObject({
    targetCount: z.number().int().min(1).max(100_000),
    teamSize: z.number().int().min(2, '检查组不得少于2人 / at least two officers (R9)').max(10),
    inspectionDate: z.iso.date(),
    requiredSpecialty: z.string().min(1).max(50).optional(),
    maxRandomInspectionsPerYear: z.number().int().min(1).max(12).optional(),
    // Whole numbers: a weight is hashed into the rules, and a whole number survives every store unchanged.
    riskWeights: z.partialRecord(z.enum(riskFlags), z.int('应为整数 / must be a whole number').min(1).max(100)).default({}),
    coverageFirst: z.boolean().default(true),
  }),
});

// What the API answers about a draw: the record as services/draws.ts `publicView` shows it, the shapes of its
// JSON columns as domain/draw/types.ts defines them.

/** A draw is committed when prepared, opening its cases once it has run, drawn once every case is open. */
const drawStatuses = ['committed', 'opening', 'drawn'] as const;

const randomnessSourceSchema = z
  .union([
    z.object({
      kind: z.literal('drand'),
      chain: z.literal('quicknet'),
      round: z.int().min(1),
      publishedAt: z.iso.datetime(),
      url: z.url().meta({ description: '该轮随机数的公开地址（randomness 字段）/ where anyone reads the round\'s value (its `randomness`)' }),
    }),
    z.object({ kind: z.literal('named'), description: z.string(), publishedAt: z.iso.datetime({ offset: true }) }),
  ])
  .meta({ description: '承诺时即指定、尚未产生的公开随机数 / the public value the draw will mix in, named before it exists' });

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
  drawAt: z.iso.datetime().nullable().meta({ description: '计划抽取时间 / when it is to run' }),
  randomnessSource: randomnessSourceSchema.nullable(),
  pool: z.object({ targets: count, officers: count, conflicts: count }).meta({ description: '快照规模 / the size of the frozen pool' }),
  seed: sha256('种子，抽取后公开 / the seed, revealed once drawn').nullable(),
  outsideRandomness: z.string().nullable(),
  result: drawResultSchema.nullable(),
  caseIds: z.array(z.uuid()).meta({ description: '每户一案，按抽取顺序 / one case per pick, in pick order' }),
  progress: z.object({ casesOpened: count, casesToOpen: count }).meta({ description: '立案进度 / cases opened of those to open' }),
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
  cases: count.meta({ description: '抽中户数 / picks, one case each' }),
  createdAt: z.iso.datetime(),
  drawAt: z.iso.datetime().nullable(),
  drawnAt: z.iso.datetime().nullable(),
});

const verificationSchema = z.object({
  drawId: z.uuid(),
  valid: z.boolean(),
  problems: z.array(z.string()).meta({ description: '不符之处 / what does not match, each `中文 / English`; empty when valid' }),
});

const drawTargetSchema = z.object({
  id: z.uuid(),
  uscc: z.string(),
  category: z.string(),
  street: z.string(),
  riskFlags: z.array(z.enum(riskFlags)),
  inspectionsThisYear: count,
});

/** The auditors' record: everything `npm run draw:verify` or an independent implementation needs to re-run it. */
const drawRecordSchema = z.object({
  drawId: z.uuid(),
  name: z.string(),
  algorithmVersion: z.string(),
  rules: drawRulesSchema,
  snapshot: z.object({
    targets: z.array(drawTargetSchema),
    officers: z.array(z.object({ id: z.uuid(), specialties: z.array(z.string()), certificateValidUntil: z.iso.date(), participationsThisYear: count })),
    conflicts: z.array(z.object({ officerId: z.uuid(), entityId: z.uuid() })),
  }),
  snapshotHash: drawSchema.shape.snapshotHash,
  commitment: drawSchema.shape.commitment,
  seed: sha256('种子 / the seed'),
  randomnessSource: randomnessSourceSchema.nullable(),
  outsideRandomness: z.string().nullable(),
  result: drawResultSchema,
  caseIds: z.array(z.uuid()),
});

/** The public's record: the same without officers and conflicts (they stay internal); the targets part of the pool. */
const publicDrawResultSchema = drawResultSchema.extend({
  picks: z.array(drawPickSchema.omit({ recusals: true })),
  participation: drawResultSchema.shape.participation.omit({ perOfficer: true }),
});
const publicDrawRecordSchema = drawRecordSchema
  .omit({ snapshot: true, caseIds: true })
  .extend({ targets: z.array(drawTargetSchema), result: publicDrawResultSchema })
  .meta({ description: '公开记录：无执法人员名录、回避关系及逐人参与情况 / the public record: no officers, conflicts or per-officer participation' });

const publicDrawSchema = z.object({
  id: z.uuid(),
  name: z.string().meta({ description: '任务编号 / the task number, e.g. 坛商抽查〔2026〕3号' }),
  status: z.enum(drawStatuses),
  algorithmVersion: z.string(),
  rules: drawRulesSchema,
  snapshotHash: drawSchema.shape.snapshotHash,
  commitment: drawSchema.shape.commitment,
  drawAt: z.iso.datetime().nullable(),
  randomnessSource: randomnessSourceSchema.nullable(),
  committedAt: z.iso.datetime(),
  drawnAt: z.iso.datetime().nullable(),
  seed: sha256('抽取后公开的种子 / the seed, once drawn').nullable(),
  outsideRandomness: z.string().nullable(),
  seedMix: sha256('混合种子 / the mixed seed').nullable(),
  rulesHash: sha256('规则哈希 / the rules hash').nullable(),
  picks: count.meta({ description: '抽中户数 / how many were drawn' }),
});

const publicDrawDetailSchema = publicDrawSchema.extend({
  drawn: z
    .array(z.object({ entityName: z.string(), entityUscc: z.string(), team: z.array(z.string()).meta({ description: '检查人员姓名 / the team by name' }) }))
    .meta({ description: '抽查名单，按抽取顺序 / the list of those drawn, in draw order' }),
});

/**
 * A record's download (R20): a small one (a pool held as jsonb) answered whole; one from the stored parts streamed
 * as it is read, so that a million entities' record never exists whole in the API. Both are the same JSON.
 */
async function sendRecord(res: Parameters<typeof sendStreamed>[0], download: RecordDownload, fileName: string): Promise<Reply> {
  const headers = { 'content-disposition': `attachment; filename="${fileName}"` };
  if (download.whole) return { status: 200, body: download.whole, headers };
  await sendStreamed(res, download.chunks, { 'content-type': 'application/json; charset=utf-8', ...headers });
  return { status: 200 };
}

/** A draw's status and how many of its cases are open: what its page polls while a large draw opens them. */
const drawProgressSchema = z.object({
  id: z.uuid(),
  status: z.enum(drawStatuses),
  casesOpened: count,
  casesToOpen: count,
});

const notRunYet = { 409: { description: '抽取尚未进行，种子未公开 / the draw has not run: its seed is not revealed yet' } };

export function drawRoutes({ db, temporal, taskQueue, caseTiming, deliverNotifications, drawSeedKey }: ApiDependencies) {
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
        const { drawAt, randomnessSource, ...request } = body;
        const now = new Date();
        if (request.planId) {
          // A plan's draw is committed when leadership approves the plan, and runs through it (R4, R8).
          const message = '计划的抽取在领导批准计划时承诺，并由计划在批准的时间进行 / a plan\'s draw is committed when the plan is approved and runs through the plan';
          throw new DomainError('invalid', message, [{ field: 'body.planId', message }]);
        }
        if (randomnessSource && Date.parse(randomnessSource.publishedAt) <= now.getTime()) {
          const message = '指定的随机数须在承诺之后才公布 / the named value must be published after the commitment';
          throw new DomainError('invalid', message, [{ field: 'body.randomnessSource.publishedAt', message }]);
        }
        const draw = await prepareDraw(db, drawSeedKey, { ...request, drawAt: drawAt ? new Date(drawAt) : now, source: randomnessSource, actor: actorOf(req).id });
        // The commitment enters the audit log as it is made (R20): a later rewrite of the row shows against it.
        const audit = { commitment: draw.commitment, snapshotHash: draw.snapshotHash, randomnessSource: draw.randomnessSource as object };
        return { status: 201, body: draw, headers: { location: `/draws/${draw.id}` }, audit };
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
        409: {
          description:
            '已进行过（只能一次）、属于抽查计划（由计划在批准的时间进行）、指定的外部随机数尚未公布，或相同请求正在处理 / already run (it runs once), a plan\'s draw (it runs through the plan, at the approved time), the named outside randomness is not published yet, or the same request is still being processed',
        },
        422: { description: '缺少或不符合所指定来源的外部随机数 / the named outside randomness is missing or not of its form' },
        ...workflowUnavailable,
      },
      async handler({ params, body, req }) {
        const draw = await findDraw(db, params.id);
        const refusal = await manualRunRefusal(db, draw, body.outsideRandomness);
        if (refusal) throw refusal;
        try {
          // Answers once the result is recorded; the cases then open in batches, and GET /draws/:id shows how far.
          await temporal.workflow.executeUpdateWithStart(awaitDrawResult, {
            startWorkflowOperation: new WithStartWorkflowOperation<typeof drawWorkflow>('drawWorkflow', {
              workflowId: drawWorkflowId(draw.id),
              taskQueue,
              workflowIdConflictPolicy: 'FAIL',
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
            }),
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
      path: '/draws/:id/progress',
      summary: '立案进度（供页面轮询）/ How far the draw has opened its cases, for a page to poll (R8)',
      tags: ['draws'],
      access: ['leadership', 'coordinator', 'auditor'],
      params: idParams,
      responses: {
        200: { description: '状态与已立案数 / the status and the cases opened so far', schema: drawProgressSchema },
        404: { description: '抽取记录不存在 / no such draw' },
      },
      async handler({ params }) {
        return { status: 200, body: await drawProgress(db, params.id) };
      },
    }),
    route({
      method: 'get',
      path: '/draws/:id/record',
      summary: '下载完整抽取记录（含执法人员与回避关系），供独立复核 / Download the full record, officers and conflicts included, to re-run it (R20)',
      tags: ['draws'],
      access: ['leadership', 'coordinator', 'auditor'],
      params: idParams,
      responses: { 200: { description: '完整记录 / the record', schema: drawRecordSchema }, 404: { description: '抽取记录不存在 / no such draw' }, ...notRunYet },
      async handler({ params, res }) {
        return sendRecord(res, await drawRecordDownload(db, params.id), `draw-${params.id}.json`);
      },
    }),
    route({
      method: 'get',
      path: '/public/draws',
      summary: '公开：抽取记录（承诺、快照哈希、规则、指定的外部随机数；抽取后公开种子）/ Public: the draws, from commitment on (R8, R20)',
      tags: ['public'],
      access: 'public',
      query: z.strictObject(pageQuery(100)),
      responses: { 200: { description: '一页抽取 / a page of draws', schema: pageOf(publicDrawSchema) } },
      async handler({ query }) {
        return { status: 200, body: await publicDraws(db, query.page, query.pageSize) };
      },
    }),
    route({
      method: 'get',
      path: '/public/draws/:id',
      summary: '公开：一次抽取及其抽查名单 / Public: one draw and, once drawn, its list of entities and teams (R8, R16)',
      tags: ['public'],
      access: 'public',
      params: idParams,
      responses: { 200: { description: '抽取及名单 / the draw and its list', schema: publicDrawDetailSchema }, 404: { description: '抽取记录不存在 / no such draw' } },
      async handler({ params }) {
        return { status: 200, body: await publicDraw(db, params.id) };
      },
    }),
    route({
      method: 'get',
      path: '/public/draws/:id/record',
      summary: '公开：下载抽取记录（名录中的检查对象部分），供任何人复核抽中的对象 / Public: the record with the targets part of the pool, to re-run which entities were drawn (R20)',
      tags: ['public'],
      access: 'public',
      params: idParams,
      responses: { 200: { description: '公开记录 / the public record', schema: publicDrawRecordSchema }, 404: { description: '抽取记录不存在 / no such draw' }, ...notRunYet },
      async handler({ params, res }) {
        return sendRecord(res, await publicDrawRecordDownload(db, params.id), `draw-${params.id}-public.json`);
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
