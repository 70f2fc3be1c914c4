// Leadership's view of the whole regime at a glance (R19).
import { z } from 'zod';
import { caseStatuses } from '../../domain/inspectionCase';
import { currentYear } from '../../domain/oversight';
import { dashboard } from '../../services/dashboard';
import type { ApiDependencies } from '../context';
import { route } from '../http';

const count = z.int().min(0);
const share = z.number().min(0).nullable();

const officerYearSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  unit: z.string().nullable(),
  casesJoined: count.meta({ description: '本年度实际参与检查或回访的案件数 / cases at whose inspection or revisit the officer was present this year' }),
  tasksJoined: count.meta({ description: '本年度实际参与的抽查任务数（每次抽取一项）/ this year\'s drawn tasks (one per draw) the officer took part in' }),
  taskShare: share.meta({ description: '参与任务占比；本年度尚无任务时为 null / tasks joined ÷ tasks carried out; null with no task yet' }),
  belowLine: z.boolean(),
  tookPart: z.boolean(),
});

const backlogCounts = {
  rectifying: count,
  overdueRevisits: count,
  escalatedToCoordinator: count,
  escalatedToLeadership: count,
};

const dashboardSchema = z.object({
  year: z.int(),
  generatedAt: z.iso.datetime(),
  byStatus: z
    .array(z.object({ status: z.enum(caseStatuses), cases: count }))
    .meta({ description: '本年度立案及仍在办的案件，按状态（每种状态一项）/ cases opened in the year and older ones still open, one entry per status' }),
  coverage: z
    .object({ entitiesOperating: count, entitiesInspected: count, share, remaining: count, goal: z.literal(1) })
    .meta({ description: '随机抽查覆盖率 / the year\'s random-inspection coverage (R5)' }),
  participation: z
    .object({
      officersOnRoll: count,
      officersTakingPart: count,
      officersShare: share,
      meetsOfficersShare: z.boolean(),
      tasksCarriedOut: count,
      thresholds: z.object({ minOfficersShare: z.number(), minTaskShare: z.number() }),
      officers: z.array(officerYearSchema),
      belowLine: z.array(officerYearSchema).meta({ description: '低于个人参与比例的人员 / officers below the per-officer line' }),
    })
    .meta({ description: '执法人员参与率 / officers\' participation (R7)' }),
  backlog: z
    .object({
      ...backlogCounts,
      teams: z.array(z.object({ ...backlogCounts, members: z.array(z.object({ id: z.string(), name: z.string() })) })),
    })
    .meta({ description: '整改与回访积压及督办，按检查组 / rectifications and revisits pending, overdue and escalated, by team (R13)' }),
  perItem: z
    .array(z.object({ itemCode: z.string(), name: z.string().nullable(), inspected: count, failed: count }))
    .meta({ description: '分事项的检查数与不合格数 / per inspection item: cases inspected and cases with a failed checkpoint' }),
});

export function dashboardRoutes({ db, participationThresholds }: ApiDependencies) {
  return [
    route({
      method: 'get',
      path: '/dashboard',
      summary: '领导驾驶舱：案件状态、覆盖率、参与率、逾期与督办、分事项结果 / The regime at a glance (R5, R7, R19)',
      tags: ['oversight'],
      access: ['leadership', 'coordinator', 'auditor'],
      query: z.strictObject({ year: z.coerce.number().int().min(2000).max(2100).optional().meta({ description: '年度，默认今年 / the year, this year by default' }) }),
      responses: { 200: { description: '本年度各项数据 / the year\'s figures', schema: dashboardSchema } },
      async handler({ query }) {
        return { status: 200, body: await dashboard(db, query.year ?? currentYear(new Date()), participationThresholds) };
      },
    }),
  ];
}
