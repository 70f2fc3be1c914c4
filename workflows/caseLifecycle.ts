// One inspection case, from opening to closure (R8–R17): the case's state and each step of its life as a method.
// The workflow function (inspectionCase.ts) wires Temporal's messages to these methods; who may act, and when, is
// the rules table's (domain/caseRules.ts); how things are written and sent is the activities'.
import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  log,
  patched,
  sleep,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { NotificationRequest } from '../activities/notifications';
import { searchAttributes } from '../config/temporal';
import { checkAction, type CaseAction, type CaseSituation } from '../domain/caseRules';
import type { ActionInput } from '../domain/caseActions';
import { calendarDaysUntilDeadline, defaultRectificationPeriod } from '../domain/deadlines';
import { failureTypes } from '../domain/errors';
import { nextStepAfterResult, type CaseStatus } from '../domain/inspectionCase';
import { reminderOnWaking, reminderSchedule } from '../domain/reminders';
import { activities, CaseJournal, iso, patientActivities, toJson } from './caseJournal';
import type {
  CancelCaseInput,
  CaseState,
  DispositionInput,
  InspectionInput,
  OpenCaseInput,
  ReassignmentInput,
  RecusalInput,
  RectificationOrderInput,
  RectificationReportInput,
  ReviewInput,
  RevisitInput,
} from './caseMessages';
import { ONE_WRITE_PER_STEP, PERIOD_FROM_PLAN_AND_ITEMS, PLAN_FACTS_AT_OPENING, REMINDERS_AFTER_AN_OUTAGE, WRITES_IN_ORDER } from './casePatches';
import { failureMessage, refuseIf } from './failures';

const COORDINATOR = 'role:coordinator';
const LEADERSHIP = 'role:leadership';

type Ending = { status: 'cancelled' | 'ended'; actor: string; reason: string };
type Opening = { assignment: NotificationRequest; oneWriteAtOpening: boolean };

export class InspectionCase {
  readonly state: CaseState;
  private readonly journal: CaseJournal;
  // R17: an outage of the credit platform delays the push, never loses it: retried without limit.
  private readonly credit: ReturnType<typeof patientActivities>;
  private readonly lifecycle = new CancellationScope();
  private inspectionRound = 1;
  private reassignments = 0;
  private reviewInProgress = false;
  private recusalInProgress = false;
  private ending: Ending | undefined;
  private endingRecorded = false;
  private openingDone = false;

  constructor(private readonly input: OpenCaseInput) {
    this.state = {
      caseId: input.caseId,
      status: 'opening',
      origin: input.origin,
      entityId: input.entityId,
      team: [...input.team],
      openedAt: iso(),
      escalationLevel: 0,
      dispositions: [],
      recusals: [],
    };
    this.journal = new CaseJournal(this.state, input);
    this.credit = patientActivities(input.timing.creditRetryMaxIntervalMs);
  }

  private get day(): number {
    return this.input.timing.dayMs;
  }

  // ── The rules ─────────────────────────────────────────────────────────────────────────────────────────

  /** The case as the rules table sees it. */
  situation(): CaseSituation {
    return {
      status: this.state.status,
      team: this.state.team,
      rectificationReported: this.state.rectificationReport !== undefined,
      defaultRectificationDays: this.defaultDays(),
      busy: { review: this.reviewInProgress, recusal: this.recusalInProgress },
    };
  }

  /** An update's validator: the rules' refusal rejects the update before anything changes. */
  validate<A extends CaseAction>(action: A, input: ActionInput<A>): void {
    refuseIf(checkAction(action, this.situation(), input, { now: Date.now() }));
  }

  // ── The whole life ────────────────────────────────────────────────────────────────────────────────────

  async run(): Promise<CaseState> {
    const opening = await this.open();
    try {
      await this.lifecycle.run(async () => {
        await this.announce(opening);
        if ((await this.inspectionAndReview()) === 'ended') return;
        await this.rectification();
        await this.disposition();
        await this.publication();
      });
    } catch (error) {
      if (!isCancellation(error) || !this.ending) throw error;
    }
    await this.end();
    return this.state;
  }

  /** Completes once the case row exists (or the case ended first), for the API's `201`. */
  async opened(): Promise<CaseState> {
    await condition(() => this.openingDone || this.endingRecorded);
    return this.state;
  }

  // ── Opening (R8, R11, R19) ────────────────────────────────────────────────────────────────────────────

