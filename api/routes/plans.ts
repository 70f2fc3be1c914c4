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
  planWorkflow,
  planWorkflowId,
  provideOutsideRandomness,
  sendBackPlan,
  submitPlan,
  type PlanState,
} from '../../workflows/plan';
import { actorOf, type ApiDependencies } from '../context';
import { pageQuery, route, type Route } from '../http';
import type { UpdateDefinition } from '@temporalio/common';
import { directoryFileRoutes } from './directoryFiles';
import { idParams } from './entities';

const text = (max: number) => z.string().trim().min(1, '不能为空 / must not be empty').max(max);

const itemSchema = z.strictObject({
  code: z.string().trim().regex(/^[A-Z0-9-]{2,30}$/, '2–30 位大写字母、数字或 - / 2–30 capitals, digits or -'),
  name: text(200),
  legalBasis: text(500).meta({ description: '法律法规规章及条款 / law and article' }),
  categories: z.array(text(100)).min(1, '至少适用一类对象 / applies to at least one kind of entity'),
  kind: z.enum(['general', 'key']).default('general'),
  method: z.enum(['on_site', 'documentary', 'other_department_results', 'testing', 'online_monitoring', 'expert']).default('on_site'),
  requiredSpecialty: text(50).optional(),
  sampleRatio: z.number().min(0).max(1).optional(),
  yearlyFrequency: z.number().int().min(1).max(12).optional(),
  defaultRectificationDays: z.number().int().min(1).max(365).optional(),
  notice: z.enum(['in_advance', 'unannounced']).default('in_advance').meta({ description: '告知方式：事先告知 / 不预先告知 (no inspection notice is sent)' }),
  preparation: z.string().trim().max(2000, '最多 2000 字 / at most 2000 characters').optional().meta({ description: '需准备的资料，每行一项 / what the entity should have ready, one per line' }),
});

const planSchema = z.strictObject({
  kind: z.enum(['annual', 'monthly']),
  title: text(200),
  periodStart: z.iso.date(),
  periodEnd: z.iso.date(),
  itemCodes: z.array(text(30)).min(1),
  scope: z.strictObject({ categories: z.array(text(100)).optional(), streets: z.array(text(100)).optional() }).default({}),
  targetCount: z.number().int().min(1).max(100_000),
  teamSize: z.number().int().min(2, '检查组不得少于2人 / at least two officers (R9)').max(10),
  rectificationDays: z.number().int().min(1).max(365).optional(),
  jointDepartments: z.array(z.enum(['market_regulation', 'tax', 'environment', 'other'])).optional(),
});

export function planRoutes({ db, temporal, taskQueue, caseTiming, deliverNotifications }: ApiDependencies): Route[] {
  async function readPlan(id: string, live = true) {
    const plan = await db.plan.findUnique({ where: { id } });
    if (!plan) throw new DomainError('not_found', `计划不存在 / no plan ${id}`);
    const state = live ? await temporal.workflow.getHandle(planWorkflowId(id)).query(getPlanState).catch(() => null) : null;
    return {
      ...plan,
      periodStart: plan.periodStart.toISOString().slice(0, 10),
      periodEnd: plan.periodEnd.toISOString().slice(0, 10),
      history: state?.history ?? [],
      caseIds: state?.caseIds ?? [],
    };
  }

  function transition(path: string, summary: string, body: z.ZodType<object>, update: UpdateDefinition<PlanState, [never]>, access: Route['access']) {
    return route({
      method: 'post',
      path: `/plans/:id/${path}`,
      summary,
      tags: ['plans'],
      access,
      params: idParams,
      body,
      responses: { 200: { description: 'the plan' }, 403: { description: 'not allowed' }, 404: { description: 'no such plan' }, 409: { description: 'wrong state, or an infeasible draw' }, 422: { description: 'invalid fields' } },
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
      responses: { 201: { description: 'added' }, 409: { description: 'the code exists' }, 422: { description: 'invalid fields' } },
      async handler({ body }) {
        if (await db.inspectionItem.findUnique({ where: { code: body.code } })) {
          throw new DomainError('conflict', '事项编码已存在 / this item code exists', [{ field: 'body.code', message: '已存在 / already exists' }]);
        }
        return { status: 201, body: await db.inspectionItem.create({ data: body }) };
      },
    }),
    ...directoryFileRoutes(db, ['/inspection-items', 'plans'], itemDirectory, itemSchema),
    route({
      method: 'get',
      path: '/inspection-items',
      summary: '抽查事项清单 / The inspection-item list',
      tags: ['plans'],
      access: 'authenticated',
      responses: { 200: { description: 'all items' } },
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
      responses: { 201: { description: 'the draft, numbered' }, 422: { description: 'invalid fields or unknown items' } },
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
      responses: { 200: { description: 'a page of plans' } },
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
      responses: { 200: { description: 'the plan' }, 404: { description: 'no such plan' } },
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
      responses: { 200: { description: 'how far the period stands from full coverage' }, 404: { description: 'no such plan' } },
      async handler({ params }) {
        return { status: 200, body: await planCoverage(db, params.id) };
      },
    }),
    transition('submit', '报送审批 / Submit for approval', z.strictObject({}), submitPlan as UpdateDefinition<PlanState, [never]>, ['coordinator']),
    transition(
      'approve',
      '批准并安排抽取 / Approve and schedule the draw (leadership)',
      z.strictObject({ drawAt: z.iso.datetime({ offset: true }), comment: text(2000).optional() }),
      approvePlan as UpdateDefinition<PlanState, [never]>,
      ['leadership'],
    ),
    transition('send-back', '退回修改 / Send back with a comment (leadership)', z.strictObject({ comment: text(2000) }), sendBackPlan as UpdateDefinition<PlanState, [never]>, ['leadership']),
    transition(
      'outside-randomness',
      '录入外部随机数（抽取前）/ Enter the outside randomness before the draw (auditor)',
      z.strictObject({ value: text(500) }),
      provideOutsideRandomness as UpdateDefinition<PlanState, [never]>,
      ['auditor'],
    ),
    transition('close', '结束计划 / Close the plan', z.strictObject({}), closePlan as UpdateDefinition<PlanState, [never]>, ['coordinator']),
  ];
}
