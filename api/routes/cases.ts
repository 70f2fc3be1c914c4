// The case API: open, read, list, and one endpoint per officer action. Each action is a Workflow Update whose
// validator refuses the wrong actor, state or field (409/422/403) and leaves the case as it was.
import { z } from 'zod';
import {
  caseOrigins,
  caseStatuses,
  dispositionKinds,
  nonRandomOrigins,
  resultCategories,
} from '../../domain/inspectionCase';
import { dispositionStatuses } from '../../domain/dispositions';
import { actOnCase, conflictRefusal, hasDeclaredConflict, listCases, openNonRandomCase, readCase } from '../../services/cases';
import { progressDisposition } from '../../services/dispositions';
import { reassignCaseOfficer } from '../../services/reassignment';
import type { CaseAction, CaseActionBodies } from '../../domain/caseActions';
import { rolesFor } from '../../domain/caseRules';
import { DomainError } from '../../domain/errors';
import { actorOf, principalOf, seesOnlyOwnCases, type ApiDependencies } from '../context';
import { pageOf, pageQuery, route, workflowUnavailable, type Route } from '../http';
import { caseDetailSchema, caseSummarySchema } from '../../domain/caseDetail';
import { idParams } from './entities';

const required = { error: '必填 / required' };
const text = (max: number) => z.string(required).trim().min(1, '不能为空 / must not be empty').max(max, `最多 ${max} 字 / at most ${max} characters`);
const reason = z.string(required).trim().min(2, '请说明理由 / state the reason').max(2000, '最多 2000 字 / at most 2000 characters');
const date = z.iso.date('应为 YYYY-MM-DD 日期 / must be a YYYY-MM-DD date');
const officerIds = z.array(z.uuid('应为执法人员 UUID / must be an officer UUID')).max(20);

const openCaseSchema = z.strictObject({
  entityId: z.uuid('应为检查对象的 UUID / must be the entity UUID'),
  origin: z.enum(nonRandomOrigins, { error: `应为 ${nonRandomOrigins.join(' / ')} 之一 / must be one of ${nonRandomOrigins.join(', ')}` }),
  reason: reason.meta({ description: '立案依据，如投诉编号与内容 / why: e.g. the complaint number and substance' }),
  team: officerIds.min(2, '检查组不得少于2人 / at least two officers (R9)'),
  unannounced: z.boolean().optional().meta({ description: '不预先告知 (no inspection notice is sent)' }),
});

const inspectionSchema = z.strictObject({
  inspectionDate: date,
  officersPresent: officerIds.min(2, '检查人员不得少于2人 / at least two officers present (R9)'),
  items: z
    .array(
      z.strictObject({
        itemCode: text(50),
        checkpoints: z.array(z.strictObject({ code: text(50), description: text(500).optional(), passed: z.boolean(required) })).min(1),
        findings: text(5000).optional(),
        evidence: z.array(text(500)).max(50).optional(),
      }),
    )
    .min(1, '至少一个检查事项 / at least one inspection item'),
  resultCategory: z.enum(resultCategories),
  summary: text(5000).optional(),
}) satisfies z.ZodType<CaseActionBodies['inspection']>;

const reviewSchema = z.strictObject({ decision: z.enum(['approve', 'return']), comment: text(2000).optional() }) satisfies z.ZodType<CaseActionBodies['review']>;

const rectificationOrderSchema = z.strictObject({
  requirements: text(5000).meta({ description: '整改要求 / what must be rectified' }),
  days: z.number().int().min(1).max(365).optional(),
  dayKind: z.enum(['calendar', 'working']).optional(),
  overrideReason: text(1000).optional(),
}) satisfies z.ZodType<CaseActionBodies['rectification-order']>;

const rectificationReportSchema = z.strictObject({ note: text(5000) }) satisfies z.ZodType<CaseActionBodies['rectification-report']>;

const revisitSchema = z.strictObject({
  revisitDate: date,
  officersPresent: officerIds.min(2, '回访人员不得少于2人 / at least two officers present (R9)'),
  rectified: z.boolean(required),
  findings: text(5000),
  dispositionNeeded: z.boolean().optional(),
}) satisfies z.ZodType<CaseActionBodies['revisit']>;

const dispositionSchema = z.strictObject({
  dispositions: z
    .array(
      z.strictObject({
        kind: z.enum(dispositionKinds),
        caseFilingNumber: text(100).optional(),
        decision: text(5000).optional(),
        amountYuan: z.number().nonnegative().optional(),
        legalBasis: text(1000).optional(),
        department: text(200).optional(),
        reason: text(2000).optional(),
        letterReference: text(200).optional(),
        dishonest: z.boolean().optional(),
      }),
    )
    .min(1, '至少一项处置 / at least one disposition'),
}) satisfies z.ZodType<CaseActionBodies['disposition']>;

