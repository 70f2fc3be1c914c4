// The messages an inspection case workflow answers: its input, its state, and the officer actions it takes
// as Workflow Updates. Shared by the workflow and the API's Temporal client.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { DayKind, RectificationPeriod } from '../domain/deadlines';
import type {
  Actor,
  CaseOrigin,
  CaseStatus,
  DispositionKind,
  ResultCategory,
} from '../domain/inspectionCase';

/** Durations a case keeps for its whole life, fixed when it opens (a "day" is shortened in tests). */
export interface CaseTiming {
  dayMs: number;
  defaultRectificationDays: number;
  rectificationDayKind: DayKind;
  reminderDaysBefore: number[];
  revisitLimitDays: number;
  leadershipEscalationDays: number;
  publicationDays: number;
  holidays: string[];
  workingWeekends: string[];
  creditRetryMaxIntervalMs: number;
}

export interface OpenCaseInput {
  caseId: string;
  entityId: string;
  entityUscc: string;
  entityName: string;
  origin: CaseOrigin;
  originReason?: string;
  planId?: string;
  /** Officer ids (R9: at least two). */
  team: string[];
  /** Notifications also go to the bureau's webhook (delivered apart from the case, never holding it up). */
  deliverNotifications?: boolean;
  /** 不预先告知: the item's method says the visit is unannounced, so no inspection notice is sent. */
  unannounced?: boolean;
  openedBy: string;
  timing: CaseTiming;
}

export interface CheckpointResult {
  code: string;
  description?: string;
  passed: boolean;
}

export interface ItemResult {
  itemCode: string;
  checkpoints: CheckpointResult[];
  findings?: string;
  evidence?: string[];
}

export interface InspectionInput {
  actor: Actor;
  inspectionDate: string;
  officersPresent: string[];
  items: ItemResult[];
  resultCategory: ResultCategory;
  summary?: string;
}

export interface ReviewInput {
  actor: Actor;
  decision: 'approve' | 'return';
  comment?: string;
}

export interface RectificationOrderInput {
  actor: Actor;
  requirements: string;
  /** Overrides the default period; needs a reason. */
  days?: number;
  dayKind?: DayKind;
  overrideReason?: string;
}

export interface RectificationReportInput {
  actor: Actor;
  note: string;
}

export interface RevisitInput {
  actor: Actor;
  revisitDate: string;
  officersPresent: string[];
  rectified: boolean;
  findings: string;
  /** The violation needs a penalty or transfer even though it was rectified. */
  dispositionNeeded?: boolean;
}

export interface DispositionRecord {
  kind: DispositionKind;
  /** penalty: 立案号 */
  caseFilingNumber?: string;
  decision?: string;
  amountYuan?: number;
  legalBasis?: string;
  /** transfer: which department and why */
  department?: string;
  reason?: string;
  letterReference?: string;
  /** The entity is found dishonest: it goes on the blacklist (R17). */
  dishonest?: boolean;
}

export interface DispositionInput {
  actor: Actor;
  dispositions: DispositionRecord[];
}

export interface RecusalInput {
  actor: Actor;
  relation: string;
  note?: string;
}

/** The office takes an officer off the team (leave, a withdrawn certificate, a posting) and names who replaces them. */
export interface ReassignmentInput {
  actor: Actor;
  officerId: string;
  replacementId: string;
  reason: string;
}

export interface CancelCaseInput {
  actor: Actor;
  reason: string;
}

export interface TimelineEntry {
  kind: string;
  actor: string;
  at: string;
  reason?: string;
}

export interface CaseState {
  caseId: string;
  status: CaseStatus;
  origin: CaseOrigin;
  entityId: string;
  team: string[];
  openedAt: string;
  inspection?: InspectionInput & { recordedAt: string };
  review?: ReviewInput & { reviewedAt: string };
  /** A drawn case is to be inspected by the end of its plan's period (R19). */
  inspectionDueAt?: string;
  /** The period an order gives unless it sets another with a reason (R12); known once the review approves. */
  rectificationPeriod?: RectificationPeriod;
  rectificationOrder?: RectificationOrderInput & { orderedAt: string; days: number; dayKind: DayKind };
  rectificationDeadline?: string;
  rectificationReport?: RectificationReportInput & { reportedAt: string };
  revisitDueAt?: string;
  escalationLevel: number;
  revisit?: RevisitInput & { recordedAt: string };
  dispositions: Array<DispositionRecord & { recordedBy: string; recordedAt: string }>;
  publishedAt?: string;
  creditPushedAt?: string;
  closedAt?: string;
  endReason?: string;
  recusals: Array<{ officerId: string; replacedBy: string; relation: string; at: string }>;
}

export const getCaseState = defineQuery<CaseState>('getCaseState');

/** Completes once the case row exists, so the API can answer `201` with a case a reader can already fetch. */
export const awaitCaseOpened = defineUpdate<CaseState>('awaitCaseOpened');

export const recordInspection = defineUpdate<CaseState, [InspectionInput]>('recordInspection');
export const reviewInspection = defineUpdate<CaseState, [ReviewInput]>('reviewInspection');
export const orderRectification = defineUpdate<CaseState, [RectificationOrderInput]>('orderRectification');
export const reportRectification = defineUpdate<CaseState, [RectificationReportInput]>('reportRectification');
export const recordRevisit = defineUpdate<CaseState, [RevisitInput]>('recordRevisit');
export const recordDisposition = defineUpdate<CaseState, [DispositionInput]>('recordDisposition');
export const declareConflict = defineUpdate<CaseState, [RecusalInput]>('declareConflict');
export const reassignOfficer = defineUpdate<CaseState, [ReassignmentInput]>('reassignOfficer');
export const cancelCase = defineUpdate<CaseState, [CancelCaseInput]>('cancelCase');

/** The entity left the market (deregistered, revoked, moved out): the case ends with that reason. */
export const entityLeftMarket = defineSignal<[{ legalStatus: string; at: string }]>('entityLeftMarket');
