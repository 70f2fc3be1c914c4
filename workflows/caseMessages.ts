// The messages an inspection case workflow answers: its input, its state, and the officer actions it takes
// as Workflow Updates. Shared by the workflow and the API's Temporal client.
import type { UpdateDefinition } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  CancelCaseInput,
  CaseAction,
  ActionInput,
  DispositionInput,
  DispositionRecord,
  InspectionInput,
  ReassignmentInput,
  RecusalInput,
  RectificationOrderInput,
  RectificationReportInput,
  ReviewInput,
  RevisitInput,
} from '../domain/caseActions';
import type { CaseTiming } from '../domain/caseTiming';
import type { DayKind, RectificationPeriod } from '../domain/deadlines';
import type { CaseOrigin, CaseStatus } from '../domain/inspectionCase';

export type {
  CancelCaseInput,
  CheckpointResult,
  DispositionInput,
  DispositionRecord,
  InspectionInput,
  ItemResult,
  ReassignmentInput,
  RecusalInput,
  RectificationOrderInput,
  RectificationReportInput,
  ReviewInput,
  RevisitInput,
} from '../domain/caseActions';
export type { CaseTiming } from '../domain/caseTiming';

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

/** Each action's Workflow Update, by the action's name in the API and the rules table (domain/caseActions.ts). */
export const caseUpdates: { readonly [A in CaseAction]: UpdateDefinition<CaseState, [ActionInput<A>]> } = {
  inspection: recordInspection,
  review: reviewInspection,
  'rectification-order': orderRectification,
  'rectification-report': reportRectification,
  revisit: recordRevisit,
  disposition: recordDisposition,
  recusal: declareConflict,
  reassignment: reassignOfficer,
  cancel: cancelCase,
};
