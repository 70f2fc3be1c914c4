import { z } from 'zod';
import { databaseErrorReason } from '../../db/client';
import type { ApiDependencies } from '../context';
import { route } from '../http';

const check = z.object({
  ok: z.boolean(),
  latencyMs: z.int().min(0),
  error: z.string().optional().meta({ description: '不可达的原因 / why it is unreachable' }),
});
const healthSchema = z.object({ status: z.enum(['ok', 'degraded']), database: check, temporal: check });

async function timed(
  probe: () => Promise<unknown>,
  reason: (error: unknown) => string = (error) => (error instanceof Error ? error.message.split('\n')[0]! : String(error)),
): Promise<z.infer<typeof check>> {
  const started = performance.now();
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 3s')), 3_000).unref()),
    ]);
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: reason(error) };
  }
}

export function healthRoutes({ db, temporal }: ApiDependencies) {
  return [
    route({
      method: 'get',
      path: '/health',
      summary: '系统健康：数据库与 Temporal 是否可达 / Health: database and Temporal reachability',
      tags: ['system'],
      access: 'public',
      responses: {
        200: { description: '各部分均可达 / all parts reachable', schema: healthSchema },
        503: { description: '某部分不可达 / a part is unreachable', schema: healthSchema },
      },
      async handler() {
        const [database, temporalCheck] = await Promise.all([
          timed(() => db.$queryRaw`select 1`, databaseErrorReason),
          timed(() => temporal.workflowService.getSystemInfo({})),
        ]);
        const ok = database.ok && temporalCheck.ok;
        return { status: ok ? 200 : 503, body: { status: ok ? 'ok' : 'degraded', database, temporal: temporalCheck } };
      },
    }),
  ];
}
