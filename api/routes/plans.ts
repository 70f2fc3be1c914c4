// 随机抽查事项 (R3) and 抽查计划 (R4): plans take effect only when leadership approves them.
import { z } from 'zod';
import { paged } from '../../db/paged';
import { DomainError } from '../../domain/errors';
import { itemDirectory } from '../../services/itemImport';
import { createPlanRow, planCoverage } from '../../services/plans';
import {
  approvePlan,
  closePlan,
  getPlanState,
  planStatuses,
  planWorkflow,
  planWorkflowId,
  provideOutsideRandomness,
  sendBackPlan,
  submitPlan,
  type PlanState,
} from '../../workflows/plan';
import { actorOf, type ApiDependencies } from '../context';
import { pageOf, pageQuery, route, workflowUnavailable, type Route } from '../http';
import type { UpdateDefinition } from '@temporalio/common';
import { directoryFileRoutes } from './directoryFiles';
import { idParams } from './entities';
import { resolveCategories } from '../../services/categories';

const text = (max: number) => z.string().trim().min(1, '不能为空 / must not be empty').max(max);

const itemKinds = ['general', 'key'] as const;
const itemMethods = ['on_site', 'documentary', 'other_department_results', 'testing', 'online_monitoring', 'expert'] as const;
const itemNotices = ['in_advance', 'unannounced'] as const;
const planKinds = ['annual', 'monthly'] as const;
const jointDepartments = ['market_regulation', 'tax', 'environment', 'other'] as const;

const itemSchema = z.strictObject({
  code: z.string().trim().regex(/^[A-Z0-9-]{2,30}$/, '2–30 位大写字母、数字或 - / 2–30 capitals, digits or -'),
  name: text(200),
  legalBasis: text(500).meta({ description: '法律法规规章及条款 / law and article' }),
  categories: z.array(text(100)).min(1, '至少适用一类对象 / applies to at least one kind of entity'),
  kind: z.enum(itemKinds).default('general'),
  method: z.enum(itemMethods).default('on_site'),
  requiredSpecialty: text(50).optional(),
  sampleRatio: z.number().min(0).max(1).optional(),
  yearlyFrequency: z.number().int().min(1).max(12).optional(),
  defaultRectificationDays: z.number().int().min(1).max(365).optional(),
  notice: z.enum(itemNotices).default('in_advance').meta({ description: '告知方式：事先告知 / 不预先告知 (no inspection notice is sent)' }),
  preparation: z.string().trim().max(2000, '最多 2000 字 / at most 2000 characters').optional().meta({ description: '需准备的资料，每行一项 / what the entity should have ready, one per line' }),
});

const planSchema = z.strictObject({
  kind: z.enum(planKinds),
  title: text(200),
  periodStart: z.iso.date(),
  periodEnd: z.iso.date(),
  itemCodes: z.array(text(30)).min(1),
  scope: z.strictObject({ categories: z.array(text(100)).optional(), streets: z.array(text(100)).optional() }).default({}),
  targetCount: z.number().int().min(1).max(100_000),
  teamSize: z.number().int().min(2, '检查组不得少于2人 / at least two officers (R9)').max(10),
  rectificationDays: z.number().int().min(1).max(365).optional(),
  jointDepartments: z.array(z.enum(jointDepartments)).optional(),
});

/** An inspection item as stored (prisma InspectionItem): absent optional fields are null. */
const inspectionItemSchema = z.object({
  code: z.string(),
  name: z.string(),
  legalBasis: z.string().meta({ description: '法律法规规章及条款 / law and article' }),
  categories: z.array(z.string()),
  kind: z.enum(itemKinds),
  method: z.enum(itemMethods),
  requiredSpecialty: z.string().nullable(),
  sampleRatio: z.number().min(0).max(1).nullable(),
  yearlyFrequency: z.int().nullable(),
  defaultRectificationDays: z.int().nullable(),
  notice: z.enum(itemNotices),
  preparation: z.string().nullable(),
  createdAt: z.iso.datetime(),
});

