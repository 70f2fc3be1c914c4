import { DomainError, type FieldProblem } from '../errors';

export type DrawShortage =
  | { short: 'targets'; need: number; available: number }
  | { short: 'officers'; need: number; available: number }
  | { short: 'team'; entityId: string; need: number; available: number };

/**
 * The directories cannot satisfy the rules. A 'conflict' rather than 'invalid': the request is well formed,
 * the state of the directories is what stands in the way, and fixing them (not the request) lets it through.
 */
export class DrawInfeasibleError extends DomainError {
  override name = 'DrawInfeasibleError';
  constructor(
    readonly shortage: DrawShortage,
    message: string,
  ) {
    super('conflict', message);
  }
}

/** A malformed snapshot or rule set; names every field at fault so the caller can fix them in one go. */
export function invalidDraw(problems: FieldProblem[]): DomainError {
  const summary = problems
    .slice(0, 3)
    .map((problem) => `${problem.field}: ${problem.message}`)
    .join('; ');
  const more = problems.length > 3 ? ` (+${problems.length - 3})` : '';
  return new DomainError('invalid', `抽取条件无效 / invalid draw input — ${summary}${more}`, problems);
}
