// How a draw touches the database (R5–R10, R20): freezing the pool and committing to a sealed seed, recording the
// result once, handing its cases to the draw workflow batch by batch, and closing the record. The draw itself is
// the pure engine in domain/draw.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Prisma } from '@prisma/client';
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Db } from '../db/client';
import { ALGORITHM_VERSION, commit, runDraw, type BuiltSnapshot, type DrawResult, type DrawRules } from '../domain/draw';
import { drandRoundAt, isPublished, publicValueProblem, describeSource, type RandomnessSource } from '../domain/draw/randomnessSource';
import { DomainError } from '../domain/errors';
import { logger } from '../infra/logger';
import { seal, unseal } from '../infra/sealing';
import type { Config } from '../config';
import { currentWorkingCalendar, type ResolvedCalendar } from '../config/holidayCalendar';
import { drawnCaseStart, type DrawnCase, type DrawnCaseOpening } from '../workflows/drawnCase';
import type { inspectionCaseWorkflow } from '../workflows/inspectionCase';
import { readDrawPool, type DrawScope } from './drawPool';
import { loadSnapshot, storeSnapshot } from './drawSnapshots';

export type { DrawScope } from './drawPool';

/** The sealed seed's associated data: a sealed value only opens as the seed of the draw it was made for. */
const sealPurpose = (drawId: string) => `draw-seed:${drawId}`;

/**
 * The eligible pool as the directories stand now (activities/drawPool.ts): operating entities in scope with their
 * random inspections this year and risk flags (R5, R6), officers on duty with their load, declared conflicts.
 */
export async function freezeSnapshot(db: Db, scope: DrawScope, now = new Date()): Promise<BuiltSnapshot> {
  return (await readDrawPool(db, scope, now)).snapshot;
}

export interface DrawCommitment {
  name: string;
  planId?: string;
  scope: DrawScope;
  rules: DrawRules;
  /** When it is to run; the named randomness is the first drand round published after it (or `source`'s). */
  drawAt: Date;
  /** Another public source, named in words, in place of drand. */
  source?: { description: string; publishedAt: string };
  actor: string;
}

/**
 * Freezes the pool and commits to a secret seed, sealed: no one reads it before the run, not through the API and
 * not in the database. The public value the draw will mix in is named now, before it exists. An infeasible draw
 * (too few targets, a target nobody may staff) is refused now, with what is short, and nothing is written; the
 * check uses no randomness.
 */
export async function commitDraw(db: Db, seedKey: Buffer, request: DrawCommitment, now = new Date()) {
  const { snapshot, canonical, pool } = await readDrawPool(db, request.scope, now, { keepCanonical: true });
  runDraw(snapshot, request.rules, 'feasibility-check'); // throws DrawInfeasibleError before any random number
  const id = randomUUID();
  const seed = randomBytes(32).toString('hex');
  // The named value must not exist yet: its round comes after both the planned time and this moment.
  const after = new Date(Math.max(request.drawAt.getTime(), now.getTime() + 3_000));
  const randomnessSource: RandomnessSource = request.source ? { kind: 'named', ...request.source } : drandRoundAt(after);
  return db.$transaction(
    async (tx) => {
      const draw = await tx.draw.create({
        data: {
          id,
          name: request.name,
          planId: request.planId ?? null,
          status: 'committed',
          rules: request.rules as unknown as Prisma.InputJsonValue,
          snapshotHash: snapshot.snapshotHash,
          commitment: commit(seed),
          sealedSeed: seal(seedKey, sealPurpose(id), seed),
          drawAt: request.drawAt,
          randomnessSource: randomnessSource as unknown as Prisma.InputJsonValue,
          algorithmVersion: ALGORITHM_VERSION,
          createdBy: request.actor,
          createdAt: now,
        },
      });
      // The pool is stored once, beside the row (activities/drawSnapshots.ts), and read only when asked for.
      await storeSnapshot(tx, id, canonical!, pool);
      return draw;
    },
    // Some 30 MB of parts for a million entities.
    { timeout: 120_000 },
  );
}

type DrawRow = NonNullable<Awaited<ReturnType<Db['draw']['findUnique']>>>;

/** The stored result, parsed from its exact text. */
export function resultOf(draw: Pick<DrawRow, 'result'>): DrawResult | null {
  return draw.result === null ? null : (JSON.parse(draw.result) as DrawResult);
}