const recusalSchema = z.strictObject({ relation: text(200), note: text(1000).optional() }) satisfies z.ZodType<CaseActionBodies['recusal']>;
const cancelSchema = z.strictObject({ reason }) satisfies z.ZodType<CaseActionBodies['cancel']>;
const reassignmentSchema = z.strictObject({
  officerId: z.uuid('应为执法人员 UUID / must be an officer UUID').meta({ description: '调出的组内人员 / the officer leaving the team' }),
  replacementId: z.uuid('应为执法人员 UUID / must be an officer UUID').meta({ description: '替换人员：持有效执法证、与对象无利害关系 / the replacement: a valid certificate, no conflict' }),
  reason: text(500),
}) satisfies z.ZodType<CaseActionBodies['reassignment']>;

const listQuery = z.strictObject({
  status: z.enum(caseStatuses).optional(),
  planId: z.string().max(100).optional(),
  officerId: z.uuid().optional(),
  entityId: z.uuid().optional(),
  overdue: z.enum(['true', 'false']).transform((value) => value === 'true').optional(),
  origin: z.enum(caseOrigins).optional(),
  year: z.coerce.number().int().min(2000).max(2100).optional().meta({ description: '立案年度 / opened in this year' }),
  escalated: z.enum(['true', 'false']).transform((value) => value === 'true').optional().meta({ description: '回访逾期已督办 / revisit late and escalated' }),
  escalationLevel: z.coerce.number().int().min(0).max(2).optional().meta({ description: '督办层级：1 大队，2 局领导 / exactly this escalation level: 1 the brigade office, 2 leadership' }),
  team: z
    .string()
    .transform((value) => value.split(',').map((id) => id.trim().toLowerCase()))
    .pipe(officerIds.min(1))
    .optional()
    .meta({ description: '检查组：逗号分隔的执法人员 UUID，成员完全相同 / exactly this team: its officer UUIDs, comma-separated, in any order' }),
  inspected: z.enum(['true', 'false']).transform((value) => value === 'true').optional().meta({ description: '已录入检查结果 / an inspection has been recorded' }),
  itemCode: z.string().trim().min(1).max(50).optional().meta({ description: '检查事项 / the latest inspection result covered this item' }),
  itemResult: z.enum(['failed']).optional().meta({ description: '与 itemCode 同用：该事项有未通过的检查要点 / with itemCode: a checkpoint of that item failed' }),
  ...pageQuery(200),
}).refine((query) => !query.itemResult || query.itemCode, { path: ['itemResult'], message: '须同时指定 itemCode / needs itemCode' });

const actionResponses = {
  200: { description: 'the case after the action', schema: caseDetailSchema },
  403: { description: '不在本案检查组、角色不符或已申报回避 / not on the team, not this role\'s action, or a declared conflict (R10)' },
  404: { description: 'no such case' },
  409: { description: 'the case is not in a state that allows this action' },
  422: { description: 'invalid fields' },
  ...workflowUnavailable,
};