  /** The case row, the team's assignment and the inspection notice; answers the assignment and whether it was one write. */
  private async open(): Promise<Opening> {
    const { input, state } = this;
    const assignment = this.journal.notice('assigned', state.team, 'assigned', `新案件：${input.entityName} / new case: ${input.entityName}`);
    const oneWriteAtOpening = patched(ONE_WRITE_PER_STEP);
    const plan = input.planId && patched(PLAN_FACTS_AT_OPENING) ? await activities.planCaseFacts({ planId: input.planId }) : undefined;
    const inspectionNotice = plan?.notice;
    const announced = !input.unannounced && !inspectionNotice?.unannounced;
    if (plan?.inspectionDueAt) state.inspectionDueAt = plan.inspectionDueAt;
    await activities.recordCaseOpened({
      caseId: state.caseId,
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
    this.journal.setStatus('awaiting_inspection');
    upsertSearchAttributes([
      { key: searchAttributes.caseTeam, value: state.team },
      ...(input.planId ? [{ key: searchAttributes.casePlanId, value: input.planId }] : []),
    ]);
    return { assignment, oneWriteAtOpening };
  }

  /** The team is told (and, before ONE_WRITE_PER_STEP, the notice recorded as a step of its own). */
  private async announce({ assignment, oneWriteAtOpening }: Opening): Promise<void> {
    if (oneWriteAtOpening) this.journal.deliver(assignment);
    else {
      await this.journal.notify(assignment);
      if (!this.input.unannounced) await this.journal.record('inspection-notice', 'inspection_notice_sent', 'system');
    }
    this.openingDone = true;
  }

  // ── Inspection and review (R9, R19) ───────────────────────────────────────────────────────────────────

  /** Driven by the officers' updates: the case waits for the reviewed result and answers where it leads. */
  private async inspectionAndReview(): Promise<CaseStatus> {
    if (this.state.inspectionDueAt) {
      // Alongside the wait, not awaited: a cancelled or ended case stops watching. A report that cannot be
      // written must not stop the case itself.
      void this.watchInspectionDue(Date.parse(this.state.inspectionDueAt)).catch((error) => {
        if (!isCancellation(error)) log.warn('the overdue inspection could not be reported', { caseId: this.state.caseId, error: String(error) });
      });
    }
    await condition(() => !this.awaitingResult());
    return this.state.status;
  }

  private awaitingResult(): boolean {
    return ['awaiting_inspection', 'under_review'].includes(this.state.status);
  }

  /**
   * R19: a drawn case still uninspected when its plan's period ends is reported to the office and the team; so is
   * one whose result was under review then and is sent back after it.
   */
  private async watchInspectionDue(dueAt: number): Promise<void> {
    if (await condition(() => !this.awaitingResult(), Math.max(1, dueAt - Date.now()))) return;
    await condition(() => !this.awaitingResult() || this.state.status === 'awaiting_inspection');
    if (!this.awaitingResult()) return;
    await this.journal.record(
      'inspection-overdue',
      'inspection_overdue',
      'system',
      undefined,
      { data: { inspectionDueAt: this.state.inspectionDueAt } },
      this.journal.notice('inspection-overdue', [COORDINATOR, ...this.state.team], 'inspection_overdue', '计划期限已过，检查尚未完成 / the plan\'s period has ended and the inspection is not done'),
    );
  }

  async recordInspection(inspection: InspectionInput): Promise<CaseState> {
    const round = this.inspectionRound;
    this.state.inspection = { ...inspection, recordedAt: iso() };
    await this.journal.progress(
      'under_review',
      `inspection-${round}`,
      'inspection_recorded',
      inspection.actor.id,
      { record: { kind: 'inspection', data: toJson(inspection) }, data: { resultCategory: inspection.resultCategory } },
      this.journal.notice(`review-due-${round}`, [COORDINATOR], 'review_due', '检查结果待审核 / an inspection result awaits review'),
    );
    return this.state;
  }

  async reviewInspection(review: ReviewInput): Promise<CaseState> {
    const { state } = this;
    state.review = { ...review, reviewedAt: iso() };
    const key = `review-${this.inspectionRound}`;
    if (review.decision === 'return') {
      state.inspection = undefined;
      this.inspectionRound += 1;
      await this.journal.progress(
        'awaiting_inspection',
        key,
        'inspection_returned',
        review.actor.id,
        { reason: review.comment },
        this.journal.notice(key, state.team, 'inspection_returned', `检查结果被退回：${review.comment} / result returned: ${review.comment}`),
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
      this.reviewInProgress = true;
      try {
        state.rectificationPeriod = await this.rectificationPeriod();
      } finally {
        this.reviewInProgress = false;
      }
      // Cancelled or ended while the period was read: the case's ending stands.
      if (this.ending) return state;
    }
    await this.journal.progress(status, key, 'inspection_approved', review.actor.id, {
      reason: review.comment,
      fields: { resultCategory: category, ...(status === 'ended' ? { closedAt: iso(), endReason: 'entity_deregistered' } : {}) },
      ...(status === 'awaiting_rectification_order' && state.rectificationPeriod ? { data: { rectificationPeriod: { ...state.rectificationPeriod } } } : {}),
    });
    return state;
  }

  // ── Rectification (R12, R13) ──────────────────────────────────────────────────────────────────────────

  /** R12: the period an order gives by default, from the plan and the items found wanting. */
  private async rectificationPeriod() {
    const items = this.state.inspection!.items;
    const periods = await activities.rectificationPeriodsOf({ planId: this.input.planId, itemCodes: items.map((item) => item.itemCode) });
    return defaultRectificationPeriod({ ...periods, inspectedItems: items, bureauDays: this.input.timing.defaultRectificationDays });
  }

  private defaultDays(): number {
    return this.state.rectificationPeriod?.days ?? this.input.timing.defaultRectificationDays;
  }

  async orderRectification(order: RectificationOrderInput): Promise<CaseState> {
    const { state, input } = this;
    const days = order.days ?? this.defaultDays();
    const dayKind = order.dayKind ?? input.timing.rectificationDayKind;
    const orderedAt = new Date();
    const calendarDays = calendarDaysUntilDeadline(orderedAt, days, dayKind, input.timing);
    const deadline = new Date(orderedAt.getTime() + calendarDays * this.day);
    state.rectificationOrder = { ...order, orderedAt: orderedAt.toISOString(), days, dayKind };
    state.rectificationDeadline = deadline.toISOString();
    state.revisitDueAt = new Date(deadline.getTime() + input.timing.revisitLimitDays * this.day).toISOString();
    await this.journal.progress('rectifying', 'rectification-order', 'rectification_ordered', order.actor.id, {
      reason: order.overrideReason,
      record: { kind: 'rectification_order', data: toJson(state.rectificationOrder) },
      fields: { rectificationDeadline: state.rectificationDeadline, revisitDueAt: state.revisitDueAt },
      data: { days, dayKind, deadline: state.rectificationDeadline },
    });
    upsertSearchAttributes([{ key: searchAttributes.caseDeadline, value: deadline }]);
    return state;
  }

  async reportRectification(report: RectificationReportInput): Promise<CaseState> {
    this.state.rectificationReport = { ...report, reportedAt: iso() };
    await this.journal.record(
      'rectification-report',
      'rectification_reported',
      report.actor.id,
      { kind: 'rectification_report', data: toJson(report) },
      {},
      this.journal.notice('rectification-report', this.state.team, 'rectification_reported', '企业已报告整改情况，请安排回访 / the entity reported its rectification: plan the revisit'),
    );
    return this.state;
  }

  async recordRevisit(revisit: RevisitInput): Promise<CaseState> {
    this.state.revisit = { ...revisit, recordedAt: iso() };
    const status = revisit.rectified && !revisit.dispositionNeeded ? 'publishing' : 'awaiting_disposition';
    await this.journal.progress(status, 'revisit', 'revisit_recorded', revisit.actor.id, {
      record: { kind: 'revisit', data: toJson(revisit) },
      data: { rectified: revisit.rectified },
    });
    return this.state;
  }

  /** After an approved result that needs it: the order, the reminders, the deadline and the revisit. */
  private async rectification(): Promise<void> {
    if (this.state.status !== 'awaiting_rectification_order') return;
    await condition(() => this.state.status === 'rectifying');
    await this.followRectification();
  }

  private readonly revisited = () => this.state.revisit !== undefined;

  /** R12, R13: reminders before the deadline, then the revisit, escalating while it is not recorded. */
  private async followRectification(): Promise<void> {
    const { state, journal } = this;
    const deadline = Date.parse(state.rectificationDeadline!);
    if (await this.remindBefore(deadline)) return;
    if (await condition(this.revisited, Math.max(1, deadline - Date.now()))) return;

    await journal.progress(
      'awaiting_revisit',
      'deadline-reached',
      'rectification_deadline_reached',
      'system',
      {},
      journal.notice('revisit-due', state.team, 'revisit_due', '整改期限已到，请回访 / the deadline has passed: revisit the entity'),
    );

    const revisitDue = Date.parse(state.revisitDueAt!);
    if (await condition(this.revisited, Math.max(1, revisitDue - Date.now()))) return;
    await this.escalate(1, [COORDINATOR, ...state.team], '回访逾期未录入，已提请执法大队督办 / the revisit is overdue: escalated to the brigade office');
    if (await condition(this.revisited, this.input.timing.leadershipEscalationDays * this.day)) return;
    await this.escalate(2, [LEADERSHIP, COORDINATOR], '回访严重逾期，已报局领导 / the revisit is long overdue: escalated to leadership');
    await condition(this.revisited);
  }

  /** R12: the team's reminders before the deadline; answers true once the revisit is recorded. */
  private async remindBefore(deadline: number): Promise<boolean> {
    const schedule = reminderSchedule(this.input.timing.reminderDaysBefore);
    const orderedAt = Date.parse(this.state.rectificationOrder!.orderedAt);
    for (let index = 0; index < schedule.length; index += 1) {
      const daysBefore = schedule[index]!;
      const remindAt = deadline - daysBefore * this.day;
      if (remindAt <= Date.now()) {
        // Due before the order was given: never part of this period. Otherwise the case slept through it.
        if (remindAt <= orderedAt || !patched(REMINDERS_AFTER_AN_OUTAGE)) continue;
      } else if (await condition(this.revisited, remindAt - Date.now())) return true;

      const waking = reminderOnWaking(schedule, index, deadline, this.day, Date.now());
      if (!waking.onTime && patched(REMINDERS_AFTER_AN_OUTAGE)) {
        index = waking.through;
        if (!waking.send) return false;
        await this.remind(waking.send.daysBefore, waking.send.message);
        continue;
      }
      await this.remind(daysBefore, `整改期限还有 ${daysBefore} 天 / ${daysBefore} day(s) to the rectification deadline`);
    }
    return false;
  }

  private async remind(daysBefore: number, message: string): Promise<void> {
    await this.journal.notify(this.journal.notice(`reminder-${daysBefore}d`, this.state.team, 'deadline_reminder', message));
  }

  private async escalate(level: number, recipients: string[], message: string): Promise<void> {
    this.state.escalationLevel = level;
    await this.journal.record(
      `escalation-${level}`,
      'escalated',
      'system',
      undefined,
      { fields: { escalationLevel: level }, data: { level } },
      this.journal.notice(`escalation-${level}`, recipients, 'escalation', message),
    );
  }

  // ── Disposition (R14, R15) ────────────────────────────────────────────────────────────────────────────

  async recordDisposition({ actor, dispositions }: DispositionInput): Promise<CaseState> {
    const recordedAt = iso();
    this.state.dispositions.push(...dispositions.map((disposition) => ({ ...disposition, recordedBy: actor.id, recordedAt })));
    await activities.recordDispositions({
      caseId: this.state.caseId,
      eventKey: 'disposition',
      actor: actor.id,
      at: recordedAt,
      dispositions: dispositions.map((disposition) => ({ id: uuid4(), kind: disposition.kind, details: toJson(disposition) })),
    });
    await this.journal.progress('publishing', 'disposition-done', 'disposition_completed', actor.id);
    return this.state;
  }

  private async disposition(): Promise<void> {
    if (this.state.status === 'awaiting_disposition') await condition(() => this.state.status === 'publishing');
  }

  // ── The team (R9, R10) ────────────────────────────────────────────────────────────────────────────────

  async declareConflict({ actor, relation, note }: RecusalInput): Promise<CaseState> {
    const { state, journal } = this;
    this.recusalInProgress = true;
    try {
      const at = iso();
      await activities.recordConflict({ id: uuid4(), officerId: actor.id, entityId: this.input.entityId, relation, note, at });
      let replacement: string;
      try {
        replacement = await activities.findReplacementOfficer({ entityId: this.input.entityId, team: state.team, on: at });
      } catch (error) {
        throw ApplicationFailure.nonRetryable(failureMessage(error), failureTypes.conflict);
      }
      state.team = state.team.map((officer) => (officer === actor.id ? replacement : officer));
      state.recusals.push({ officerId: actor.id, replacedBy: replacement, relation, at });
      await journal.record(`recusal-${state.recusals.length}`, 'recusal', actor.id, undefined, {
        reason: relation,
        fields: { team: state.team },
        data: { recused: actor.id, replacedBy: replacement },
      });
      upsertSearchAttributes([{ key: searchAttributes.caseTeam, value: state.team }]);
      await journal.notify(journal.notice(`assigned-${replacement}`, [replacement], 'assigned', '您已被指派替换回避人员 / you replace a recused officer on this case'));
      return state;
    } finally {
      this.recusalInProgress = false;
    }
  }

  async reassignOfficer({ actor, officerId, replacementId, reason }: ReassignmentInput): Promise<CaseState> {
    const { state, journal } = this;
    this.reassignments += 1;
    state.team = state.team.map((officer) => (officer === officerId ? replacementId : officer));
    upsertSearchAttributes([{ key: searchAttributes.caseTeam, value: state.team }]);
    await journal.record(
      `reassignment-${this.reassignments}`,
      'reassigned',
      actor.id,
      undefined,
      { reason, fields: { team: state.team }, data: { officerId, replacedBy: replacementId } },
      journal.notice(`reassigned-${this.reassignments}`, [replacementId], 'assigned', '您已被调入本案检查组 / you have joined this case\'s team'),
    );
    return state;
  }

  // ── Publication and credit (R16, R17) ─────────────────────────────────────────────────────────────────

  /** R16 publication within the configured days (leadership is told if it is late), then R17 credit, then closure. */
  private async publication(): Promise<void> {
    if (patched(WRITES_IN_ORDER)) await condition(allHandlersFinished);
    await this.publishAndPush();
    await this.journal.progress('closed', 'closed', 'closed', 'system', { fields: { closedAt: iso() } });
  }

  private async publishAndPush(): Promise<void> {
    const { state, journal, input } = this;
    journal.setStatus('publishing');
    const overdueWatch = new CancellationScope();
    const watching = overdueWatch.run(async () => {
      await sleep(input.timing.publicationDays * this.day);
      await journal.notify(journal.notice('publication-overdue', [LEADERSHIP], 'publication_overdue', '抽查结果逾期未公示 / the result is overdue for publication'));
    });
    await activities.publishResult({ caseId: state.caseId, at: iso(), content: toJson(this.publicRecord()) });
    overdueWatch.cancel();
    await watching.catch((error) => {
      if (!isCancellation(error)) throw error;
    });
    state.publishedAt = iso();

    const { delivered } = await this.credit.pushToCreditPlatform({
      caseId: state.caseId,
      idempotencyKey: `credit-${state.caseId}`,
      payload: toJson({ ...this.publicRecord(), caseId: state.caseId, publishedAt: state.publishedAt }) as Record<string, never>,
    });
    if (delivered) state.creditPushedAt = iso();
    for (const [index, disposition] of state.dispositions.entries()) {
      if (!disposition.dishonest) continue;
      await activities.addToBlacklist({
        id: uuid4(),
        entityId: input.entityId,
        caseId: state.caseId,
        reason: disposition.decision ?? disposition.reason ?? disposition.kind,
        at: iso(),
      });
      await journal.record(`blacklisted-${index}`, 'blacklisted', disposition.recordedBy);
    }
  }

  /** What the public may read (R16): the result and penalty decisions, no officers' notes or evidence. */
  private publicRecord() {
    const { input, state } = this;
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

  // ── Ending (R1, R11) ──────────────────────────────────────────────────────────────────────────────────

  /** Leadership cancels: the lifecycle stops wherever it is, and the update answers once the ending is written. */
  async cancel({ actor, reason }: CancelCaseInput): Promise<CaseState> {
    this.ending ??= { status: 'cancelled', actor: actor.id, reason };
    this.lifecycle.cancel();
    await condition(() => this.endingRecorded);
    return this.state;
  }

  /** R1: the entity left the market; a case not yet publishing ends with that reason. */
  entityLeftMarket({ legalStatus }: { legalStatus: string }): void {
    if (['closed', 'cancelled', 'ended', 'publishing'].includes(this.state.status)) return;
    this.ending ??= { status: 'ended', actor: 'system', reason: `entity_${legalStatus}` };
    this.lifecycle.cancel();
  }

  private async end(): Promise<void> {
    const { state, ending } = this;
    if (ending && !['closed', 'publishing'].includes(state.status)) {
      const { status, actor, reason } = ending;
      state.endReason = reason;
      await CancellationScope.nonCancellable(() =>
        this.journal.progress(status, status, status, actor, { reason, fields: { closedAt: iso(), endReason: reason } }),
      );
    }
    this.endingRecorded = true;
    state.closedAt ??= iso();
    // An update that ended the case (cancellation) answers before the workflow closes.
    await condition(allHandlersFinished);
  }
}
