// The case workflow on a real Temporal dev server with fake activities in place of the database and the outside
// world, the way Temporal's samples test workflows: every branch of the case runs in seconds, with short "days",
// no PostgreSQL and no HTTP. The fakes remember what the case wrote and sent, and can be made to fail (an outage).
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundle } from '@temporalio/worker';
import type { CaseActivities } from '../../activities';
import type { CaseOpening, CaseProgress, PlanCaseFacts } from '../../activities/cases';
import type { NotificationRequest } from '../../activities/notifications';
import { searchAttributes } from '../../config/temporal';
import type { CaseTiming } from '../../domain/caseTiming';
import { DomainError } from '../../domain/errors';
import { caseWorkflowId, type Actor } from '../../domain/inspectionCase';
import { temporalCliPath } from '../../infra/temporalDevServer';
import { workflowsPath } from '../../infra/workflowBundle';
import { awaitCaseOpened, type CaseState, type OpenCaseInput } from '../../workflows/caseMessages';
import type { inspectionCaseWorkflow } from '../../workflows/inspectionCase';

type FakeActivities = Pick<
  CaseActivities,
  | 'recordCaseOpened'
  | 'recordCaseProgress'
  | 'planCaseFacts'
  | 'rectificationPeriodsOf'
  | 'findReplacementOfficer'
  | 'recordConflict'
  | 'recordDispositions'
  | 'publishResult'
  | 'addToBlacklist'
  | 'notify'
  | 'deliverNotification'
  | 'pushToCreditPlatform'
>;

/** What the fakes were asked to do, in order, as the database and the platforms would have received it. */
export class World {
  readonly events: Array<{ caseId: string; eventKey: string; kind: string; status?: string; actor: string }> = [];
  readonly notifications: NotificationRequest[] = [];
  readonly published = new Map<string, unknown>();
  readonly pushes: string[] = [];
  readonly blacklisted: string[] = [];
  readonly openings: CaseOpening[] = [];
  /** Officers the recusal may draw a replacement from; empty: none is eligible. */
  replacements = ['officer-spare'];
  /** A plan's facts for cases opened by its draw. */
  planFacts: PlanCaseFacts = { notice: { planNumber: null, items: [], unannounced: false }, inspectionDueAt: null };
  /** While set, every database write fails as it would with PostgreSQL down. */
  databaseDown = false;
  failedWrites = 0;

  private write(): void {
    if (!this.databaseDown) return;
    this.failedWrites += 1;
    throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
  }

  eventsOf(caseId: string) {
    return this.events.filter((event) => event.caseId === caseId);
  }

  notificationsOf(caseId: string) {
    return this.notifications.filter((notification) => notification.caseId === caseId);
  }

  activities(): FakeActivities {
    const seen = new Set<string>();
    const event = (caseId: string, eventKey: string, entry: Omit<World['events'][number], 'caseId' | 'eventKey'>) => {
      // Keyed as the database keys them: a retried write leaves one event.
      if (seen.has(`${caseId}:${eventKey}`)) return;
      seen.add(`${caseId}:${eventKey}`);
      this.events.push({ caseId, eventKey, ...entry });
    };
    const notify = (notification: NotificationRequest | undefined) => {
      if (notification && !this.notifications.some((known) => known.notifyKey === notification.notifyKey)) this.notifications.push(notification);
    };
    return {
      recordCaseOpened: async (opening) => {
        this.write();
        this.openings.push(opening);
        event(opening.caseId, 'opened', { kind: 'opened', status: 'awaiting_inspection', actor: opening.openedBy });
        notify(opening.notification);
      },
      recordCaseProgress: async (progress: CaseProgress) => {
        this.write();
        event(progress.caseId, progress.eventKey, { kind: progress.kind, status: progress.status, actor: progress.actor });
        notify(progress.notification);
      },
      planCaseFacts: async () => this.planFacts,
      rectificationPeriodsOf: async ({ itemCodes }) => ({ planDays: null, itemDays: Object.fromEntries(itemCodes.map((code) => [code, null])) }),
      findReplacementOfficer: async ({ team }) => {
        const replacement = this.replacements.find((officer) => !team.includes(officer));
        if (!replacement) throw new DomainError('conflict', '没有符合回避要求的替换执法人员 / no eligible officer is left to replace the recused one');
        return replacement;
      },
      recordConflict: async () => {
        this.write();
      },
      recordDispositions: async (request) => {
        this.write();
        event(request.caseId, request.eventKey, { kind: 'disposition_recorded', actor: request.actor });
      },
      publishResult: async ({ caseId, content }) => {
        this.write();
        this.published.set(caseId, content);
        event(caseId, 'published', { kind: 'published', actor: 'system' });
      },
      addToBlacklist: async ({ caseId }) => {
        this.write();
        this.blacklisted.push(caseId);
      },
      notify: async (notification) => {
        this.write();
        notify(notification);
      },
      deliverNotification: async () => undefined,
      pushToCreditPlatform: async ({ caseId }) => {
        this.pushes.push(caseId);
        return { delivered: true };
      },
    };
  }
}

