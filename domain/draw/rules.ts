import type { FieldProblem } from '../errors';
import { canonicalJson, isIsoDate, sha256Hex } from './canonical';
import { invalidDraw } from './errors';
import { riskFlags, type DrawRules, type EffectiveDrawRules, type RiskFlag } from './types';

export const DEFAULT_MAX_RANDOM_INSPECTIONS_PER_YEAR = 2;
export const DEFAULT_MIN_PARTICIPATION_SHARE = 0.8;

const isPositiveInteger = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 1;

/** Validates the rules and fills in the defaults; throws DomainError 'invalid' naming every bad field. */
export function effectiveRules(rules: DrawRules): EffectiveDrawRules {
  if (typeof rules !== 'object' || rules === null) throw invalidDraw([{ field: 'rules', message: '缺失 / missing' }]);
  const problems: FieldProblem[] = [];
  const maxRandomInspectionsPerYear = rules.maxRandomInspectionsPerYear ?? DEFAULT_MAX_RANDOM_INSPECTIONS_PER_YEAR;
  const minParticipationShare = rules.minParticipationShare ?? DEFAULT_MIN_PARTICIPATION_SHARE;

  if (!isPositiveInteger(rules.targetCount)) {
    problems.push({ field: 'targetCount', message: '应为正整数 / must be a positive integer' });
  }
  if (!isPositiveInteger(rules.teamSize) || rules.teamSize < 2) {
    problems.push({ field: 'teamSize', message: '检查组不得少于2人（R9）/ a team needs at least 2 officers (R9)' });
  }
  if (!isIsoDate(rules.inspectionDate)) {
    problems.push({ field: 'inspectionDate', message: '应为 YYYY-MM-DD 日期 / must be a YYYY-MM-DD date' });
  }
  if (rules.requiredSpecialty !== undefined && (typeof rules.requiredSpecialty !== 'string' || rules.requiredSpecialty === '')) {
    problems.push({ field: 'requiredSpecialty', message: '应为非空文字 / must be a non-empty string' });
  }
  if (!isPositiveInteger(maxRandomInspectionsPerYear)) {
    problems.push({ field: 'maxRandomInspectionsPerYear', message: '应为正整数 / must be a positive integer' });
  }
  if (typeof rules.coverageFirst !== 'boolean') {
    problems.push({ field: 'coverageFirst', message: '应为 true 或 false / must be true or false' });
  }
  if (typeof minParticipationShare !== 'number' || !(minParticipationShare >= 0 && minParticipationShare <= 1)) {
    problems.push({ field: 'minParticipationShare', message: '应在 0 到 1 之间 / must be between 0 and 1' });
  }
  const riskWeights: Partial<Record<RiskFlag, number>> = {};
  if (typeof rules.riskWeights !== 'object' || rules.riskWeights === null) {
    problems.push({ field: 'riskWeights', message: '应为对象 / must be an object' });
  } else {
    for (const [flag, weight] of Object.entries(rules.riskWeights)) {
      if (!(riskFlags as readonly string[]).includes(flag)) {
        problems.push({ field: `riskWeights.${flag}`, message: `不是 R6 风险类别 / not an R6 risk flag (${riskFlags.join(', ')})` });
      } else if (weight !== undefined) {
        // Below 1 would make a risk flag lower an entity's chance, the opposite of what R6 allows.
        if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 1) {
          problems.push({ field: `riskWeights.${flag}`, message: '应为不小于1的有限数 / must be a finite number of at least 1' });
        } else {
          riskWeights[flag as RiskFlag] = weight;
        }
      }
    }
  }
  if (problems.length > 0) throw invalidDraw(problems);
  return {
    targetCount: rules.targetCount,
    teamSize: rules.teamSize,
    inspectionDate: rules.inspectionDate,
    requiredSpecialty: rules.requiredSpecialty ?? null,
    maxRandomInspectionsPerYear,
    riskWeights,
    coverageFirst: rules.coverageFirst,
    minParticipationShare,
  };
}

export function rulesHash(rules: EffectiveDrawRules): string {
  return sha256Hex(canonicalJson(rules));
}
