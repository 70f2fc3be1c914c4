// bench/cases' third phase: as many bare workflows (workflow.ts) as the system ran cases, on the same dev server,
// driven the way the system's API drives a case: an update-with-start that answers once the first write is done,
// then the five officer actions as updates, then the end of the workflow.
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { startProcess, type ManagedProcess } from '../../infra/childProcess';
import { projectRoot } from '../../infra/paths';
import { waitForWorker } from '../../infra/temporalConnection';
import { searchAttributes } from '../../config/temporal';
import { pool } from '../pool';
import { bareCaseWorkflow, opened, step } from './workflow';

const TASK_QUEUE = 'bare-cases';
const actions = ['inspection', 'review', 'rectification-order', 'rectification-report', 'revisit'];

export interface BareRun {
  client: Client;
  env: NodeJS.ProcessEnv;
  children: ManagedProcess[];
  totalCases: number;
  clients: number;
  teamOf(index: number): string[];
  cpuNow(of: Record<string, number[]>): Record<string, number>;
  temporalPid: number;
}

/** The bare workflows' worker, on a task queue of its own, on the system's Temporal server. */
export async function startBareWorker(client: Client, env: NodeJS.ProcessEnv, children: ManagedProcess[]): Promise<ManagedProcess> {
  const worker = startProcess('bare-worker', process.execPath, ['--import', 'tsx', 'bench/bare/worker.ts'], {
    cwd: projectRoot,
    env: { ...env, BARE_TASK_QUEUE: TASK_QUEUE },
  });
  children.push(worker);
  await waitForWorker(client, 'default', TASK_QUEUE, worker);
  return worker;
}

/**
 * Opens `count` bare workflows, each by an update-with-start that answers once its first write is done, with at
 * most `clients` in flight: the engine's own rate of opening what the system opens as a case.
 */
export async function openBare(client: Client, count: number, clients: number, teamOf: (index: number) => string[]): Promise<{ ids: string[]; seconds: number }> {
  const ids: string[] = Array.from({ length: count }, () => `bare-case-${randomUUID()}`);
  const started = performance.now();
  await pool(count, clients, async (index) => {
    await client.workflow.executeUpdateWithStart(opened, {
      startWorkflowOperation: new WithStartWorkflowOperation(bareCaseWorkflow, {
        workflowId: ids[index]!,
        taskQueue: TASK_QUEUE,
        workflowIdConflictPolicy: 'FAIL',
        args: [ids[index]!, teamOf(index)],
        typedSearchAttributes: [
          { key: searchAttributes.caseStatus, value: 'opening' },
          { key: searchAttributes.caseOrigin, value: 'complaint' },
          { key: searchAttributes.caseEntityUscc, value: '913204820000000000' },
        ],
      }),
    });
  });
  return { ids, seconds: (performance.now() - started) / 1000 };
}

export async function runBare({ client, env, children, totalCases, clients, teamOf, cpuNow, temporalPid }: BareRun) {
  const worker = await startBareWorker(client, env, children);
  const processes = { worker: [worker.child.pid!], temporal: [temporalPid], bench: [process.pid] };
  const perCaseMs = (before: Record<string, number>, after: Record<string, number>) =>
    Object.fromEntries(Object.keys(after).map((name) => [name, +(((after[name]! - before[name]!) * 1000) / totalCases).toFixed(1)]));

  const cpuBeforeOpening = cpuNow(processes);
  const { ids, seconds: openSeconds } = await openBare(client, totalCases, clients, teamOf);
  const cpuAfterOpening = cpuNow(processes);

  const lifecycleStarted = performance.now();
  await pool(totalCases, clients, async (index) => {
    const handle = client.workflow.getHandle(ids[index]!);
    for (const action of actions) await handle.executeUpdate(step, { args: [action] });
    await handle.result();
  });
  const lifecycleSeconds = (performance.now() - lifecycleStarted) / 1000;
  const cpuAfterLifecycles = cpuNow(processes);
  await worker.stop();

  const lifecycleCpu = perCaseMs(cpuAfterOpening, cpuAfterLifecycles);
  return {
    openingsPerSecond: +(totalCases / openSeconds).toFixed(1),
    lifecyclesPerSecond: +(totalCases / lifecycleSeconds).toFixed(1),
    cpuMsPerLifecycle: +Object.values(lifecycleCpu).reduce((sum, ms) => sum + ms, 0).toFixed(1),
    cpuMsPerLifecycleByProcess: lifecycleCpu,
    cpuMsPerOpeningByProcess: perCaseMs(cpuBeforeOpening, cpuAfterOpening),
  };
}
