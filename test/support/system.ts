// The system as a user's request meets it: the real API on a real port, a real worker on its own task
// queue, the shared Temporal dev server and this file's own PostgreSQL database.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { inject } from 'vitest';
import { generateKeyPairSync, randomBytes as secretBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { auditSignerFrom } from '../../services/auditCheckpoints';
import { apiDependenciesFrom, createApp, listenApi } from '../../api/app';
import type { ApiDependencies } from '../../api/context';
import { loadApiConfig } from '../../config';
import { createUser } from '../../services/auth';
import { createDb, type Db } from '../../db/client';
import type { CreditPlatform } from '../../activities/credit';
import { systemClock } from '../../activities/clock';
import type { CaseTiming } from '../../workflows/caseMessages';
import { createWorker, installWorkerLogging } from '../../worker';
import { sealingKey } from '../../infra/sealing';
import { contractViolation } from './contract';
import { createTestDatabase } from './database';

installWorkerLogging(process.env.LOG_LEVEL ?? 'warn');

export interface TestSystem {
  baseUrl: string;
  dependencies: ApiDependencies;
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
  /** Environment settings for the API (e.g. a low rate limit). */
  env?: Record<string, string>;
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
  // The API seals each draw's seed and the worker opens it at the run: one key for both, as npm start gives them.
  const drawSeedKey = randomBytes(32).toString('hex');

  // The audit chain's checkpoints (R20): the worker signs with the private key, the API checks with the public one.
  const auditKeys = generateKeyPairSync('ed25519');
  const auditDir = mkdtempSync(path.join(os.tmpdir(), 'ssj-audit-'));
  const auditCheckpointFile = path.join(auditDir, 'audit-checkpoints.jsonl');
  const auditSigner = auditSignerFrom(
    { AUDIT_SIGNING_KEY: String(auditKeys.privateKey.export({ type: 'pkcs8', format: 'pem' })), AUDIT_CHECKPOINT_FILE: auditCheckpointFile, DATA_DIR: auditDir },
    auditDir,
  );

  const workerConnection = options.withoutWorker ? undefined : await NativeConnection.connect({ address });
  const worker = workerConnection
    ? await createWorker({
        connection: workerConnection,
        namespace: 'default',
        taskQueue,
        workflowBundle: { codePath: inject('workflowBundlePath') },
        db,
        drawSeedKey: sealingKey(drawSeedKey),
        clock: systemClock,
        creditPlatform: options.creditPlatform,
        notificationWebhookUrl: options.notificationWebhookUrl,
        auditSigner,
      })
    : undefined;
  const workerRun = worker?.run();

  const temporal = new Client({ connection: await Connection.connect({ address }), namespace: 'default' });
  const caseTiming = { ...testTiming, ...options.timing };
  const config = loadApiConfig({
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: address,
    AUTH_TOKEN_SECRET: secretBytes(32).toString('hex'),
    DRAW_SEED_KEY: drawSeedKey,
    PUBLIC_RATE_LIMIT_PER_MINUTE: '1000000',
    AUDIT_PUBLIC_KEY: String(auditKeys.publicKey.export({ type: 'spki', format: 'pem' })),
    AUDIT_CHECKPOINT_FILE: auditCheckpointFile,
    ...options.env,
  });
  const dependencies = {
    ...apiDependenciesFrom(config, db, temporal),
    taskQueue,
    caseTiming,
    deliverNotifications: Boolean(options.notificationWebhookUrl),
  };
  const server = listenApi(createApp(dependencies), 0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  await signInTestUsers(db, baseUrl);

  let workerStopped = false;
  const stopWorker = async () => {
    if (workerStopped || !worker) return;
    workerStopped = true;
    worker.shutdown();
    await workerRun;
    await workerConnection?.close();
  };

  return {
    baseUrl,
    dependencies,
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

type Headers = Record<string, string>;

/** The bureau's people in a test system, signed in: their ids and the headers that carry their tokens. */
export const testUsers = {
  leadership: { id: '', username: 'leader-wang', headers: {} as Headers },
  coordinator: { id: '', username: 'coordinator-dong', headers: {} as Headers },
  auditor: { id: '', username: 'auditor-zhao', headers: {} as Headers },
};
export const TEST_PASSWORD = 'correct horse battery staple';

/** No credentials at all: the public, or someone who is not signed in. */
export const anonymous: Headers = { authorization: '' };

export async function signIn(baseUrl: string, username: string, password = TEST_PASSWORD): Promise<Headers> {
  const answer = await call(baseUrl, 'POST', '/auth/login', { username, password }, anonymous);
  if (answer.status !== 200) throw new Error(`sign-in of ${username} failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return { authorization: `Bearer ${answer.body.accessToken}` };
}

async function signInTestUsers(db: Db, baseUrl: string): Promise<void> {
  for (const [role, user] of Object.entries(testUsers) as Array<[keyof typeof testUsers, (typeof testUsers)[keyof typeof testUsers]]>) {
    const created = await createUser(db, { username: user.username, displayName: user.username, password: TEST_PASSWORD, roles: [role] });
    user.id = created.id;
    user.headers = await signIn(baseUrl, user.username);
  }
}

/**
 * JSON over HTTP, answering status, headers and parsed body. Requests go as the coordinator unless other
 * headers (or `anonymous`) are given.
 */
export async function call(baseUrl: string, method: string, path: string, body?: unknown, headers: Headers = {}) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...testUsers.coordinator.headers,
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: any = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  const answer = { status: response.status, contentType: response.headers.get('content-type') ?? '', headers: response.headers, body: parsed };
  const violation = await contractViolation(baseUrl, method, path, answer);
  if (violation) throw new Error(`The answer breaks the OpenAPI description: ${violation}`);
  return answer;
}
