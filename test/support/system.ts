// The system as a user's request meets it: the real API on a real port, a real worker on its own task
// queue, the shared Temporal dev server and this file's own PostgreSQL database.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { inject } from 'vitest';
import { createApp } from '../../api/app';
import { createDb, type Db } from '../../db/client';
import type { CreditPlatform } from '../../activities/credit';
import { systemClock } from '../../activities/clock';
import type { CaseTiming } from '../../workflows/caseMessages';
import { createWorker, installWorkerLogging } from '../../worker';
import { createTestDatabase } from './database';

installWorkerLogging(process.env.LOG_LEVEL ?? 'warn');

export interface TestSystem {
  baseUrl: string;
  databaseUrl: string;
  temporalAddress: string;
  caseTiming: CaseTiming;
  db: Db;
  temporal: Client;
  taskQueue: string;
  /** Stops the worker only, leaving the API and the workflows' server running. */
  stopWorker(): Promise<void>;
  stop(): Promise<void>;
}

/** Case durations for tests: one "day" lasts a second, deadlines in calendar days. */
export const testTiming: CaseTiming = {
  dayMs: 1_000,
  defaultRectificationDays: 3,
  rectificationDayKind: 'calendar',
  reminderDaysBefore: [2, 1],
  revisitLimitDays: 2,
  leadershipEscalationDays: 2,
  publicationDays: 5,
  holidays: [],
  workingWeekends: [],
  creditRetryMaxIntervalMs: 1_000,
};

export interface TestSystemOptions {
  timing?: Partial<CaseTiming>;
  /** Another Temporal server than the shared one (a test that restarts its server). */
  temporalAddress?: string;
  /** Run no worker in this process: the test starts worker processes itself. */
  withoutWorker?: boolean;
  creditPlatform?: CreditPlatform;
  notificationWebhookUrl?: string;
}

export async function startTestSystem(label: string, options: TestSystemOptions = {}): Promise<TestSystem> {
  const database = await createTestDatabase(label);
  const db = createDb(database.url, 5);
  const address = options.temporalAddress ?? inject('temporalAddress');
  const taskQueue = `${label}-${randomBytes(4).toString('hex')}`;

  const workerConnection = options.withoutWorker ? undefined : await NativeConnection.connect({ address });
  const worker = workerConnection
    ? await createWorker({
        connection: workerConnection,
        namespace: 'default',
        taskQueue,
        workflowBundle: { codePath: inject('workflowBundlePath') },
        db,
        clock: systemClock,
        creditPlatform: options.creditPlatform,
        notificationWebhookUrl: options.notificationWebhookUrl,
      })
    : undefined;
  const workerRun = worker?.run();

  const temporal = new Client({ connection: await Connection.connect({ address }), namespace: 'default' });
  const caseTiming = { ...testTiming, ...options.timing };
  const server = createApp({ db, temporal, taskQueue, caseTiming }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  let workerStopped = false;
  const stopWorker = async () => {
    if (workerStopped || !worker) return;
    workerStopped = true;
    worker.shutdown();
    await workerRun;
    await workerConnection?.close();
  };

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    databaseUrl: database.url,
    temporalAddress: address,
    caseTiming,
    db,
    temporal,
    taskQueue,
    stopWorker,
    async stop() {
      server.close();
      await stopWorker();
      await temporal.connection.close();
      await db.$disconnect();
      await database.drop();
    },
  };
}

/** JSON over HTTP, answering status, headers and parsed body. */
export async function call(baseUrl: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: any = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', headers: response.headers, body: parsed };
}
