// One inspection case, from opening to closure (R8–R17). This file says what happens and when; the rules of
// who may act are in caseRules.ts, and how things are written and sent is in the activities.
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { CaseActivities } from '../activities';
import type { CaseProgress } from '../activities/cases';
import type { NotificationRequest } from '../activities/notifications';
import { searchAttributes } from '../config/temporal';
import { calendarDaysUntilDeadline, defaultRectificationPeriod } from '../domain/deadlines';
import { failureTypes } from '../domain/errors';
import { nextStepAfterResult, type CaseStatus } from '../domain/inspectionCase';
import {
  awaitCaseOpened,
  cancelCase,
  declareConflict,
  entityLeftMarket,
  getCaseState,
  orderRectification,
  reassignOfficer,
  recordDisposition,
  recordInspection,
  recordRevisit,
  reportRectification,
  reviewInspection,
  type CaseState,
  type OpenCaseInput,
} from './caseMessages';
import * as rules from './caseRules';

// Database writes are short and idempotent: local activities, run by the worker that runs the workflow,
// spare the server a task round trip per write.
const activities = proxyLocalActivities<CaseActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: ['DomainError'] },
});

// From 2026-12-03 a step's timeline event, projection and notification are one local activity, where they were
// two (a task for the worker's workflow thread and a database round trip saved per step). Cases opened before
// keep the two writes they recorded; see test/histories/.
const ONE_WRITE_PER_STEP = 'one-write-per-step';

// From 2026-12-03 the default rectification period is the plan's, else the items', else the bureau's (R12),
// looked up when the review approves a result that needs rectifying. Cases approved before keep the bureau's.
const PERIOD_FROM_PLAN_AND_ITEMS = 'rectification-period-from-plan-and-items';

// From 2026-12-03 a plan's case reads its plan when it opens: the inspection notice lists the items with what to
// prepare (none is sent when every item is unannounced), and the inspection is due by the end of the plan's period,
// after which the office and the team are told. Cases opened before sent a bare notice and had no such due date.
const PLAN_FACTS_AT_OPENING = 'plan-facts-at-opening';

// From 2026-12-03 publication waits until the officer action that led to it (revisit, disposition) is written, so
// the timeline reads in the order things happened; before, the two writes could land in either order.
const WRITES_IN_ORDER = 'publication-after-the-action-is-written';

const COORDINATOR = 'role:coordinator';
const LEADERSHIP = 'role:leadership';