export function caseRoutes(dependencies: ApiDependencies): Route[] {
  /** One route per action: its body is the action's (`satisfies` above), its access the rules table's, its work the Workflow Update's. */
  function action<A extends CaseAction>(name: A, summary: string, body: z.ZodType<CaseActionBodies[A]>) {
    return route({
      method: 'post',
      path: `/cases/:id/${name}`,
      summary,
      tags: ['case actions'],
      access: rolesFor(name),
      params: idParams,
      body,
      responses: actionResponses,
      async handler({ params, body: fields, req }) {
        return { status: 200, body: await actOnCase(dependencies, params.id, name, { ...fields, actor: actorOf(req) }) };
      },
    });
  }

  return [
    route({
      method: 'post',
      path: '/cases',
      summary: '非随机立案（投诉举报、复查、交办）/ Open a non-random case (R11)',
      tags: ['cases'],
      access: ['coordinator'],
      body: openCaseSchema,
      responses: {
        201: { description: 'the case is open and its workflow running', schema: caseDetailSchema },
        409: { description: 'the entity is not operating' },
        422: { description: 'invalid fields, or a team that breaks R2/R9/R10' },
        ...workflowUnavailable,
      },
      async handler({ body, req }) {
        const opened = await openNonRandomCase(dependencies, { ...body, actor: actorOf(req) });
        return { status: 201, body: opened, headers: { location: `/cases/${opened.id}` } };
      },
    }),
    route({
      method: 'get',
      path: '/cases',
      summary: '案件列表 / List cases: by status, plan, officer, entity, overdue (R19); an officer sees their own',
      tags: ['cases'],
      access: ['leadership', 'coordinator', 'auditor', 'officer'],
      query: listQuery,
      responses: { 200: { description: 'a page of cases', schema: pageOf(caseSummarySchema) }, 400: { description: 'invalid filter' } },
      async handler({ query, req }) {
        const principal = principalOf(req);
        const officerId = seesOnlyOwnCases(principal) ? (principal.officerId ?? 'none') : query.officerId;
        return { status: 200, body: await listCases(dependencies.db, { ...query, officerId }) };
      },
    }),
    route({
      method: 'get',
      path: '/cases/:id',
      summary: '查看案件：状态、期限、检查组、时间线 / Read a case: status, deadlines, team, timeline',
      tags: ['cases'],
      access: ['leadership', 'coordinator', 'auditor', 'officer'],
      params: idParams,
      query: z.strictObject({
        live: z
          .enum(['true', 'false'])
          .transform((value) => value === 'true')
          .optional()
          .meta({ description: "also ask the running workflow for its live state (workflow.state)" }),
      }),
      responses: {
        200: { description: 'the case', schema: caseDetailSchema },
        403: { description: '执法人员只能查看本人所在检查组的案件 / an officer reads only their own team\'s cases' },
        404: { description: 'no such case' },
        503: { description: '?live=true 时工作流服务不可用 / with ?live=true: the workflow service is unavailable' },
      },
      async handler({ params, query, req }) {
        const found = await readCase(dependencies, params.id, { live: query.live ?? false });
        const principal = principalOf(req);
        if (seesOnlyOwnCases(principal)) {
          if (!found.team.includes(principal.officerId ?? '')) throw new DomainError('refused', '您不在本案检查组 / you are not on this case\'s team');
          if (await hasDeclaredConflict(dependencies.db, principal.officerId!, found.entity.id)) throw conflictRefusal();
        }
        return { status: 200, body: found };
      },
    }),
    action('inspection', '录入检查结果 / Record the inspection result (R9)', inspectionSchema),
    action('review', '审核检查结果 / Review the inspection result (brigade office)', reviewSchema),
    action('rectification-order', '责令限期整改 / Order rectification with a deadline (R12)', rectificationOrderSchema),
    action('rectification-report', '登记企业整改报告 / Record the entity\'s rectification report (early)', rectificationReportSchema),
    action('revisit', '录入回访结果 / Record the revisit (R13)', revisitSchema),
    action('disposition', '处罚、移送或移送公安 / Penalty, transfer or police referral (R14, R15)', dispositionSchema),
    action('recusal', '申请回避 / Declare a conflict and recuse (R10)', recusalSchema),
    action('cancel', '撤销案件 / Cancel the case (leadership)', cancelSchema),
    route({
      method: 'post',
      path: '/cases/:id/reassignment',
      summary: '调整检查组：以符合条件的执法人员替换组内一人 / Change the team: replace one officer with an eligible one (R9, R10)',
      tags: ['case actions'],
      access: rolesFor('reassignment'),
      params: idParams,
      body: reassignmentSchema,
      responses: actionResponses,
      async handler({ params, body, req }) {
        return { status: 200, body: await reassignCaseOfficer(dependencies, params.id, { ...body, actor: actorOf(req) }) };
      },
    }),
    route({
      method: 'post',
      path: '/cases/:id/dispositions/:dispositionId/progress',
      summary: '更新处置进度：处罚决定、执行，移送接收、反馈 / Record a disposition\'s next step (R14, R15), also after the case has closed',
      tags: ['case actions'],
      access: ['officer', 'coordinator'],
      params: z.strictObject({ id: z.uuid('应为 UUID / must be a UUID'), dispositionId: z.uuid('应为 UUID / must be a UUID') }),
      body: z.strictObject({
        status: z.enum(dispositionStatuses, { error: `应为 ${dispositionStatuses.join(' / ')} 之一 / must be one of ${dispositionStatuses.join(', ')}` }),
        note: text(2000).optional().meta({ description: '决定文号、对方反馈的处理结果等 / the decision number, the recipient\'s outcome' }),
      }),
      responses: {
        200: { description: 'the case, with the disposition at its new status and the step on its timeline', schema: caseDetailSchema },
        403: { description: 'not on the team, or a declared conflict (R10)' },
        404: { description: 'no such case or disposition' },
        409: { description: 'not the next step of this disposition' },
        422: { description: 'invalid fields, or a decision or answer without its note' },
        ...workflowUnavailable,
      },
      async handler({ params, body, req }) {
        await progressDisposition(dependencies, { caseId: params.id, dispositionId: params.dispositionId, ...body, actor: actorOf(req), at: new Date() });
        return { status: 200, body: await readCase(dependencies, params.id) };
      },
    }),
  ];
}
