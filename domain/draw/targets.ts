// Which entities may be drawn (R5, R6), and the weighted draw among them.
//
// Weight: 1 for an entity without risk flags, otherwise the largest configured weight among its flags
// (never below 1). The largest rather than the product: flags often describe one underlying risk twice
// (a violation record and dishonest behaviour usually come together), a product would let such pairs
// crowd out everybody else, and the maximum is exact in floating point whatever order the flags come in.
//
// Sampling: Efraimidis–Spirakis (2006). Each eligible entity, in canonical order, takes one number u
// from the "targets" stream and gets the key ln(1 − u) / weight, the logarithm of (1 − u)^(1/weight);
// 1 − u lies in (0, 1] and the logarithm keeps the comparison exact where the power would underflow.
// The k largest keys win, ties going to the earlier id. This is exactly weighted sampling without
// replacement (each successive pick with probability weight ÷ weight left), in one pass with a k-sized
// heap: O(n log k). Picks are listed by descending key, which is the order such successive picks come in.

import type { DrawRandom } from './random';
import type { TargetSource } from './targetRows';
import { riskFlagLabels, riskFlags, type DrawTarget, type EffectiveDrawRules, type RiskFlag, type Stratum } from './types';

/** The risk flags of each mask (bit i standing for riskFlags[i]), as one shared, frozen, sorted array per mask. */
export const riskFlagSets: readonly RiskFlag[][] = Array.from({ length: 1 << riskFlags.length }, (_, mask) =>
  Object.freeze(riskFlags.filter((_, bit) => (mask >> bit) & 1).sort()) as RiskFlag[],
);

/**
 * What a snapshot built by SnapshotBuilder knows of its targets already, per target in canonical order:
 * the inspections this year and the risk flags as a mask (riskFlagSets). The same values as the targets'
 * own, which the builder made from the same bytes; walking two small arrays costs far less than walking a
 * million objects.
 */
export interface TargetColumns {
  inspections: Uint32Array;
  flagMasks: Uint8Array;
}

export interface TargetClassification {
  /** Per target in canonical order; 0 when the target may not be drawn. */
  weights: Float64Array;
  notYetInspected: Int32Array;
  alreadyInspected: Int32Array;
  eligible: number;
  overLimitExcluded: number;
  overLimitRiskFlagged: number;
}

export function riskWeight(flags: readonly RiskFlag[], rules: EffectiveDrawRules): number {
  let weight = 1;
  for (const flag of flags) weight = Math.max(weight, rules.riskWeights[flag] ?? 1);
  return weight;
}

export function classifyTargets(targets: TargetSource, rules: EffectiveDrawRules, columns?: TargetColumns): TargetClassification {
  if (columns !== undefined) return classifyColumns(columns, rules);
  const weights = new Float64Array(targets.length);
  const notYet = new Int32Array(targets.length);
  const already = new Int32Array(targets.length);
  let notYetCount = 0;
  let alreadyCount = 0;
  let overLimitExcluded = 0;
  let overLimitRiskFlagged = 0;
  for (let index = 0; index < targets.length; index += 1) {
    const target = targets.at(index);
    const flagged = target.riskFlags.length > 0;
    if (target.inspectionsThisYear >= rules.maxRandomInspectionsPerYear) {
      if (!flagged) {
        overLimitExcluded += 1;
        continue;
      }
      overLimitRiskFlagged += 1;
    }
    weights[index] = flagged ? riskWeight(target.riskFlags, rules) : 1;
    if (target.inspectionsThisYear === 0) notYet[notYetCount++] = index;
    else already[alreadyCount++] = index;
  }
  return {
    weights,
    notYetInspected: notYet.subarray(0, notYetCount),
    alreadyInspected: already.subarray(0, alreadyCount),
    eligible: notYetCount + alreadyCount,
    overLimitExcluded,
    overLimitRiskFlagged,
  };
}

/**
 * classifyTargets from a built snapshot's columns: the same steps on the same values. The pools are counted
 * first and made to size: fresh memory is costly to touch on some machines, reading a column again is not.
 */
function classifyColumns({ inspections, flagMasks }: TargetColumns, rules: EffectiveDrawRules): TargetClassification {
  const count = inspections.length;
  const limit = rules.maxRandomInspectionsPerYear;
  let notYetCount = 0;
  let alreadyCount = 0;
  for (let index = 0; index < count; index += 1) {
    const inspected = inspections[index]!;
    const eligible = inspected < limit || flagMasks[index] !== 0 ? 1 : 0;
    notYetCount += inspected === 0 ? eligible : 0;
    alreadyCount += inspected === 0 ? 0 : eligible;
  }
  const maskWeights = riskFlagSets.map((flags) => riskWeight(flags, rules));
  const weights = new Float64Array(count);
  const notYet = new Int32Array(notYetCount);
  const already = new Int32Array(alreadyCount);
  let notYetAt = 0;
  let alreadyAt = 0;
  let overLimitExcluded = 0;
  let overLimitRiskFlagged = 0;
  for (let index = 0; index < count; index += 1) {
    const inspected = inspections[index]!;
    const mask = flagMasks[index]!;
    if (inspected >= limit) {
      if (mask === 0) {
        overLimitExcluded += 1;
        continue;
      }
      overLimitRiskFlagged += 1;
    }
    weights[index] = mask !== 0 ? maskWeights[mask]! : 1;
    if (inspected === 0) notYet[notYetAt++] = index;
    else already[alreadyAt++] = index;
  }
  return {
    weights,
    notYetInspected: notYet,
    alreadyInspected: already,
    eligible: notYetCount + alreadyCount,
    overLimitExcluded,
    overLimitRiskFlagged,
  };
}

