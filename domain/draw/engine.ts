// The double-random draw (双随机, R8) as one pure function: the same snapshot, rules, seed and outside
// randomness give the same result, byte for byte, on any machine — which is what lets anyone check it (R20).

import {
  builtSnapshotExtras,
  builtSnapshotHash,
  compareIds,
  hashPreparedSnapshot,
  prepareSnapshot,
  type BuiltSnapshotExtras,
  type PreparedSnapshot,
} from './canonical';
import { commit, mixSeed } from './commitment';
import { DrawInfeasibleError, invalidDraw } from './errors';
import { DrawRandom } from './random';
import { targetsOf, type TargetSource } from './targetRows';
import { effectiveRules, rulesHash } from './rules';
import { classifyTargets, eligibilityReason, selectTargets, stratumOf } from './targets';
import { assignTeams, classifyOfficers, recusalsByEntity, type OfficerClassification, type Recusals } from './teams';
import {
  ALGORITHM_VERSION,
  type DrawOfficer,
  type DrawResult,
  type DrawRules,
  type DrawSnapshot,
  type DrawTarget,
  type EffectiveDrawRules,
} from './types';

/** A snapshot from SnapshotBuilder is already prepared and hashed, and is taken as it is. */
export function runDraw(snapshot: DrawSnapshot, rules: DrawRules, seed: string, outsideRandomness?: string): DrawResult {
  const effective = checkedRules(rules, seed, outsideRandomness);
  const builtHash = builtSnapshotHash(snapshot);
  if (builtHash !== undefined) return draw(snapshot, builtHash, effective, seed, outsideRandomness, builtSnapshotExtras(snapshot));
  return draw(prepareSnapshot(snapshot), undefined, effective, seed, outsideRandomness);
}

/** runDraw on a snapshot already prepared (and perhaps hashed), so verification reads a big one once. */
export function runPreparedDraw(
  prepared: PreparedSnapshot,
  preparedHash: string | undefined,
  rules: DrawRules,
  seed: string,
  outsideRandomness?: string,
): DrawResult {
  return draw(prepared, preparedHash, checkedRules(rules, seed, outsideRandomness), seed, outsideRandomness);
}

/**
 * Which targets the draw picks, in draw order. Targets are chosen from the targets, the rules and the mixed seed
 * alone, before and apart from the officers (their stream is keyed `targets`, the teams' `teams`): which is what
 * lets anyone re-run the list of entities drawn from the targets part of the pool, which the bureau publishes,
 * while officers and declared conflicts stay internal.
 */
export function drawnTargetIds(targets: DrawTarget[], rules: DrawRules, seed: string, outsideRandomness?: string): string[] {
  const effective = checkedRules(rules, seed, outsideRandomness);
  const source = targetsOf(prepareSnapshot({ targets, officers: [], conflicts: [] }).targets);
  const eligible = classifyTargets(source, effective);
  if (eligible.eligible < effective.targetCount) throw notEnoughTargets(effective, source.length, eligible.eligible, eligible.overLimitExcluded);
  return selectTargets(eligible, effective, new DrawRandom(mixSeed(seed, outsideRandomness), 'targets')).map((index) => source.at(index).id);
}

function checkedRules(rules: DrawRules, seed: string, outsideRandomness: string | null | undefined): EffectiveDrawRules {
  if (typeof seed !== 'string' || seed === '') throw invalidDraw([{ field: 'seed', message: '不能为空 / must not be empty' }]);
  // null as well as undefined means none: a record written by another tool may say either.
  if (outsideRandomness != null && typeof outsideRandomness !== 'string') {
    throw invalidDraw([{ field: 'outsideRandomness', message: '应为文字 / must be a string' }]);
  }
  return effectiveRules(rules);
}