/** The seed, for the run: sealed since commitment (or in clear, for a draw committed before seeds were sealed). */
function openSeed(seedKey: Buffer, draw: DrawRow): string {
  if (draw.seed) return draw.seed;
  if (!draw.sealedSeed) throw new Error(`draw ${draw.id} has no seed`);
  return unseal(seedKey, sealPurpose(draw.id), draw.sealedSeed);
}

/** Why the draw may not run with this value now, or undefined when it may. */
export function runRefusal(draw: Pick<DrawRow, 'status' | 'randomnessSource'>, outsideRandomness: string | undefined, now: Date): DomainError | undefined {
  if (draw.status !== 'committed') return new DomainError('conflict', '该抽取已进行，不能重抽 / this draw has already run and cannot run again');
  const source = draw.randomnessSource as RandomnessSource | null;
  if (!source) return undefined; // committed before sources were named
  if (!isPublished(source, now)) {
    return new DomainError('conflict', `指定的外部随机数尚未公布：${describeSource(source)} / the named outside randomness is not published yet`);
  }
  const field = 'body.outsideRandomness';
  if (outsideRandomness === undefined) {
    return new DomainError('invalid', `须录入事先指定的外部随机数：${describeSource(source)} / the named outside randomness is required`, [{ field, message: '必填 / required' }]);
  }
  const problem = publicValueProblem(source, outsideRandomness);
  return problem ? new DomainError('invalid', problem, [{ field, message: problem }]) : undefined;
}

export type CalendarSettings = Pick<Config, 'CASE_HOLIDAYS' | 'CASE_WORKING_WEEKENDS'>;

/** Case starts in flight at once while a batch opens: as many as the API's busiest clients would have. */
const STARTS_IN_FLIGHT = 50;
/** How long a batch waits for the batch before it to be written before it goes on regardless. */
const PREVIOUS_BATCH_WAIT_MS = 120_000;