export async function inspectionCaseWorkflow(input: OpenCaseInput): Promise<CaseState> {
  const { caseId, timing } = input;
  const day = timing.dayMs;
  // R17: an outage of the credit platform delays the push, never loses it: retried without limit.
  const credit = proxyActivities<CaseActivities>({
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: timing.creditRetryMaxIntervalMs },
  });
  // Same patience for the notification webhook.
  const delivery = credit;

  const state: CaseState = {
    caseId,
    status: 'opening',
    origin: input.origin,
    entityId: input.entityId,
    team: [...input.team],
    openedAt: iso(),
    escalationLevel: 0,
    dispositions: [],
    recusals: [],
  };
  let inspectionRound = 1;
  let recusalInProgress = false;
  let reviewInProgress = false;
  let reassignments = 0;
  let ending: { status: 'cancelled' | 'ended'; actor: string; reason: string } | undefined;
  let endingRecorded = false;
  let openingDone = false;
  const lifecycle = new CancellationScope();

  // ── Queries and officer actions ────────────────────────────────────────────────────────────────────────
  setHandler(getCaseState, () => state);
  setHandler(awaitCaseOpened, async () => {
    await condition(() => openingDone || endingRecorded);
    return state;
  });

  setHandler(
    recordInspection,
    async (inspection) => {
      state.inspection = { ...inspection, recordedAt: iso() };
      await progress(
        'under_review',
        `inspection-${inspectionRound}`,
        'inspection_recorded',
        inspection.actor.id,
        { record: { kind: 'inspection', data: toJson(inspection) }, data: { resultCategory: inspection.resultCategory } },
        notice(`review-due-${inspectionRound}`, [COORDINATOR], 'review_due', '检查结果待审核 / an inspection result awaits review'),
      );
      return state;
    },
    { validator: (inspection) => refuseIf(rules.checkInspection(state, inspection, Date.now())) },
  );

  setHandler(
    reviewInspection,
    async (review) => {
      state.review = { ...review, reviewedAt: iso() };
      const key = `review-${inspectionRound}`;
      if (review.decision === 'return') {
        state.inspection = undefined;
        inspectionRound += 1;
        await progress(
          'awaiting_inspection',
          key,
          'inspection_returned',
          review.actor.id,
          { reason: review.comment },
          notice(key, state.team, 'inspection_returned', `检查结果被退回：${review.comment} / result returned: ${review.comment}`),
        );
        return state;
      }
      const category = state.inspection!.resultCategory;
      const next: Record<ReturnType<typeof nextStepAfterResult>, CaseStatus> = {
        rectification: 'awaiting_rectification_order',
        disposition: 'awaiting_disposition',
        publication: 'publishing',
        end: 'ended',
      };
      const status = next[nextStepAfterResult(category)];
      if (status === 'ended') state.endReason = 'entity_deregistered';
      if (status === 'awaiting_rectification_order' && patched(PERIOD_FROM_PLAN_AND_ITEMS)) {
        // The order that follows is checked against this period, so it is known before the status moves on.
        reviewInProgress = true;
        try {
          state.rectificationPeriod = await rectificationPeriod();
        } finally {
          reviewInProgress = false;
        }
        // Cancelled or ended while the period was read: the case's ending stands.
        if (ending) return state;
      }
      await progress(status, key, 'inspection_approved', review.actor.id, {
        reason: review.comment,
        fields: { resultCategory: category, ...(status === 'ended' ? { closedAt: iso(), endReason: 'entity_deregistered' } : {}) },
        ...(status === 'awaiting_rectification_order' && state.rectificationPeriod ? { data: { rectificationPeriod: { ...state.rectificationPeriod } } } : {}),
      });
      return state;
    },
    { validator: (review) => refuseIf(rules.checkReview(state, review, reviewInProgress)) },
  );

  setHandler(
    orderRectification,
    async (order) => {
      const days = order.days ?? defaultDays();
      const dayKind = order.dayKind ?? timing.rectificationDayKind;
      const orderedAt = new Date();
      const calendarDays = calendarDaysUntilDeadline(orderedAt, days, dayKind, timing);
      const deadline = new Date(orderedAt.getTime() + calendarDays * day);
      state.rectificationOrder = { ...order, orderedAt: orderedAt.toISOString(), days, dayKind };
      state.rectificationDeadline = deadline.toISOString();
      state.revisitDueAt = new Date(deadline.getTime() + timing.revisitLimitDays * day).toISOString();
      await progress('rectifying', 'rectification-order', 'rectification_ordered', order.actor.id, {
        reason: order.overrideReason,
        record: { kind: 'rectification_order', data: toJson(state.rectificationOrder) },
        fields: { rectificationDeadline: state.rectificationDeadline, revisitDueAt: state.revisitDueAt },
        data: { days, dayKind, deadline: state.rectificationDeadline },
      });
      upsertSearchAttributes([{ key: searchAttributes.caseDeadline, value: deadline }]);
      return state;
    },
    { validator: (order) => refuseIf(rules.checkRectificationOrder(state, order, defaultDays())) },
  );

  setHandler(
    reportRectification,
    async (report) => {
      state.rectificationReport = { ...report, reportedAt: iso() };
      await record(
        'rectification-report',
        'rectification_reported',
        report.actor.id,
        { kind: 'rectification_report', data: toJson(report) },
        {},
        notice('rectification-report', state.team, 'rectification_reported', '企业已报告整改情况，请安排回访 / the entity reported its rectification: plan the revisit'),
      );
      return state;
    },
    { validator: (report) => refuseIf(rules.checkRectificationReport(state, report)) },
  );

  setHandler(
    recordRevisit,
    async (revisit) => {
      state.revisit = { ...revisit, recordedAt: iso() };
      const status = revisit.rectified && !revisit.dispositionNeeded ? 'publishing' : 'awaiting_disposition';
      await progress(status, 'revisit', 'revisit_recorded', revisit.actor.id, {
        record: { kind: 'revisit', data: toJson(revisit) },
        data: { rectified: revisit.rectified },
      });
      return state;
    },
    { validator: (revisit) => refuseIf(rules.checkRevisit(state, revisit)) },
  );

  setHandler(
    recordDisposition,
    async ({ actor, dispositions }) => {
      const recordedAt = iso();
      state.dispositions.push(...dispositions.map((disposition) => ({ ...disposition, recordedBy: actor.id, recordedAt })));
      await activities.recordDispositions({
        caseId,
        eventKey: 'disposition',
        actor: actor.id,
        at: recordedAt,
        dispositions: dispositions.map((disposition) => ({ id: uuid4(), kind: disposition.kind, details: toJson(disposition) })),
      });
      await progress('publishing', 'disposition-done', 'disposition_completed', actor.id);
      return state;
    },
    { validator: (disposition) => refuseIf(rules.checkDisposition(state, disposition)) },
  );

  setHandler(
    declareConflict,
    async ({ actor, relation, note }) => {
      recusalInProgress = true;
      try {
        const at = iso();
        await activities.recordConflict({ id: uuid4(), officerId: actor.id, entityId: input.entityId, relation, note, at });
        let replacement: string;
        try {
          replacement = await activities.findReplacementOfficer({ entityId: input.entityId, team: state.team, on: at });
        } catch (error) {
          throw ApplicationFailure.nonRetryable(failureMessage(error), failureTypes.conflict);
        }
        state.team = state.team.map((officer) => (officer === actor.id ? replacement : officer));
        state.recusals.push({ officerId: actor.id, replacedBy: replacement, relation, at });
        await record(`recusal-${state.recusals.length}`, 'recusal', actor.id, undefined, {
          reason: relation,
          fields: { team: state.team },
          data: { recused: actor.id, replacedBy: replacement },
        });
        upsertSearchAttributes([{ key: searchAttributes.caseTeam, value: state.team }]);
        await notify(notice(`assigned-${replacement}`, [replacement], 'assigned', '您已被指派替换回避人员 / you replace a recused officer on this case'));
        return state;
      } finally {
        recusalInProgress = false;
      }
    },
    { validator: (recusal) => refuseIf(rules.checkRecusal(state, recusal, recusalInProgress)) },
  );

  setHandler(
    reassignOfficer,
    async ({ actor, officerId, replacementId, reason }) => {
      reassignments += 1;
      state.team = state.team.map((officer) => (officer === officerId ? replacementId : officer));
      upsertSearchAttributes([{ key: searchAttributes.caseTeam, value: state.team }]);
      await record(
        `reassignment-${reassignments}`,
        'reassigned',
        actor.id,
        undefined,
        { reason, fields: { team: state.team }, data: { officerId, replacedBy: replacementId } },
        notice(`reassigned-${reassignments}`, [replacementId], 'assigned', '您已被调入本案检查组 / you have joined this case\'s team'),
      );
      return state;
    },
    { validator: (reassignment) => refuseIf(rules.checkReassignment(state, reassignment, recusalInProgress)) },
  );

  setHandler(
    cancelCase,
    async ({ actor, reason }) => {
      ending ??= { status: 'cancelled', actor: actor.id, reason };
      lifecycle.cancel();
      await condition(() => endingRecorded);
      return state;
    },
    { validator: (cancel) => refuseIf(rules.checkCancel(state, cancel)) },
  );

  setHandler(entityLeftMarket, ({ legalStatus }) => {
    if (['closed', 'cancelled', 'ended', 'publishing'].includes(state.status)) return;
    ending ??= { status: 'ended', actor: 'system', reason: `entity_${legalStatus}` };
    lifecycle.cancel();
  });

  // ── The lifecycle ──────────────────────────────────────────────────────────────────────────────────────
  const assignment = notice('assigned', state.team, 'assigned', `新案件：${input.entityName} / new case: ${input.entityName}`);
  const oneWriteAtOpening = patched(ONE_WRITE_PER_STEP);
  const plan = input.planId && patched(PLAN_FACTS_AT_OPENING) ? await activities.planCaseFacts({ planId: input.planId }) : undefined;
  const inspectionNotice = plan?.notice;
  const announced = !input.unannounced && !inspectionNotice?.unannounced;
  if (plan?.inspectionDueAt) state.inspectionDueAt = plan.inspectionDueAt;
  await activities.recordCaseOpened({
    caseId,
    workflowId: workflowInfo().workflowId,
    entityId: input.entityId,
    origin: input.origin,
    originReason: input.originReason,
    planId: input.planId,
    team: state.team,
    openedBy: input.openedBy,
    openedAt: state.openedAt,
    // 随机抽查通知书: the entity is told what to prepare, unless the visit is unannounced.
    ...(oneWriteAtOpening ? { notification: assignment, inspectionNoticeSent: announced, ...(announced && inspectionNotice ? { inspectionNotice } : {}) } : {}),
    ...(state.inspectionDueAt ? { inspectionDueAt: state.inspectionDueAt } : {}),
  });
  setStatus('awaiting_inspection');
  upsertSearchAttributes([
    { key: searchAttributes.caseTeam, value: state.team },
    ...(input.planId ? [{ key: searchAttributes.casePlanId, value: input.planId }] : []),
  ]);

  try {
    await lifecycle.run(async () => {
      if (oneWriteAtOpening) deliver(assignment);
      else {
        await notify(assignment);
        if (!input.unannounced) await record('inspection-notice', 'inspection_notice_sent', 'system');
      }
      openingDone = true;

      // Inspection and review are driven by the officers' updates; the case waits for their outcome.
      if (state.inspectionDueAt) {
        // Alongside the wait, not awaited: a cancelled or ended case stops watching. A report that cannot be
        // written must not stop the case itself.
        void watchInspectionDue(Date.parse(state.inspectionDueAt)).catch((error) => {
          if (!isCancellation(error)) log.warn('the overdue inspection could not be reported', { caseId, error: String(error) });
        });
      }
      await condition(() => !['awaiting_inspection', 'under_review'].includes(state.status));
      if (state.status === 'ended') return;

      if (state.status === 'awaiting_rectification_order') {
        await condition(() => state.status === 'rectifying');
        await followRectification();
      }
      if (state.status === 'awaiting_disposition') await condition(() => state.status === 'publishing');

      if (patched(WRITES_IN_ORDER)) await condition(allHandlersFinished);
      await publishAndPush();
      await progress('closed', 'closed', 'closed', 'system', { fields: { closedAt: iso() } });
    });
  } catch (error) {
    if (!isCancellation(error) || !ending) throw error;
  }

  if (ending && !['closed', 'publishing'].includes(state.status)) {
    const { status, actor, reason } = ending;
    state.endReason = reason;
    await CancellationScope.nonCancellable(() =>
      progress(status, status, status, actor, { reason, fields: { closedAt: iso(), endReason: reason } }),
    );
  }
  endingRecorded = true;
  state.closedAt ??= iso();
  // An update that ended the case (cancellation) answers before the workflow closes.
  await condition(allHandlersFinished);
  return state;

  // ── Steps ──────────────────────────────────────────────────────────────────────────────────────────────

  /** R12: the period an order gives by default, from the plan and the items found wanting. */
  async function rectificationPeriod() {
    const items = state.inspection!.items;
    const periods = await activities.rectificationPeriodsOf({ planId: input.planId, itemCodes: items.map((item) => item.itemCode) });
    return defaultRectificationPeriod({ ...periods, inspectedItems: items, bureauDays: timing.defaultRectificationDays });
  }

  function defaultDays(): number {
    return state.rectificationPeriod?.days ?? timing.defaultRectificationDays;
  }

  /**
   * R19: a drawn case still uninspected when its plan's period ends is reported to the office and the team; so is
   * one whose result was under review then and is sent back after it.
   */
  async function watchInspectionDue(dueAt: number): Promise<void> {
    const inspected = () => !['awaiting_inspection', 'under_review'].includes(state.status);
    if (await condition(inspected, Math.max(1, dueAt - Date.now()))) return;
    await condition(() => inspected() || state.status === 'awaiting_inspection');
    if (inspected()) return;
    await record(
      'inspection-overdue',
      'inspection_overdue',
      'system',
      undefined,
      { data: { inspectionDueAt: state.inspectionDueAt } },
      notice('inspection-overdue', [COORDINATOR, ...state.team], 'inspection_overdue', '计划期限已过，检查尚未完成 / the plan\'s period has ended and the inspection is not done'),
    );
  }

  /** R12, R13: reminders before the deadline, then the revisit, escalating while it is not recorded. */
  async function followRectification(): Promise<void> {
    const deadline = Date.parse(state.rectificationDeadline!);
    const revisited = () => state.revisit !== undefined;
    for (const daysBefore of [...timing.reminderDaysBefore].sort((a, b) => b - a)) {
      const remindAt = deadline - daysBefore * day;
      if (remindAt <= Date.now()) continue;
      if (await condition(revisited, remindAt - Date.now())) return;
      await notify(notice(`reminder-${daysBefore}d`, state.team, 'deadline_reminder', `整改期限还有 ${daysBefore} 天 / ${daysBefore} day(s) to the rectification deadline`));
    }
    if (await condition(revisited, Math.max(1, deadline - Date.now()))) return;

    await progress(
      'awaiting_revisit',
      'deadline-reached',
      'rectification_deadline_reached',
      'system',
      {},
      notice('revisit-due', state.team, 'revisit_due', '整改期限已到，请回访 / the deadline has passed: revisit the entity'),
    );

    const revisitDue = Date.parse(state.revisitDueAt!);
    if (await condition(revisited, Math.max(1, revisitDue - Date.now()))) return;
    await escalate(1, [COORDINATOR, ...state.team], '回访逾期未录入，已提请执法大队督办 / the revisit is overdue: escalated to the brigade office');
    if (await condition(revisited, timing.leadershipEscalationDays * day)) return;
    await escalate(2, [LEADERSHIP, COORDINATOR], '回访严重逾期，已报局领导 / the revisit is long overdue: escalated to leadership');
    await condition(revisited);
  }

  async function escalate(level: number, recipients: string[], message: string): Promise<void> {
    state.escalationLevel = level;
    await record(
      `escalation-${level}`,
      'escalated',
      'system',
      undefined,
      { fields: { escalationLevel: level }, data: { level } },
      notice(`escalation-${level}`, recipients, 'escalation', message),
    );
  }

  /** R16 publication within the configured days (leadership is told if it is late), then R17 credit. */
  async function publishAndPush(): Promise<void> {
    setStatus('publishing');
    const overdueWatch = new CancellationScope();
    const watching = overdueWatch.run(async () => {
      await sleep(timing.publicationDays * day);
      await notify(notice('publication-overdue', [LEADERSHIP], 'publication_overdue', '抽查结果逾期未公示 / the result is overdue for publication'));
    });
    await activities.publishResult({ caseId, at: iso(), content: toJson(publicRecord()) });
    overdueWatch.cancel();
    await watching.catch((error) => {
      if (!isCancellation(error)) throw error;
    });
    state.publishedAt = iso();

    const { delivered } = await credit.pushToCreditPlatform({
      caseId,
      idempotencyKey: `credit-${caseId}`,
      payload: toJson({ ...publicRecord(), caseId, publishedAt: state.publishedAt }) as Record<string, never>,
    });
    if (delivered) state.creditPushedAt = iso();
    for (const [index, disposition] of state.dispositions.entries()) {
      if (!disposition.dishonest) continue;
      await activities.addToBlacklist({
        id: uuid4(),
        entityId: input.entityId,
        caseId,
        reason: disposition.decision ?? disposition.reason ?? disposition.kind,
        at: iso(),
      });
      await record(`blacklisted-${index}`, 'blacklisted', disposition.recordedBy);
    }
  }

  /** What the public may read (R16): the result and penalty decisions, no officers' notes or evidence. */
  function publicRecord() {
    return {
      entityUscc: input.entityUscc,
      entityName: input.entityName,
      origin: input.origin,
      planId: input.planId ?? null,
      inspectionDate: state.inspection?.inspectionDate ?? null,
      items: state.inspection?.items.map((item) => item.itemCode) ?? [],
      resultCategory: state.inspection?.resultCategory ?? null,
      rectified: state.revisit?.rectified ?? null,
      penalties: state.dispositions
        .filter((disposition) => disposition.kind === 'penalty')
        .map(({ caseFilingNumber, decision, amountYuan, legalBasis }) => ({ caseFilingNumber, decision, amountYuan, legalBasis })),
    };
  }

  // ── Helpers ────────────────────────────────────────────────────────────────────────────────────────────

  function setStatus(status: CaseStatus): void {
    state.status = status;
    upsertSearchAttributes([{ key: searchAttributes.caseStatus, value: status }]);
  }

  /** A status change: the state moves first (so the next validator sees it), then the database follows. */
  async function progress(
    status: CaseStatus,
    eventKey: string,
    kind: string,
    actor: string,
    extra: Partial<Pick<CaseProgress, 'reason' | 'fields' | 'record' | 'data'>> = {},
    notification?: NotificationRequest,
  ): Promise<void> {
    setStatus(status);
    if (status === 'closed' || status === 'cancelled' || status === 'ended') state.closedAt = iso();
    await write({ caseId, eventKey, kind, actor, at: iso(), status, ...extra }, notification);
  }

  /** A timeline event that does not change the status. */
  async function record(
    eventKey: string,
    kind: string,
    actor: string,
    officerRecord?: CaseProgress['record'],
    extra: Partial<Pick<CaseProgress, 'reason' | 'fields' | 'data'>> = {},
    notification?: NotificationRequest,
  ): Promise<void> {
    await write({ caseId, eventKey, kind, actor, at: iso(), record: officerRecord, ...extra }, notification);
  }

  /** A step and whom it concerns: one write (two for cases that began before ONE_WRITE_PER_STEP). */
  async function write(step: CaseProgress, notification?: NotificationRequest): Promise<void> {
    if (notification && !patched(ONE_WRITE_PER_STEP)) {
      await activities.recordCaseProgress(step);
      await notify(notification);
      return;
    }
    await activities.recordCaseProgress({ ...step, notification });
    if (notification) deliver(notification);
  }

  function notice(key: string, recipients: string[], kind: string, message: string): NotificationRequest {
    return { notifyKey: `${caseId}:${key}`, recipients, kind, caseId, message, at: iso() };
  }

  async function notify(notification: NotificationRequest): Promise<void> {
    await activities.notify(notification);
    deliver(notification);
  }

  /** Not awaited: the case moves on while the webhook is down; the delivery keeps retrying meanwhile. */
  function deliver(notification: NotificationRequest): void {
    if (input.deliverNotifications) void delivery.deliverNotification(notification).catch(() => undefined);
  }
}

function iso(): string {
  return new Date().toISOString();
}

/** The words of an activity's failure, however the SDK wrapped them. */
export function failureMessage(error: unknown): string {
  if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure) return error.cause.message;
  if (error instanceof ApplicationFailure) return error.message;
  return error instanceof Error ? error.message : String(error);
}

function refuseIf(refusal: rules.Refusal | undefined): void {
  if (refusal) throw ApplicationFailure.nonRetryable(refusal.message, failureTypes[refusal.kind], { field: refusal.field });
}

/** Activity arguments travel as JSON; this makes the typing say so. */
function toJson<T>(value: T): any {
  return JSON.parse(JSON.stringify(value));
}