const planStatusSchema = z.enum(planStatuses);

/** A plan's row (prisma Plan), its period as dates. */
const planRowSchema = z.object({
  id: z.uuid(),
  number: z.string().meta({ description: '计划编号，如 坛商抽查〔2026〕3号 / the bureau\'s number' }),
  kind: z.enum(planKinds),
  title: z.string(),
  periodStart: z.iso.date(),
  periodEnd: z.iso.date(),
  itemCodes: z.array(z.string()),
  scope: z.object({ categories: z.array(z.string()).optional(), streets: z.array(z.string()).optional() }),
  targetCount: z.int().min(1),
  teamSize: z.int().min(2),
  rectificationDays: z.int().nullable(),
  jointDepartments: z.array(z.enum(jointDepartments)),
  owner: z.string(),
  status: planStatusSchema,
  drawAt: z.iso.datetime().nullable().meta({ description: '批准时安排的抽取时间 / when the approved draw runs' }),
  drawId: z.uuid().nullable().meta({ description: '批准时承诺的抽取 / the draw committed on approval' }),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

/** A plan as read one at a time: the row with its workflow's approval history and the cases its draw opened. */
const planDetailSchema = planRowSchema.extend({
  history: z
    .array(z.object({ status: planStatusSchema, actor: z.string(), at: z.iso.datetime(), comment: z.string().optional() }))
    .meta({ description: '审批记录 / the approval history; empty when the workflow cannot be asked' }),
  actorNames: z.record(z.string(), z.string()).meta({ description: '审批记录中办理人的姓名或职务，按用户 id / the names of those in the history, by user id' }),
  caseIds: z.array(z.uuid()),
});

const coverageSchema = z.object({
  planId: z.uuid(),
  entitiesInScope: z.int().min(0),
  inspected: z.int().min(0).meta({ description: '期内已随机抽查的对象 / entities randomly inspected in the period' }),
  remaining: z.int().min(0),
  monthlyPlans: z
    .array(z.object({ id: z.uuid(), number: z.string(), title: z.string(), periodStart: z.iso.date(), status: planStatusSchema, targetCount: z.int().min(1) }))
    .meta({ description: '年度计划期内的月度计划；月度计划本身为空 / the monthly plans inside an annual plan\'s period; none for a monthly plan' }),
  plannedByMonthlyPlans: z.int().min(0).meta({ description: '已报送或批准的月度计划对象数合计 / targets of the monthly plans past draft' }),
  shortfall: z.int().min(0).meta({ description: '实现全覆盖尚需计划的对象数 / targets still to plan for full coverage' }),
  fullCoverageReachable: z.boolean(),
});

/** A POST's 409 is also the idempotency guard's (api/http.ts); a route's own 409 names both. */
const conflictOr = (zh: string, en: string) => `${zh}；或相同请求（Idempotency-Key）正在处理 / ${en}; or the same request is still being processed`;

export function planRoutes({ db, temporal, taskQueue, caseTiming, deliverNotifications }: ApiDependencies): Route[] {
  async function readPlan(id: string, live = true) {
    const plan = await db.plan.findUnique({ where: { id } });
    if (!plan) throw new DomainError('not_found', `计划不存在 / no plan ${id}`);
    const state = live ? await temporal.workflow.getHandle(planWorkflowId(id)).query(getPlanState).catch(() => null) : null;
    const actorIds = [...new Set((state?.history ?? []).map((step) => step.actor))].filter((actor) => /^[0-9a-f-]{36}$/.test(actor));
    const actors = await db.user.findMany({ where: { id: { in: actorIds } }, select: { id: true, displayName: true } });
    // The cases its draw opened are on the draw's record; plans drawn before 2026-12-06 also kept them in their state.
    const draw = plan.drawId ? await db.draw.findUnique({ where: { id: plan.drawId }, select: { caseIds: true } }) : null;
    return {
      actorNames: Object.fromEntries(actors.map((actor) => [actor.id, actor.displayName])),
      ...plan,
      periodStart: plan.periodStart.toISOString().slice(0, 10),
      periodEnd: plan.periodEnd.toISOString().slice(0, 10),
      history: state?.history ?? [],
      caseIds: draw?.caseIds.length ? draw.caseIds : (state?.caseIds ?? []),
    };
  }

  /** `conflict`: when the plan's state refuses this step, in Chinese and English. */
  function transition(
    path: string,
    summary: string,
    body: z.ZodType<object>,
    update: UpdateDefinition<PlanState, [never]>,
    access: Route['access'],
    conflict: [zh: string, en: string],
  ) {
    return route({
      method: 'post',
      path: `/plans/:id/${path}`,
      summary,
      tags: ['plans'],
      access,
      params: idParams,
      body,
      responses: {
        200: { description: '变更后的计划 / the plan after the step', schema: planDetailSchema },
        404: { description: '计划不存在，或其流程已结束 / no such plan, or its workflow has ended' },
        409: { description: conflictOr(...conflict) },
        ...workflowUnavailable,
      },
      async handler({ params, body: input, req }) {
        await readPlan(params.id, false);
        const args = [{ ...(input as object), actor: actorOf(req) }] as unknown as [never];
        await temporal.workflow.getHandle(planWorkflowId(params.id)).executeUpdate(update, { args });
        return { status: 200, body: await readPlan(params.id) };
      },
    });
  }

  return [
    route({
      method: 'post',
      path: '/inspection-items',
      summary: '新增抽查事项 / Add an inspection item with its legal basis (R3)',
      tags: ['plans'],
      access: ['coordinator'],
      body: itemSchema,
      responses: {
        201: { description: '已新增 / added', schema: inspectionItemSchema },
        409: { description: conflictOr('事项编码已存在', 'the item code exists') },
      },
      async handler({ body }) {
        if (await db.inspectionItem.findUnique({ where: { code: body.code } })) {
          throw new DomainError('conflict', '事项编码已存在 / this item code exists', [{ field: 'body.code', message: '已存在 / already exists' }]);
        }
        const categories = await resolveCategories(db, body.categories, 'body.categories');
        return { status: 201, body: await db.inspectionItem.create({ data: { ...body, categories } }) };
      },
    }),
    ...directoryFileRoutes(db, ['/inspection-items', 'plans'], itemDirectory, itemSchema),
    route({
      method: 'get',
      path: '/inspection-items',
      summary: '抽查事项清单 / The inspection-item list',
      tags: ['plans'],
      access: 'authenticated',
      responses: { 200: { description: '全部事项，按编码排序 / all items, by code', schema: z.object({ items: z.array(inspectionItemSchema) }) } },
      async handler() {
        return { status: 200, body: { items: await db.inspectionItem.findMany({ orderBy: { code: 'asc' } }) } };
      },
    }),
    route({
      method: 'post',
      path: '/plans',
      summary: '起草抽查计划 / Draft a plan (R4); it takes effect only when approved',
      tags: ['plans'],
      access: ['coordinator'],
      body: planSchema,
      responses: {
        201: { description: '已编号的草稿 / the draft, numbered', schema: planDetailSchema },
        409: { description: conflictOr('同时起草的计划占用了该编号，请重试', 'a plan drafted at the same moment took the number, retry') },
        422: { description: '字段无效或抽查事项未知 / invalid fields, or unknown inspection items, named in `errors`' },
        ...workflowUnavailable,
      },
      async handler({ body, req }) {
        const actor = actorOf(req);
        const plan = await createPlanRow(db, { ...body, owner: actor.id });
        await temporal.workflow.start(planWorkflow, {
          workflowId: planWorkflowId(plan.id),
          taskQueue,
          args: [{ planId: plan.id, number: plan.number, createdBy: actor.id, timing: caseTiming, deliverNotifications }],
        });
        return { status: 201, body: await readPlan(plan.id, false), headers: { location: `/plans/${plan.id}` } };
      },
    }),
    route({
      method: 'get',
      path: '/plans',
      summary: '抽查计划列表 / The plans, newest first, by status',
      tags: ['plans'],
      access: ['leadership', 'coordinator', 'auditor'],
      query: z.strictObject({
        status: z.string().trim().max(30).optional(),
        ...pageQuery(200),
      }),
      responses: { 200: { description: '一页计划 / a page of plans', schema: pageOf(planRowSchema) } },
      async handler({ query }) {
        const where = query.status ? { status: query.status } : {};
        const body = await paged(
          db,
          query,
          { count: db.plan.count({ where }), findMany: (window) => db.plan.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], ...window }) },
          (plan) => ({ ...plan, periodStart: plan.periodStart.toISOString().slice(0, 10), periodEnd: plan.periodEnd.toISOString().slice(0, 10) }),
        );
        return { status: 200, body };
      },
    }),
    route({
      method: 'get',
      path: '/plans/:id',
      summary: '查看计划及其审批记录 / Read a plan with its approval history',
      tags: ['plans'],
      access: ['leadership', 'coordinator', 'auditor'],
      params: idParams,
      responses: { 200: { description: '计划及其审批记录 / the plan with its approval history', schema: planDetailSchema }, 404: { description: '计划不存在 / no such plan' } },
      async handler({ params }) {
        return { status: 200, body: await readPlan(params.id) };
      },
    }),
    route({
      method: 'get',
      path: '/plans/:id/coverage',
      summary: '全覆盖进度：范围内对象、已抽查、月度计划合计 / Coverage: entities in scope, inspected, monthly plans\' targets (R5)',
      tags: ['plans'],
      access: ['leadership', 'coordinator', 'auditor'],
      params: idParams,
      responses: { 200: { description: '距全覆盖还有多远 / how far the period stands from full coverage', schema: coverageSchema }, 404: { description: '计划不存在 / no such plan' } },
      async handler({ params }) {
        return { status: 200, body: await planCoverage(db, params.id) };
      },
    }),
    transition('submit', '报送审批 / Submit for approval', z.strictObject({}), submitPlan as UpdateDefinition<PlanState, [never]>, ['coordinator'], ['计划不是草稿或退回状态', 'the plan is not a draft or sent back']),
    transition(
      'approve',
      '批准并安排抽取 / Approve and schedule the draw (leadership)',
      z.strictObject({ drawAt: z.iso.datetime({ offset: true }), comment: text(2000).optional() }),
      approvePlan as UpdateDefinition<PlanState, [never]>,
      ['leadership'],
      ['计划未报送审批，或其抽取无法进行（写明所缺）', 'the plan is not submitted, or its draw is infeasible (what is short is named)'],
    ),
    transition(
      'send-back',
      '退回修改 / Send back with a comment (leadership)',
      z.strictObject({ comment: text(2000) }),
      sendBackPlan as UpdateDefinition<PlanState, [never]>,
      ['leadership'],
      ['计划未报送审批', 'the plan is not submitted'],
    ),
    transition(
      'outside-randomness',
      '录入外部随机数（抽取前）/ Enter the outside randomness before the draw (auditor)',
      z.strictObject({ value: text(500) }),
      provideOutsideRandomness as UpdateDefinition<PlanState, [never]>,
      ['auditor'],
      ['计划未处于待抽取状态、外部随机数已录入，或指定的随机数尚未公布', 'the plan is not awaiting its draw, the outside randomness is already entered, or the named value is not published yet'],
    ),
    transition('close', '结束计划 / Close the plan', z.strictObject({}), closePlan as UpdateDefinition<PlanState, [never]>, ['coordinator'], ['计划未在实施中', 'the plan is not in progress']),
  ];
}
