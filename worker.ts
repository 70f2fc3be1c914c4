// The worker role: runs case workflows and their activities. `npm run worker` starts one; run several to
// scale out — they share the task queue.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import { Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, type LogLevel, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDependencies } from './activities';
import { systemClock } from './activities/clock';
import { exitOnStartupError, loadConnectedConfig } from './config';
import { assertDatabaseReachable, createDb } from './db/client';
import { connectWorkerConnection } from './infra/temporalConnection';
import { logger } from './infra/logger';
import { projectRoot } from './infra/paths';
import { auditSignerFrom } from './services/auditCheckpoints';
import { sealingKey } from './infra/sealing';
import { bundleWorkflowsApart } from './infra/workflowBundle';

export interface WorkerSetup extends ActivityDependencies {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** The workflows, bundled (infra/workflowBundle.ts): apart from the worker, or once for all tests. */
  workflowBundle: WorkerOptions['workflowBundle'];
  /** Workflows kept in memory between tasks (WORKER_MAX_CACHED_WORKFLOWS); the SDK's default sizes it by the heap. */
  maxCachedWorkflows?: number;
}

export function createWorker({ connection, namespace, taskQueue, workflowBundle, maxCachedWorkflows, ...dependencies }: WorkerSetup) {
  return Worker.create({
    connection,
    namespace,
    taskQueue,
    ...(maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows }),
    workflowBundle,
    activities: createActivities({ workflowClient: new Client({ connection, namespace }), ...dependencies }),
  });
}

/** The SDK's own messages (bundling, state changes) go to the same JSON log, at warnings unless debugging. */
export function installWorkerLogging(logLevel: string, metricsPort?: number): void {
  const sdkLevel: LogLevel = logLevel === 'debug' ? 'DEBUG' : 'WARN';
  Runtime.install({
    // The SDK's Prometheus exporter: task latencies, activity failures, workflow completions.
    ...(metricsPort ? { telemetryOptions: { metrics: { prometheus: { bindAddress: `0.0.0.0:${metricsPort}` } } } } : {}),
    logger: new DefaultLogger(sdkLevel, ({ level, message, meta }) => {
      const write = level === 'ERROR' ? logger.error : level === 'WARN' ? logger.warn : logger.debug;
      write(message, { sdk: true, ...meta });
    }),
  });
}

/**
 * The old-space limit this process runs with, in the terms of the setting that gave it: `--max-old-space-size`
 * (WORKER_HEAP_LIMIT_MB under `npm start`, or NODE_OPTIONS), else Node's own default. V8's whole-heap figure
 * (`heap_size_limit`) is larger by the young generation, so it is given apart.
 */
function heapLimit() {
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  const given = flags.map((flag) => /^--max-old-space-size=(\d+)$/.exec(flag)?.[1]).filter(Boolean).at(-1);
  const v8HeapSizeLimitMb = Math.round(getHeapStatistics().heap_size_limit / 2 ** 20);
  return given
    ? { heapLimitMb: Number(given), heapLimitFrom: '--max-old-space-size', v8HeapSizeLimitMb }
    : { heapLimitMb: v8HeapSizeLimitMb, heapLimitFrom: 'node default', v8HeapSizeLimitMb };
}

async function main(): Promise<void> {
  const config = loadConnectedConfig();
  installWorkerLogging(config.LOG_LEVEL, config.WORKER_METRICS_PORT);
  const db = createDb(config.DATABASE_URL, config.DATABASE_POOL_SIZE);
  await assertDatabaseReachable(db, config.DATABASE_URL);
  const [connection, workflowBundle] = await Promise.all([connectWorkerConnection(config), bundleWorkflowsApart()]);
  const auditSigner = auditSignerFrom(config, path.resolve(projectRoot, config.DATA_DIR));
  if (!auditSigner) logger.warn('no audit signing key (AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE): the audit chain\'s checkpoints are not signed');
  const worker = await createWorker({
    workflowBundle,
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
    db,
    drawSeedKey: sealingKey(config.DRAW_SEED_KEY),
    calendarSettings: config,
    clock: systemClock,
    creditPlatform:
      config.CREDIT_PLATFORM_URL && config.CREDIT_PLATFORM_SECRET
        ? { url: config.CREDIT_PLATFORM_URL, secret: config.CREDIT_PLATFORM_SECRET }
        : undefined,
    notificationWebhookUrl: config.NOTIFICATION_WEBHOOK_URL,
    auditSigner,
  });
  logger.info('worker started', { taskQueue: config.TEMPORAL_TASK_QUEUE, namespace: config.TEMPORAL_NAMESPACE, ...heapLimit() });
  // The worker stops itself on SIGINT/SIGTERM after finishing the tasks in hand.
  await worker.run();
  await connection.close();
  await db.$disconnect();
  logger.info('worker stopped');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch(exitOnStartupError);
}
