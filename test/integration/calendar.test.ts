// The working calendar as the API answers it (R12): the State Council's holiday arrangement by default.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config';
import { caseTimingFrom } from '../../config/caseTiming';
import { anonymous, call, startTestSystem, type TestSystem } from '../support/system';

let system: TestSystem;

beforeAll(async () => {
  // The calendar a deployment with nothing configured opens its cases with.
  const { holidays, workingWeekends, rectificationDayKind } = caseTimingFrom(loadConfig({}));
  system = await startTestSystem('calendar', { withoutWorker: true, timing: { holidays, workingWeekends, rectificationDayKind } });
});

afterAll(async () => {
  await system?.stop();
});

const deadline = (query: string, headers?: Record<string, string>) => call(system.baseUrl, 'GET', `/calendar/deadline?${query}`, undefined, headers);

describe('R12 GET /calendar/deadline counts by the official holiday calendar', () => {
  it('R12 with nothing configured, 5 and 15 working days from 2026-09-29 end on 2026-10-12 and 2026-10-26, past the National Day holiday', async () => {
    expect((await deadline('from=2026-09-29&days=5&dayKind=working')).body).toEqual({ deadline: '2026-10-12' });
    expect((await deadline('from=2026-09-29&days=15&dayKind=working')).body).toEqual({ deadline: '2026-10-26' });
    // Without dayKind, as the bureau counts rectification periods (working days by default).
    expect((await deadline('from=2026-09-29&days=5')).body).toEqual({ deadline: '2026-10-12' });
    expect((await deadline('from=2026-09-29&days=5&dayKind=calendar')).body).toEqual({ deadline: '2026-10-04' });
  });

  it('R12 a date that does not exist or a period of no days is refused naming the parameter; the calendar is for those signed in', async () => {
    const noSuchDay = await deadline('from=2026-02-30&days=5');
    expect(noSuchDay.status).toBe(400);
    expect(noSuchDay.body.errors).toEqual([expect.objectContaining({ field: 'query.from' })]);
    expect((await deadline('from=2026-09-29&days=0')).status).toBe(400);
    expect((await deadline('from=2026-09-29&days=5', anonymous)).status).toBe(401);
  });
});
