// Errors the domain speaks in. The API's error middleware maps each kind to an HTTP status; workflows raise
// the same kinds as ApplicationFailure types so a refused update reaches the client with its meaning intact.

export type DomainErrorKind =
  | 'not_found'
  | 'conflict'
  | 'invalid'
  | 'refused'
  | 'unauthenticated'
  | 'rate_limited'
  | 'precondition_failed';

export interface FieldProblem {
  field: string;
  message: string;
}

export class DomainError extends Error {
  override name = 'DomainError';
  constructor(
    readonly kind: DomainErrorKind,
    /** Chinese first, then English: `中文 / English`. */
    message: string,
    readonly fields: FieldProblem[] = [],
  ) {
    super(message);
  }
}

/** ApplicationFailure types used by workflow update validators, one per kind. */
export const failureTypes: Record<DomainErrorKind, string> = {
  not_found: 'NotFound',
  conflict: 'WrongState',
  invalid: 'InvalidAction',
  refused: 'NotAllowed',
  unauthenticated: 'NotSignedIn',
  rate_limited: 'TooManyRequests',
  precondition_failed: 'StaleVersion',
};

export function kindOfFailureType(type: string | undefined | null): DomainErrorKind | undefined {
  return (Object.keys(failureTypes) as DomainErrorKind[]).find((kind) => failureTypes[kind] === type);
}
