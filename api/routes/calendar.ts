// The bureau's working calendar as a question anyone signed in may ask: when does a period end (R12)? The
// rectification-order form asks it before the order is given.
import { z } from 'zod';
import { deadlineDate } from '../../domain/deadlines';
import type { ApiDependencies } from '../context';
import { route } from '../http';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD / a date as YYYY-MM-DD')
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value), '不存在的日期 / no such date');

export function calendarRoutes({ caseTiming }: Pick<ApiDependencies, 'caseTiming'>) {
  return [
    route({
      method: 'get',
      path: '/calendar/deadline',
      summary: '期限届满日（按工作日或自然日）/ The date a period ends, in working or calendar days',
      tags: ['calendar'],
      access: 'authenticated',
      query: z.strictObject({
        from: isoDate.meta({ description: '起算日（当日不计入）/ the day the period is counted from (not itself counted)' }),
        days: z.coerce.number().int().min(1).max(365).meta({ description: '天数 / how many days' }),
        dayKind: z
          .enum(['working', 'calendar'])
          .optional()
          .meta({ description: '工作日（跳过周末与法定节假日，计入调休上班日）或自然日；缺省为本局整改期限的计算方式 / working days (skipping weekends and public holidays, counting make-up working days) or calendar days; by default as the bureau counts rectification periods' }),
      }),
      responses: {
        200: {
          description: '期限届满日 / the last day of the period',
          schema: z.object({ deadline: z.iso.date().meta({ description: 'YYYY-MM-DD（北京时间）/ YYYY-MM-DD, China time' }) }),
        },
      },
      async handler({ query }) {
        // The calendar new cases are opened with, so the date shown is the one the case will count.
        return { status: 200, body: { deadline: deadlineDate(query.from, query.days, query.dayKind ?? caseTiming.rectificationDayKind, caseTiming) } };
      },
    }),
  ];
}