export function drawActivities(
  db: Db,
  seedKey: Buffer,
  calendarSettings: CalendarSettings = { CASE_HOLIDAYS: [], CASE_WORKING_WEEKENDS: [] },
  workflowClient?: Client,
) {
  /**
   * Runs the committed draw once: the result, the revealed seed and one case id per pick are written together, so
   * a retry (or a second run of the workflow) finds them and opens the very same cases. Answers how many picks.
   */
  async function recordDrawResult(drawId: string, outsideRandomness: string | null, actor: string): Promise<{ picks: number }> {
    const draw = await db.draw.findUniqueOrThrow({ where: { id: drawId } });
    const recorded = resultOf(draw);
    if (recorded) return { picks: recorded.picks.length };
    const value = outsideRandomness?.trim() || undefined;
    const refusal = runRefusal(draw, value, new Date());
    if (refusal) throw refusal;
    const seed = openSeed(seedKey, draw);
    const started = performance.now();
    const result = runDraw(await loadSnapshot(db, drawId), draw.rules as unknown as DrawRules, seed, value);
    await db.draw.updateMany({
      where: { id: drawId, result: null },
      data: {
        result: JSON.stringify(result),
        seed,
        sealedSeed: null,
        outsideRandomness: value ?? null,
        caseIds: result.picks.map(() => randomUUID()),
        status: 'opening',
        drawnBy: actor,
        drawnAt: new Date(),
      },
    });
    logger.info('draw recorded', { drawId, picks: result.picks.length, ms: Math.round(performance.now() - started) });
    // Whoever wrote first, the stored result is the draw's.
    return { picks: resultOf(await db.draw.findUniqueOrThrow({ where: { id: drawId }, select: { result: true } }))!.picks.length };
  }

  /** A batch of the drawn cases to open, in pick order, each with the case id the draw gave it. */
  async function drawnCasesToOpen(drawId: string, from: number, count: number): Promise<DrawnCase[]> {
    const draw = await db.draw.findUniqueOrThrow({ where: { id: drawId }, select: { result: true, caseIds: true } });
    const picks = resultOf(draw)!.picks.slice(from, from + count);
    const entities = await db.entity.findMany({ where: { id: { in: picks.map((pick) => pick.entityId) } }, select: { id: true, uscc: true, name: true } });
    const byId = new Map(entities.map((entity) => [entity.id, entity]));
    return picks.map((pick, index) => ({
      caseId: draw.caseIds[from + index]!,
      entityId: pick.entityId,
      entityUscc: byId.get(pick.entityId)?.uscc ?? '',
      entityName: byId.get(pick.entityId)?.name ?? '',
      team: pick.team,
    }));
  }

  /**
   * Starts a batch of the drawn cases, each under the workflow id its case id gives (a retry finds those already
   * started and leaves them), then waits until the batch before it has written its rows: however large the draw,
   * a few hundred cases at most are opening at once, and the officers' own work on the same task queue is not
   * held up behind tens of thousands of openings.
   */
  async function openDrawnCases(opening: DrawnCaseOpening, from: number, count: number): Promise<number> {
    if (!workflowClient) throw new Error('openDrawnCases needs a Temporal client');
    const { taskQueue } = Context.current().info;
    const batch = await drawnCasesToOpen(opening.drawId, from, count);
    let next = 0;
    const startNext = async (): Promise<void> => {
      for (let drawn = batch[next++]; drawn; drawn = batch[next++]) {
        try {
          await workflowClient.workflow.start<typeof inspectionCaseWorkflow>('inspectionCaseWorkflow', {
            ...drawnCaseStart(opening, drawn),
            taskQueue,
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
          });
        } catch (error) {
          if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(STARTS_IN_FLIGHT, batch.length) }, startNext));
    if (from > 0) await previousBatchWritten(opening.drawId, Math.max(0, from - count), from);
    return batch.length;
  }

  /** Until the cases `from..to` of the draw have their rows, or for PREVIOUS_BATCH_WAIT_MS (finishDraw waits for all). */
  async function previousBatchWritten(drawId: string, from: number, to: number): Promise<void> {
    const deadline = Date.now() + PREVIOUS_BATCH_WAIT_MS;
    for (;;) {
      const [{ missing }] = await db.$queryRaw<[{ missing: number }]>`
        select count(*)::int as missing from "Draw" d, unnest(d."caseIds"[${from + 1}:${to}]) as c(id)
        where d.id = ${drawId}::uuid and not exists (select from "InspectionCase" i where i.id = c.id::uuid)`;
      if (missing === 0 || Date.now() > deadline) return;
      Context.current().heartbeat();
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  return {
    recordDrawResult,
    drawnCasesToOpen,
    openDrawnCases,

    /**
     * The working calendar as it stands when a draw opens its cases: a plan approved months ahead hands its cases
     * the official arrangement published since (the State Council's for a new year comes late in the old one).
     */
    async workingCalendarNow(): Promise<ResolvedCalendar> {
      return currentWorkingCalendar(calendarSettings);
    },

    /** The public value a committed draw named, for the plan's check of what the auditor enters. */
    async drawRandomnessSource(drawId: string): Promise<RandomnessSource | null> {
      const draw = await db.draw.findUniqueOrThrow({ where: { id: drawId }, select: { randomnessSource: true } });
      return draw.randomnessSource as RandomnessSource | null;
    },

    /**
     * Every case is open — its workflow started and its row written, so that it can be read — and the draw is done.
     * Until the last row is there this fails, and its retries wait for it. Answers how many cases the draw opened:
     * their ids stay on the draw's record, out of Temporal's payloads, however many there are.
     */
    async finishDraw(drawId: string): Promise<number> {
      const { caseIds } = await db.draw.findUniqueOrThrow({ where: { id: drawId }, select: { caseIds: true } });
      const opened = await db.inspectionCase.count({ where: { id: { in: caseIds } } });
      if (opened < caseIds.length) throw new Error(`${opened} of ${caseIds.length} cases are written so far`);
      await db.draw.update({ where: { id: drawId }, data: { status: 'drawn' } });
      return opened;
    },

    /** The draw workflow before 2026-12-06 (without the patch `draw-opens-cases-in-batches`) ran the draw this way. */
    async performDraw(drawId: string, outsideRandomness: string | undefined, actor: string): Promise<Array<Omit<DrawnCase, 'caseId'>>> {
      const { picks } = await recordDrawResult(drawId, outsideRandomness ?? null, actor);
      return (await drawnCasesToOpen(drawId, 0, picks)).map(({ caseId: _caseId, ...target }) => target);
    },

    /** The draw workflow before 2026-12-06 closed the draw this way, with the case ids it had made. */
    async completeDraw(drawId: string, caseIds: string[]): Promise<void> {
      await db.draw.update({ where: { id: drawId }, data: { status: 'drawn', caseIds } });
    },
  };
}
