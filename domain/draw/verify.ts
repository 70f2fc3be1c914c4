// Checking a published draw (R20): recompute everything from the record and say what does not match.
// Anyone holding the record and this engine (or an independent implementation of ALGORITHM.md) can do it.

import { builtSnapshotHash, canonicalJson, hashPreparedSnapshot, prepareSnapshot, type PreparedSnapshot } from './canonical';
import { commit } from './commitment';
import { drawnTargetIds, runDraw, runPreparedDraw } from './engine';
import { mixSeed } from './commitment';
import { ALGORITHM_VERSION, type DrawRecord, type DrawResult, type DrawRules, type DrawTarget, type DrawVerification } from './types';

export function verifyDraw(record: DrawRecord): DrawVerification {
  const problems: string[] = [];
  if (typeof record !== 'object' || record === null || typeof record.result !== 'object' || record.result === null) {
    return { valid: false, problems: ['记录不完整 / the record is incomplete'] };
  }
  const { result } = record;

  if (result.algorithmVersion !== ALGORITHM_VERSION) {
    problems.push(
      `算法版本不符：记录为 ${String(result.algorithmVersion)}，本程序为 ${ALGORITHM_VERSION} / ` +
        `wrong algorithm version: the record says ${String(result.algorithmVersion)}, this engine is ${ALGORITHM_VERSION}`,
    );
  }

  if (typeof record.seed !== 'string' || commit(record.seed) !== record.commitment) {
    problems.push('种子与事先公布的承诺值不符 / the seed does not match the published commitment');
  }
  if (result.commitment !== record.commitment) {
    problems.push('结果中的承诺值与公布的不符 / the commitment in the result is not the published one');
  }

  // A snapshot SnapshotBuilder built (from a stored form, say) was hashed from what it was built of; any other is
  // prepared and hashed here.
  const builtHash = builtSnapshotHash(record.snapshot);
  let prepared: PreparedSnapshot | undefined;
  let actualSnapshotHash: string | undefined = builtHash;
  if (builtHash === undefined) {
    try {
      prepared = prepareSnapshot(record.snapshot);
      actualSnapshotHash = hashPreparedSnapshot(prepared);
    } catch (error) {
      problems.push(`名录快照无法读取 / the snapshot cannot be read: ${(error as Error).message}`);
    }
  }
  if (actualSnapshotHash !== undefined && actualSnapshotHash !== record.snapshotHash) {
    problems.push(
      `名录快照已被改动：哈希为 ${actualSnapshotHash}，公布的是 ${String(record.snapshotHash)} / ` +
        `the snapshot was changed: it hashes to ${actualSnapshotHash}, the published hash is ${String(record.snapshotHash)}`,
    );
  }
  if (result.snapshotHash !== record.snapshotHash) {
    problems.push('结果中的快照哈希与公布的不符 / the snapshot hash in the result is not the published one');
  }

  // Another version's result cannot be recomputed here; saying so once is more useful than a diff.
  if (result.algorithmVersion === ALGORITHM_VERSION && actualSnapshotHash !== undefined) {
    try {
      const recomputed =
        prepared === undefined
          ? runDraw(record.snapshot, record.rules, record.seed, record.outsideRandomness)
          : runPreparedDraw(prepared, actualSnapshotHash, record.rules, record.seed, record.outsideRandomness);
      const difference = firstDifference(recomputed, result, 'result');
      if (difference !== null) {
        problems.push(`重新抽取的结果与记录不同 / re-running the draw gives a different result: ${difference}`);
      }
    } catch (error) {
      problems.push(`按记录无法重新抽取 / the draw cannot be re-run from the record: ${(error as Error).message}`);
    }
  }
  return { valid: problems.length === 0, problems };
}

/** Where two JSON values first part ways, e.g. `result.picks[3].entityId: 应为 "E5"，记录为 "E9" / expected "E5", recorded "E9"`. */
function firstDifference(expected: unknown, recorded: unknown, path: string): string | null {
  if (Array.isArray(expected) && Array.isArray(recorded)) {
    for (let index = 0; index < Math.min(expected.length, recorded.length); index += 1) {
      const found = firstDifference(expected[index], recorded[index], `${path}[${index}]`);
      if (found !== null) return found;
    }
    if (expected.length !== recorded.length) {
      return `${path}：应有 ${expected.length} 项，记录有 ${recorded.length} 项 / expected ${expected.length} items, recorded ${recorded.length}`;
    }
    return null;
  }
  const isObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);
  if (isObject(expected) && isObject(recorded)) {
    const keys = [...new Set([...Object.keys(expected as object), ...Object.keys(recorded as object)])].sort();
    for (const key of keys) {
      const found = firstDifference((expected as Record<string, unknown>)[key], (recorded as Record<string, unknown>)[key], `${path}.${key}`);
      if (found !== null) return found;
    }
    return null;
  }
  const show = (value: unknown) => (value === undefined ? 'undefined' : canonicalJsonOrString(value));
  if (show(expected) === show(recorded)) return null;
  return `${path}：应为 ${show(expected)}，记录为 ${show(recorded)} / expected ${show(expected)}, recorded ${show(recorded)}`;
}

function canonicalJsonOrString(value: unknown): string {
  try {
    return canonicalJson(value);
  } catch {
    return String(value);
  }
}

/** The public's record of a draw: the auditors' record with only the targets part of the pool. */
export interface PublicDrawRecord {
  algorithmVersion: string;
  rules: DrawRules;
  targets: DrawTarget[];
  commitment: string;
  seed: string;
  outsideRandomness?: string | null;
  result: DrawResult;
}

/**
 * What the public can check from its record (R20): the seed is the committed one, the mixed seed is the seed with
 * the outside value, and the entities drawn, in order, are those the targets, the rules and that seed give. The
 * teams and the pool's hash need the officers and conflicts, which only the auditors' record holds (verifyDraw).
 */
export function verifyPublicDraw(record: PublicDrawRecord): DrawVerification {
  const problems: string[] = [];
  if (typeof record !== 'object' || record === null || typeof record.result !== 'object' || record.result === null || !Array.isArray(record.targets)) {
    return { valid: false, problems: ['记录不完整 / the record is incomplete'] };
  }
  if (record.result.algorithmVersion !== ALGORITHM_VERSION) {
    problems.push(`算法版本不符：记录为 ${String(record.result.algorithmVersion)} / wrong algorithm version: ${String(record.result.algorithmVersion)}, this verifier is ${ALGORITHM_VERSION}`);
  }
  if (typeof record.seed !== 'string' || commit(record.seed) !== record.commitment) {
    problems.push('种子与事先公布的承诺值不符 / the seed does not match the published commitment');
  }
  const outside = record.outsideRandomness ?? undefined;
  if (typeof record.seed === 'string' && mixSeed(record.seed, outside) !== record.result.seedMix) {
    problems.push('混合种子与种子和外部随机数不符 / the mixed seed is not the seed with the outside value');
  }
  try {
    const expected = drawnTargetIds(record.targets, record.rules, record.seed, outside);
    const recorded = record.result.picks.map((pick) => pick.entityId);
    const difference = firstDifference(expected, recorded, 'result.picks[*].entityId');
    if (difference !== null) problems.push(`重新抽取的对象与记录不同 / re-running the draw picks other entities: ${difference}`);
  } catch (error) {
    problems.push(`按记录无法重新抽取 / the draw cannot be re-run from the record: ${(error as Error).message}`);
  }
  return { valid: problems.length === 0, problems };
}
