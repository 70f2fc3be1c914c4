// One real Temporal dev server (the built CLI, in memory) and one workflow bundle for every integration
// test file; each file brings its own database and task queue.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { freePort } from '../../infra/childProcess';
import { projectRoot } from '../../infra/paths';
import { startTemporalDevServer, type TemporalDevServer } from '../../infra/temporalDevServer';
import { workflowsPath } from '../../worker';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundlePath: string;
  }
}

let server: TemporalDevServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  const artifacts = path.join(projectRoot, 'test', '.artifacts');
  mkdirSync(artifacts, { recursive: true });
  const [started, bundle] = await Promise.all([
    startTemporalDevServer({ port: await freePort() }),
    bundleWorkflowCode({ workflowsPath, logger: { log() {}, info() {}, warn() {}, error: console.error, debug() {}, trace() {} } }),
  ]);
  server = started;
  const workflowBundlePath = path.join(artifacts, 'workflow-bundle.js');
  writeFileSync(workflowBundlePath, bundle.code);
  project.provide('temporalAddress', server.address);
  project.provide('workflowBundlePath', workflowBundlePath);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}