/** Is the (key, index) pair a worse pick than the other? Lower key, or the same key and a later id. */
function worse(keyA: number, indexA: number, keyB: number, indexB: number): boolean {
  return keyA < keyB || (keyA === keyB && indexA > indexB);
}

/** Weighted sampling of k members of the pool without replacement; returns target indices, best first. */
export function sampleWeighted(pool: Int32Array, weights: Float64Array, k: number, random: DrawRandom): Int32Array {
  const size = Math.min(k, pool.length);
  if (size === 0) return new Int32Array(0);
  // A min-heap (worst pick at the root) of the best `size` keys seen so far.
  const heapKeys = new Float64Array(size);
  const heapIndices = new Int32Array(size);
  const siftDown = (start: number, length: number) => {
    let parent = start;
    const key = heapKeys[parent]!;
    const index = heapIndices[parent]!;
    for (;;) {
      let child = 2 * parent + 1;
      if (child >= length) break;
      if (child + 1 < length && worse(heapKeys[child + 1]!, heapIndices[child + 1]!, heapKeys[child]!, heapIndices[child]!)) child += 1;
      if (!worse(heapKeys[child]!, heapIndices[child]!, key, index)) break;
      heapKeys[parent] = heapKeys[child]!;
      heapIndices[parent] = heapIndices[child]!;
      parent = child;
    }
    heapKeys[parent] = key;
    heapIndices[parent] = index;
  };

  for (let position = 0; position < pool.length; position += 1) {
    const index = pool[position]!;
    const key = Math.log(1 - random.nextFloat()) / weights[index]!;
    if (position < size) {
      heapKeys[position] = key;
      heapIndices[position] = index;
      if (position === size - 1) for (let node = (size >> 1) - 1; node >= 0; node -= 1) siftDown(node, size);
    } else if (worse(heapKeys[0]!, heapIndices[0]!, key, index)) {
      heapKeys[0] = key;
      heapIndices[0] = index;
      siftDown(0, size);
    }
  }

  // Pop the worst to the back, leaving the best at the front.
  for (let end = size - 1; end > 0; end -= 1) {
    const key = heapKeys[0]!;
    const index = heapIndices[0]!;
    heapKeys[0] = heapKeys[end]!;
    heapIndices[0] = heapIndices[end]!;
    heapKeys[end] = key;
    heapIndices[end] = index;
    siftDown(0, end);
  }
  return heapIndices;
}

/** A target's stratum: whether it had been randomly inspected this year before the draw (R5). */
export function stratumOf(target: DrawTarget): Stratum {
  return target.inspectionsThisYear === 0 ? 'not_yet_inspected' : 'already_inspected';
}

/**
 * The picks, as indices of targets in draw order. R5's coverage first: when asked, all of the
 * not-yet-inspected entities are used up before any other is considered; otherwise all eligible entities
 * form one pool. Either way each pick keeps its own stratum (stratumOf).
 */
export function selectTargets(classification: TargetClassification, rules: EffectiveDrawRules, random: DrawRandom): number[] {
  const pools = rules.coverageFirst
    ? [classification.notYetInspected, classification.alreadyInspected]
    : [mergeInOrder(classification.notYetInspected, classification.alreadyInspected)];
  const picks: number[] = [];
  for (const pool of pools) {
    const wanted = rules.targetCount - picks.length;
    if (wanted === 0) break;
    for (const index of sampleWeighted(pool, classification.weights, wanted, random)) picks.push(index);
  }
  return picks;
}

/** Two ascending index lists as one, so the single pool is still walked in canonical order. */
function mergeInOrder(a: Int32Array, b: Int32Array): Int32Array {
  const merged = new Int32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let out = 0;
  while (i < a.length && j < b.length) merged[out++] = a[i]! < b[j]! ? a[i++]! : b[j++]!;
  while (i < a.length) merged[out++] = a[i++]!;
  while (j < b.length) merged[out++] = b[j++]!;
  return merged;
}

function listFlags(flags: readonly RiskFlag[], language: 'zh' | 'en'): string {
  return flags.map((flag) => (language === 'zh' ? riskFlagLabels[flag].zh : flag)).join(language === 'zh' ? '、' : ', ');
}

/** Why this entity could be drawn, `中文 / English` (R20). */
export function eligibilityReason(target: DrawTarget, weight: number, rules: EffectiveDrawRules): string {
  const count = target.inspectionsThisYear;
  const limit = rules.maxRandomInspectionsPerYear;
  let zh: string;
  let en: string;
  if (count === 0) {
    zh = '本年度尚未抽查';
    en = 'not yet inspected this year';
  } else if (count < limit) {
    zh = `本年度已抽查 ${count} 次，未达上限 ${limit} 次`;
    en = `inspected ${count} time(s) this year, under the limit of ${limit}`;
  } else {
    zh = `本年度已抽查 ${count} 次，已达上限 ${limit} 次，因风险情形可增加抽查频次（R6）`;
    en = `inspected ${count} time(s) this year, at the limit of ${limit}, may be inspected more often for its risks (R6)`;
  }
  if (target.riskFlags.length > 0) {
    zh += `；风险情形：${listFlags(target.riskFlags, 'zh')}，权重 ${weight}`;
    en += `; risk flags: ${listFlags(target.riskFlags, 'en')}, weight ${weight}`;
  }
  return `${zh} / ${en}`;
}
