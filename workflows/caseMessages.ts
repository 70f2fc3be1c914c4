// The messages an inspection case workflow answers. Shared by the workflow and the API's Temporal client.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { CaseOrigin, CaseStatus } from '../domain/inspectionCase';

export interface OpenCaseInput {
  caseId: string;
  entityId: string;
  entityUscc: string;
  origin: CaseOrigin;
  originReason?: string;
  openedBy: string;
}

export interface CaseState {
  caseId: string;
  status: CaseStatus;
  origin: CaseOrigin;
  entityId: string;
  openedAt: string;
  closedAt?: string;
  cancellation?: { by: string; reason: string; at: string };
}

export interface CancelCaseInput {
  actor: string;
  reason: string;
}

export const getCaseState = defineQuery<CaseState>('getCaseState');

/** Completes once the case row exists, so the API can answer `201` with a case a reader can already fetch. */
export const awaitCaseOpened = defineUpdate<CaseState>('awaitCaseOpened');

export const cancelCase = defineUpdate<CaseState, [CancelCaseInput]>('cancelCase');
