// One real Temporal dev server (the built CLI, in memory) and one workflow bundle for every integration
// test file; each file brings its own database and task queue.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort } from '../../infra/childProcess';
import { projectRoot } from '../../infra/paths';
import { startTemporalDevServer, type TemporalDevServer } from '../../infra/temporalDevServer';
import { writeWorkflowBundle } from '../../infra/workflowBundle';

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
  const workflowBundlePath = path.join(artifacts, 'workflow-bundle.js');
  const [started] = await Promise.all([startTemporalDevServer({ port: await freePort() }), writeWorkflowBundle(workflowBundlePath)]);
  server = started;
  project.provide('temporalAddress', server.address);
  project.provide('workflowBundlePath', workflowBundlePath);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}
