// The API role: `npm run api`. Run several behind a load balancer; they hold no state of their own.
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';
import { exitOnStartupError, loadApiConfig } from '../config';
import { assertDatabaseReachable, createDb } from '../db/client';
import { connectClient } from '../infra/temporalConnection';
import { logger } from '../infra/logger';
import { missingCalendarWarning } from '../config/holidayCalendar';
import { ensureAuditCheckpointSchedule } from '../services/auditCheckpointRuns';
import { apiDependenciesFrom, createApp, listenApi } from './app';

async function main(): Promise<void> {
  const config = loadApiConfig();
  const calendarGap = missingCalendarWarning(config);
  if (calendarGap) logger.warn(calendarGap);
  const db = createDb(config.DATABASE_URL, config.DATABASE_POOL_SIZE);
  await assertDatabaseReachable(db, config.DATABASE_URL);
  const temporal = await connectClient(config);
  const app = createApp(apiDependenciesFrom(config, db, temporal));
  // The daily checkpoint of the audit chain (R20) is a Temporal schedule; any API process may make sure of it.
  await ensureAuditCheckpointSchedule(temporal, config.TEMPORAL_TASK_QUEUE, config.AUDIT_CHECKPOINT_INTERVAL_MINUTES).catch((error: Error) =>
    logger.warn('the audit checkpoint schedule could not be set up', { error: error.message }),
  );
  const server = listenApi(app, config.API_PORT, config.API_HOST);
  await Promise.race([
    once(server, 'listening'),
    once(server, 'error').then(([error]) => {
      throw new Error(`Cannot listen on ${config.API_HOST}:${config.API_PORT}: ${(error as Error).message}`);
    }),
  ]);
  logger.info('api listening', { url: `http://${config.API_HOST}:${config.API_PORT}` });

  const stop = async () => {
    server.close();
    await once(server, 'close');
    await temporal.connection.close();
    await db.$disconnect();
    logger.info('api stopped');
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch(exitOnStartupError);
}
