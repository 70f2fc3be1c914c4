// Cases live for months: a worker killed mid-case, or the Temporal server itself stopped, loses no deadline.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, type ManagedProcess } from '../../infra/childProcess';
import { waitForWorker } from '../../infra/temporalConnection';
import { startRole } from '../../infra/roles';
import { startTemporalDevServer, type TemporalDevServer } from '../../infra/temporalDevServer';
import { asCoordinator, asOfficer, eventually, inspectionBody, openComplaintCase } from '../support/fixtures';
import { call, startTestSystem, type TestSystem } from '../support/system';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A worker in its own process, as `npm run worker` runs it. */
function startWorkerProcess(system: TestSystem): ManagedProcess {
  const worker = startRole('worker', {
    env: {
      ...process.env,
      DATABASE_URL: system.databaseUrl,
      TEMPORAL_ADDRESS: system.temporalAddress,
      TEMPORAL_TASK_QUEUE: system.taskQueue,
      DRAW_SEED_KEY: system.dependencies.drawSeedKey.toString('hex'),
      LOG_LEVEL: 'warn',
    },
  });
  cleanups.push(() => worker.stop());
  return worker;
}

function workerReady(system: TestSystem, worker: ManagedProcess) {
  return waitForWorker(system.temporal, 'default', system.taskQueue, worker);
}

async function caseInRectification(system: TestSystem, days: number) {
  const opened = await openComplaintCase(system.baseUrl);
  const lead = asOfficer(opened.team[0]!);
  expect((await call(system.baseUrl, 'POST', `/cases/${opened.id}/inspection`, inspectionBody(opened.team, 'problem_found', false), lead)).status).toBe(200);
  expect((await call(system.baseUrl, 'POST', `/cases/${opened.id}/review`, { decision: 'approve' }, asCoordinator())).status).toBe(200);
  const ordered = await call(system.baseUrl, 'POST', `/cases/${opened.id}/rectification-order`, { requirements: '限期整改', days, overrideReason: '测试' }, lead);
  expect(ordered.status).toBe(200);
  return { opened, deadline: Date.parse(ordered.body.rectificationDeadline) };
}

describe('R13 deadlines survive the loss of any process', () => {
  it('R13 a worker killed mid-case: another worker picks the case up and the deadline still fires', async () => {
    const system = await startTestSystem('durability-worker', { withoutWorker: true, timing: { reminderDaysBefore: [] } });
    cleanups.push(() => system.stop());
    const first = startWorkerProcess(system);
    await workerReady(system, first);

    const { opened, deadline } = await caseInRectification(system, 3);
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));

    // The deadline passes with no worker running.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now()) + 500));
    expect((await call(system.baseUrl, 'GET', `/cases/${opened.id}`)).body.status).toBe('rectifying');

    const second = startWorkerProcess(system);
    await workerReady(system, second);
    const due = await eventually(async () => (await call(system.baseUrl, 'GET', `/cases/${opened.id}`)).body, (body) => body.status === 'awaiting_revisit');
    expect(due.timeline.filter((event: { kind: string }) => event.kind === 'rectification_deadline_reached')).toHaveLength(1);
  });

  it('R13 the Temporal server stopped and restarted from its file: the pending deadline still fires', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ssj-temporal-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    const dbFile = path.join(dataDir, 'temporal.sqlite');
    let server: TemporalDevServer = await startTemporalDevServer({ port, dbFile });
    cleanups.push(() => server.stop());

    const system = await startTestSystem('durability-server', { temporalAddress: server.address, timing: { reminderDaysBefore: [] } });
    cleanups.push(() => system.stop());
    // Long enough for a stop and a restart of the server on a loaded machine, still inside the period.
    const { opened, deadline } = await caseInRectification(system, 10);

    await server.stop();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    server = await startTemporalDevServer({ port, dbFile });
    expect(Date.now()).toBeLessThan(deadline);

    const due = await eventually(async () => (await call(system.baseUrl, 'GET', `/cases/${opened.id}`)).body, (body) => body.status === 'awaiting_revisit', 60_000);
    expect(Date.parse(due.timeline.find((event: { kind: string }) => event.kind === 'rectification_deadline_reached').at)).toBeGreaterThanOrEqual(deadline);
  });
});
