// What each action on a case carries: the API's request bodies (with the actor added), the workflow's Workflow
// Update arguments and the rules' inputs are these same shapes. Plain types: the web bundle may import them.
import type { DayKind } from './deadlines';
import type { Actor, DispositionKind, ResultCategory } from './inspectionCase';

/** Who acts, added by the API from the signed-in user: never part of a request body. */
export interface Acting {
  actor: Actor;
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

export interface InspectionBody {
  inspectionDate: string;
  officersPresent: string[];
  items: ItemResult[];
  resultCategory: ResultCategory;
  summary?: string;
}

export interface ReviewBody {
  decision: 'approve' | 'return';
  comment?: string;
}

export interface RectificationOrderBody {
  requirements: string;
  /** Overrides the default period; needs a reason. */
  days?: number;
  dayKind?: DayKind;
  overrideReason?: string;
}

export interface RectificationReportBody {
  note: string;
}

export interface RevisitBody {
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

export interface DispositionBody {
  dispositions: DispositionRecord[];
}

export interface RecusalBody {
  relation: string;
  note?: string;
}

/** The office takes an officer off the team (leave, a withdrawn certificate, a posting) and names who replaces them. */
export interface ReassignmentBody {
  officerId: string;
  replacementId: string;
  reason: string;
}

export interface CancelCaseBody {
  reason: string;
}

export type InspectionInput = InspectionBody & Acting;
export type ReviewInput = ReviewBody & Acting;
export type RectificationOrderInput = RectificationOrderBody & Acting;
export type RectificationReportInput = RectificationReportBody & Acting;
export type RevisitInput = RevisitBody & Acting;
export type DispositionInput = DispositionBody & Acting;
export type RecusalInput = RecusalBody & Acting;
export type ReassignmentInput = ReassignmentBody & Acting;
export type CancelCaseInput = CancelCaseBody & Acting;

/** Every action on a case by its name in the API's path (`POST /cases/:id/<action>`), with the body it carries. */
export interface CaseActionBodies {
  inspection: InspectionBody;
  review: ReviewBody;
  'rectification-order': RectificationOrderBody;
  'rectification-report': RectificationReportBody;
  revisit: RevisitBody;
  disposition: DispositionBody;
  recusal: RecusalBody;
  reassignment: ReassignmentBody;
  cancel: CancelCaseBody;
}
export type CaseAction = keyof CaseActionBodies;

/** What the workflow's update, and the rules, receive: the body and who acts. */
export type ActionInput<A extends CaseAction> = CaseActionBodies[A] & Acting;
