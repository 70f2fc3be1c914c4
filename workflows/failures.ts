// Turning failures into the words a client reads, and the rules' refusals into rejected updates.
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import type { Refusal } from '../domain/caseRules';
import { failureTypes } from '../domain/errors';

/** The words of an activity's failure, however the SDK wrapped them. */
export function failureMessage(error: unknown): string {
  if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure) return error.cause.message;
  if (error instanceof ApplicationFailure) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/** An update validator's answer: a refusal rejects the update before anything is written (403, 409 or 422). */
export function refuseIf(refusal: Refusal | undefined): void {
  if (refusal) throw ApplicationFailure.nonRetryable(refusal.message, failureTypes[refusal.kind], { field: refusal.field });
}