function draw(
  prepared: PreparedSnapshot,
  preparedHash: string | undefined,
  effective: EffectiveDrawRules,
  seed: string,
  outsideRandomness: string | undefined,
  extras: BuiltSnapshotExtras = {},
): DrawResult {
  const targets = extras.targetSource ?? targetsOf(prepared.targets);
  const { officers } = prepared;

  // Every check that can refuse the draw comes before the first random number and depends on the
  // directories only: a refusal then says nothing about the seed, and cannot be used to try seeds
  // until a convenient one goes through.
  const eligibleTargets = classifyTargets(targets, effective, extras.targetColumns);
  if (eligibleTargets.eligible < effective.targetCount) {
    throw notEnoughTargets(effective, targets.length, eligibleTargets.eligible, eligibleTargets.overLimitExcluded);
  }
  const officerClasses = classifyOfficers(officers, effective);
  if (officerClasses.qualified.length < effective.teamSize) throw notEnoughOfficers(effective, officers.length, officerClasses);
  const recusals = recusalsByEntity(officers, officerClasses, prepared.conflicts, extras.conflictOfficersByEntity);
  refuseUnstaffable(targets, eligibleTargets.weights, recusals, officerClasses.qualified.length, effective);

  const seedMix = mixSeed(seed, outsideRandomness);
  const selected = selectTargets(eligibleTargets, effective, new DrawRandom(seedMix, 'targets'));
  const picked = selected.map((index) => targets.at(index));
  const entityIds = picked.map((target) => target.id);
  const assignment = assignTeams(entityIds, officers, officerClasses, recusals, effective, new DrawRandom(seedMix, 'teams'));

  const officerIds = (indices: readonly number[]) => indices.map((index) => officers[index]!.id).sort(compareIds);
  const picks = selected.map((index, at) => {
    const target = picked[at]!;
    const weight = eligibleTargets.weights[index]!;
    return {
      entityId: target.id,
      stratum: stratumOf(target),
      weight,
      reason: eligibilityReason(target, weight, effective),
      team: officerIds(assignment.teams[at]!),
      recusals: officerIds(assignment.recusals[at]!),
    };
  });

  const notYetInspectedBefore = eligibleTargets.notYetInspected.length;
  return {
    algorithmVersion: ALGORITHM_VERSION,
    snapshotHash: preparedHash ?? hashPreparedSnapshot(prepared),
    rulesHash: rulesHash(effective),
    commitment: commit(seed),
    seedMix,
    picks,
    eligibility: {
      targetsInSnapshot: targets.length,
      eligible: eligibleTargets.eligible,
      overLimitExcluded: eligibleTargets.overLimitExcluded,
      overLimitRiskFlagged: eligibleTargets.overLimitRiskFlagged,
    },
    participation: participation(officers, officerClasses, assignment.joined, effective),
    coverage: {
      notYetInspectedBefore,
      remainingAfter: notYetInspectedBefore - picks.filter((pick) => pick.stratum === 'not_yet_inspected').length,
    },
  };
}

function participation(
  officers: readonly DrawOfficer[],
  classes: OfficerClassification,
  joined: Int32Array,
  rules: EffectiveDrawRules,
): DrawResult['participation'] {
  let officersTakingPart = 0;
  let officersTakingPartThisYear = 0;
  const perOfficer = officers.map((officer, index) => {
    const inThisDraw = joined[index]!;
    const after = officer.participationsThisYear + inThisDraw;
    if (inThisDraw > 0) officersTakingPart += 1;
    if (after > 0) officersTakingPartThisYear += 1;
    return { officerId: officer.id, status: classes.status[index]!, before: officer.participationsThisYear, inThisDraw, after };
  });
  const share = officers.length === 0 ? 0 : officersTakingPart / officers.length;
  return {
    officersOnRoll: officers.length,
    officersQualified: classes.qualified.length,
    officersTakingPart,
    share,
    officersTakingPartThisYear,
    shareThisYear: officers.length === 0 ? 0 : officersTakingPartThisYear / officers.length,
    target: rules.minParticipationShare,
    meetsTarget: share >= rules.minParticipationShare,
    perOfficer,
  };
}

