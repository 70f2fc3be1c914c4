// What every integration test file shares, started once for the run: a real Temporal dev server (the built CLI,
// in memory), a real PostgreSQL server (the same embedded one `npm start` runs, in a scratch folder, unless
// TEST_DATABASE_URL names another) and one workflow bundle. Each file brings its own database and task queue.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort } from '../../infra/childProcess';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../infra/embeddedPostgres';
import { projectRoot } from '../../infra/paths';
import { startTemporalDevServer, type TemporalDevServer } from '../../infra/temporalDevServer';
import { writeWorkflowBundle } from '../../infra/workflowBundle';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundlePath: string;
    /** A PostgreSQL server on which each test file creates its own database. */
    databaseServerUrl: string;
  }
}

let temporal: TemporalDevServer | undefined;
let postgres: EmbeddedPostgres | undefined;
let scratch: string | undefined;

async function databaseServer(): Promise<string> {
  if (process.env.TEST_DATABASE_URL) return process.env.TEST_DATABASE_URL;
  scratch = mkdtempSync(path.join(os.tmpdir(), 'ssj-test-pg-'));
  postgres = await startEmbeddedPostgres({
    port: await freePort(),
    clusterDir: scratch,
    password: randomBytes(18).toString('base64url'),
    logFile: path.join(projectRoot, 'test', '.artifacts', 'postgres.log'),
    throwaway: true,
  });
  return postgres.url;
}

export async function setup(project: TestProject): Promise<void> {
  const artifacts = path.join(projectRoot, 'test', '.artifacts');
  mkdirSync(artifacts, { recursive: true });
  const workflowBundlePath = path.join(artifacts, 'workflow-bundle.js');
  const [startedTemporal, databaseServerUrl] = await Promise.all([
    startTemporalDevServer({ port: await freePort() }),
    databaseServer(),
    writeWorkflowBundle(workflowBundlePath),
  ]);
  temporal = startedTemporal;
  project.provide('temporalAddress', temporal.address);
  project.provide('workflowBundlePath', workflowBundlePath);
  project.provide('databaseServerUrl', databaseServerUrl);
}

export async function teardown(): Promise<void> {
  await Promise.all([temporal?.stop(), postgres?.stop()]);
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}
