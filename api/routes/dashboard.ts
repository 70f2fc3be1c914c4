// Leadership's view of the whole regime at a glance (R19).
import { z } from 'zod';
import { currentYear } from '../../domain/oversight';
import { dashboard } from '../../services/dashboard';
import type { ApiDependencies } from '../context';
import { route } from '../http';

export function dashboardRoutes({ db, participationThresholds }: ApiDependencies) {
  return [
    route({
      method: 'get',
      path: '/dashboard',
      summary: '领导驾驶舱：案件状态、覆盖率、参与率、逾期与督办、分事项结果 / The regime at a glance (R5, R7, R19)',
      tags: ['oversight'],
      access: ['leadership', 'coordinator', 'auditor'],
      query: z.strictObject({ year: z.coerce.number().int().min(2000).max(2100).optional().meta({ description: '年度，默认今年 / the year, this year by default' }) }),
      responses: { 200: { description: 'the figures, each with the case filter behind it' } },
      async handler({ query }) {
        return { status: 200, body: await dashboard(db, query.year ?? currentYear(new Date()), participationThresholds) };
      },
    }),
  ];
}