function notEnoughTargets(rules: EffectiveDrawRules, inSnapshot: number, eligible: number, overLimit: number): DrawInfeasibleError {
  const need = rules.targetCount;
  const limit = rules.maxRandomInspectionsPerYear;
  return new DrawInfeasibleError(
    { short: 'targets', need, available: eligible },
    `可抽取对象不足：需要 ${need}，符合条件 ${eligible}（名录共 ${inSnapshot}，其中 ${overLimit} 个本年度已抽查满 ${limit} 次且无风险情形）` +
      ` / not enough eligible targets: need ${need}, eligible ${eligible}` +
      ` (${inSnapshot} in the snapshot, ${overLimit} already inspected ${limit} times this year without a risk flag)`,
  );
}

function notEnoughOfficers(rules: EffectiveDrawRules, onRoll: number, classes: OfficerClassification): DrawInfeasibleError {
  const need = rules.teamSize;
  const qualified = classes.qualified.length;
  const specialtyZh = rules.requiredSpecialty === null ? '' : `，${classes.specialtyMissing} 名不具备专业「${rules.requiredSpecialty}」`;
  const specialtyEn = rules.requiredSpecialty === null ? '' : `, ${classes.specialtyMissing} without the specialty "${rules.requiredSpecialty}"`;
  return new DrawInfeasibleError(
    { short: 'officers', need, available: qualified },
    `可选派执法人员不足：每组需要 ${need} 名，符合条件 ${qualified} 名（名录共 ${onRoll} 名，` +
      `${classes.certificateExpired} 名执法证在 ${rules.inspectionDate} 前已失效${specialtyZh}）` +
      ` / not enough qualified officers: a team needs ${need}, qualified ${qualified} (${onRoll} on the roll, ` +
      `${classes.certificateExpired} with a certificate no longer valid on ${rules.inspectionDate}${specialtyEn})`,
  );
}

/** Refuses the draw if any eligible target could not be given a full team without breaking R10. */
function refuseUnstaffable(
  targets: TargetSource,
  weights: Float64Array,
  recusals: Recusals,
  qualified: number,
  rules: EffectiveDrawRules,
): void {
  // Usually no entity has that many recusals, and then there is nothing to look at.
  if (qualified - recusals.most >= rules.teamSize) return;
  // Entities are few in the conflict list and targets are sorted by id, so look each one up by bisection;
  // and only those with too many recusals at all (a loop, not a copy of the whole map: it has one entry per
  // entity with a conflict, tens of thousands).
  const short: { entityId: string; recused: number; index: number }[] = [];
  recusals.forEach((officers, entityId) => {
    if (qualified - officers.length >= rules.teamSize) return;
    const index = indexOfId(targets, entityId);
    if (index >= 0 && weights[index]! > 0) short.push({ entityId, recused: officers.length, index });
  });
  short.sort((a, b) => a.index - b.index);
  const first = short[0];
  if (first === undefined) return;
  const need = rules.teamSize;
  const left = qualified - first.recused;
  throw new DrawInfeasibleError(
    { short: 'team', entityId: first.entityId, need, available: left },
    `对象 ${first.entityId} 无法组成检查组：需要 ${need} 名执法人员，符合条件 ${qualified} 名，其中 ${first.recused} 名须回避，仅余 ${left} 名` +
      (short.length > 1 ? `（另有 ${short.length - 1} 个对象同样无法组成）` : '') +
      ` / target ${first.entityId} cannot be staffed: a team needs ${need} officers, ${qualified} qualified, ` +
      `${first.recused} must recuse for a conflict of interest, ${left} left` +
      (short.length > 1 ? ` (${short.length - 1} more targets likewise)` : ''),
  );
}

function indexOfId(sorted: TargetSource, id: string): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const found = sorted.idAt(middle);
    if (found === id) return middle;
    if (found < id) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}