/** Short days: a "day" lasts `dayMs`; reminders 2 and 1 days before a 3-day deadline. */
export const timing = (dayMs = 1_000): CaseTiming => ({
  dayMs,
  defaultRectificationDays: 3,
  rectificationDayKind: 'calendar',
  reminderDaysBefore: [2, 1],
  revisitLimitDays: 2,
  leadershipEscalationDays: 2,
  publicationDays: 30,
  holidays: [],
  workingWeekends: [],
  creditRetryMaxIntervalMs: 1_000,
});

export const lead: Actor = { id: 'officer-lead', roles: ['officer'] };
export const colleague: Actor = { id: 'officer-colleague', roles: ['officer'] };
export const coordinator: Actor = { id: 'user-coordinator', roles: ['coordinator'] };
export const leadership: Actor = { id: 'user-leader', roles: ['leadership'] };
export const team = [lead.id, colleague.id];

export interface Harness {
  env: TestWorkflowEnvironment;
  world: World;
  taskQueue: string;
  /** Opens a case and answers its handle once the opening is written, as POST /cases does. */
  open(overrides?: Partial<OpenCaseInput>): Promise<WorkflowHandle<typeof inspectionCaseWorkflow>>;
  /** The worker goes down (as in an outage of the worker's host) and, on `start`, comes back. */
  stopWorker(): Promise<void>;
  startWorker(): void;
  stop(): Promise<void>;
}

export async function startHarness(caseTiming: CaseTiming = timing()): Promise<Harness> {
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      searchAttributes: Object.values(searchAttributes),
      extraArgs: ['--log-level', 'error'],
    },
  });
  const world = new World();
  const taskQueue = `case-workflow-${randomUUID().slice(0, 8)}`;
  let workflowBundle: WorkflowBundle;
  try {
    workflowBundle = await bundleWorkflowCode({ workflowsPath, logger: quietLogger });
  } catch (error) {
    await env.teardown();
    throw error;
  }
  let running: { worker: Worker; run: Promise<void> } | undefined;
  let starting: Promise<void> | undefined;

  const startWorker = () => {
    starting = Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle, activities: world.activities() }).then((worker) => {
      running = { worker, run: worker.run() };
    });
  };
  const stopWorker = async () => {
    await starting;
    if (!running) return;
    if (running.worker.getState() === 'RUNNING') running.worker.shutdown();
    await running.run;
    running = undefined;
  };
  startWorker();
  await starting;

  return {
    env,
    world,
    taskQueue,
    async open(overrides = {}) {
      const caseId = randomUUID();
      const input: OpenCaseInput = {
        caseId,
        entityId: randomUUID(),
        entityUscc: '91320482MA1XXXXXX0',
        entityName: '金坛区某预付卡发卡企业',
        origin: 'complaint',
        originReason: '12345 热线投诉',
        team,
        openedBy: coordinator.id,
        timing: caseTiming,
        ...overrides,
      };
      await env.client.workflow.executeUpdateWithStart(awaitCaseOpened, {
        startWorkflowOperation: new WithStartWorkflowOperation<typeof inspectionCaseWorkflow>('inspectionCaseWorkflow', {
          workflowId: caseWorkflowId(caseId),
          taskQueue,
          workflowIdConflictPolicy: 'FAIL',
          args: [input],
        }),
      });
      return env.client.workflow.getHandle<typeof inspectionCaseWorkflow>(caseWorkflowId(caseId));
    },
    stopWorker,
    startWorker,
    async stop() {
      // The dev server goes whatever happened to the worker: nothing the run started may outlive it.
      try {
        await stopWorker();
      } finally {
        await env.teardown();
      }
    },
  };
}

const quietLogger = { log() {}, info() {}, warn() {}, error: console.error, debug() {}, trace() {} };

/** The refusal an update met: its failure type (NotAllowed 403, WrongState 409, InvalidAction 422) and field. */
export async function refusalOf<Input>(handle: WorkflowHandle, update: UpdateDefinition<CaseState, [Input]>, input: Input) {
  try {
    await handle.executeUpdate(update, { args: [input] });
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) {
      const cause = error.cause as { type?: string; message: string; details?: Array<{ field?: string }> } | undefined;
      return { type: cause?.type, field: cause?.details?.[0]?.field, message: cause?.message ?? '' };
    }
    throw error;
  }
  return undefined;
}

/** Polls `read` until `check` holds: for what timers make happen. */
export async function eventually<T>(read: () => Promise<T> | T, check: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!check(value)) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value).slice(0, 1500)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}
