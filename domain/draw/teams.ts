// Inspection teams (R7, R9, R10, R2). An officer may join a team when the enforcement certificate is still
// valid on the inspection day and the officer has the required specialty; never the team of an entity
// the officer declared a conflict with.
//
// Balance (R7): each team is made of the qualified, unconflicted officers with the fewest participations
// so far, this draw's included, ties broken at random from the "teams" stream. Officers sit in buckets by
// workload; the lowest buckets are walked in a random order (a partial Fisher–Yates shuffle, one draw per
// officer looked at), so a team costs O(team size + recusals met) instead of a sort of all officers.

import type { DrawRandom } from './random';
import type { DrawConflict, DrawOfficer, EffectiveDrawRules, OfficerStatus } from './types';

export interface OfficerClassification {
  /** Per officer in canonical order. */
  status: OfficerStatus[];
  qualified: number[];
  certificateExpired: number;
  specialtyMissing: number;
}

export function classifyOfficers(officers: readonly DrawOfficer[], rules: EffectiveDrawRules): OfficerClassification {
  const status: OfficerStatus[] = new Array(officers.length);
  const qualified: number[] = [];
  let certificateExpired = 0;
  let specialtyMissing = 0;
  officers.forEach((officer, index) => {
    // Same YYYY-MM-DD format on both sides, so comparing the strings compares the days.
    if (officer.certificateValidUntil < rules.inspectionDate) {
      status[index] = 'certificate_expired';
      certificateExpired += 1;
    } else if (rules.requiredSpecialty !== null && !officer.specialties.includes(rules.requiredSpecialty)) {
      status[index] = 'specialty_missing';
      specialtyMissing += 1;
    } else {
      status[index] = 'qualified';
      qualified.push(index);
    }
  });
  return { status, qualified, certificateExpired, specialtyMissing };
}

/**
 * Entity id → every officer on the roll (indices, in id order) who declared a conflict with it; conflicts
 * naming an officer not on the roll are left out. It does not depend on the rules, so SnapshotBuilder works
 * it out while the targets are still coming.
 */
export function conflictOfficersByEntity(officers: readonly DrawOfficer[], conflicts: readonly DrawConflict[]): Map<string, number[]> {
  const officerIndex = new Map<string, number>();
  officers.forEach((officer, index) => officerIndex.set(officer.id, index));
  const byEntity = new Map<string, number[]>();
  for (const conflict of conflicts) {
    const officer = officerIndex.get(conflict.officerId);
    if (officer === undefined) continue;
    const list = byEntity.get(conflict.entityId);
    if (list === undefined) byEntity.set(conflict.entityId, [officer]);
    else list.push(officer);
  }
  return byEntity;
}

/** Entity id → qualified officers (indices, in id order) who must recuse from it: what the draw asks of it. */
export interface Recusals {
  get(entityId: string): readonly number[] | undefined;
  forEach(callback: (officers: readonly number[], entityId: string) => void): void;
  /** The most officers any one entity has (0 when none has any). */
  readonly most: number;
}

/**
 * The recusals of the qualified officers: conflictOfficersByEntity of the same officers and conflicts (or
 * `precomputed`, that map made while the targets were read) without the officers who are not qualified; the
 * lists that hold none of those (most of them) are used as they are, not copied.
 */
export function recusalsByEntity(
  officers: readonly DrawOfficer[],
  classification: OfficerClassification,
  conflicts: readonly DrawConflict[],
  precomputed?: ReadonlyMap<string, readonly number[]>,
): Recusals {
  return qualifiedOnly(precomputed ?? conflictOfficersByEntity(officers, conflicts), classification);
}

/** The lists of `byEntity` without the officers who are not qualified (a list left empty counts as none). */
function qualifiedOnly(byEntity: ReadonlyMap<string, readonly number[]>, classification: OfficerClassification): Recusals {
  const qualified = new Uint8Array(classification.status.length);
  for (const index of classification.qualified) qualified[index] = 1;
  const changed = new Map<string, readonly number[]>();
  let most = 0;
  byEntity.forEach((officers, entityId) => {
    let kept = 0;
    for (const officer of officers) kept += qualified[officer]!;
    if (kept < officers.length) changed.set(entityId, officers.filter((officer) => qualified[officer] === 1));
    most = Math.max(most, kept);
  });
  const get = (entityId: string) => {
    const officers = changed.get(entityId) ?? byEntity.get(entityId);
    return officers === undefined || officers.length === 0 ? undefined : officers;
  };
  return {
    get,
    forEach: (callback) =>
      byEntity.forEach((_, entityId) => {
        const officers = get(entityId);
        if (officers !== undefined) callback(officers, entityId);
      }),
    most,
  };
}

/** Officers grouped by current workload, lowest first. */
class WorkloadBuckets {
  private readonly buckets = new Map<number, number[]>();
  /** Distinct workloads with a non-empty bucket, ascending; few, so kept as a plain sorted array. */
  private readonly levels: number[] = [];
  private readonly position: Int32Array;
  readonly load: Float64Array;

  constructor(officerCount: number, members: readonly number[], initialLoad: (officer: number) => number) {
    this.position = new Int32Array(officerCount);
    this.load = new Float64Array(officerCount);
    for (const officer of members) {
      this.load[officer] = initialLoad(officer);
      this.add(officer);
    }
  }

  private add(officer: number): void {
    const level = this.load[officer]!;
    let bucket = this.buckets.get(level);
    if (bucket === undefined) {
      bucket = [];
      this.buckets.set(level, bucket);
      let at = this.levels.length;
      while (at > 0 && this.levels[at - 1]! > level) at -= 1;
      this.levels.splice(at, 0, level);
    }
    this.position[officer] = bucket.length;
    bucket.push(officer);
  }

  private remove(officer: number): void {
    const level = this.load[officer]!;
    const bucket = this.buckets.get(level)!;
    const last = bucket.pop()!;
    if (last !== officer) {
      const at = this.position[officer]!;
      bucket[at] = last;
      this.position[last] = at;
    }
    if (bucket.length === 0) {
      this.buckets.delete(level);
      this.levels.splice(this.levels.indexOf(level), 1);
    }
  }

  /** The `size` least-loaded officers not excluded, ties at random. Assumes enough exist. */
  choose(size: number, excluded: (officer: number) => boolean, random: DrawRandom): number[] {
    const team: number[] = [];
    for (let level = 0; level < this.levels.length && team.length < size; level += 1) {
      const bucket = this.buckets.get(this.levels[level]!)!;
      for (let next = 0; next < bucket.length && team.length < size; next += 1) {
        const drawn = next + random.nextInt(bucket.length - next);
        const officer = bucket[drawn]!;
        bucket[drawn] = bucket[next]!;
        this.position[bucket[drawn]!] = drawn;
        bucket[next] = officer;
        this.position[officer] = next;
        if (!excluded(officer)) team.push(officer);
      }
    }
    return team;
  }

  addWork(officer: number): void {
    this.remove(officer);
    this.load[officer] = this.load[officer]! + 1;
    this.add(officer);
  }
}

export interface TeamAssignment {
  teams: number[][];
  /** Per team: qualified officers recused for a conflict, by index in id order. */
  recusals: number[][];
  /** Per officer: teams joined in this draw. */
  joined: Int32Array;
}

export function assignTeams(
  entityIds: readonly string[],
  officers: readonly DrawOfficer[],
  classification: OfficerClassification,
  recusals: Recusals,
  rules: EffectiveDrawRules,
  random: DrawRandom,
): TeamAssignment {
  const buckets = new WorkloadBuckets(officers.length, classification.qualified, (officer) => officers[officer]!.participationsThisYear);
  const recusedFor = new Int32Array(officers.length);
  const joined = new Int32Array(officers.length);
  const teams: number[][] = [];
  const recused: number[][] = [];
  entityIds.forEach((entityId, pick) => {
    const stamp = pick + 1;
    const conflicted = recusals.get(entityId) ?? [];
    for (const officer of conflicted) recusedFor[officer] = stamp;
    const team = buckets.choose(rules.teamSize, (officer) => recusedFor[officer] === stamp, random);
    for (const officer of team) {
      buckets.addWork(officer);
      joined[officer] = joined[officer]! + 1;
    }
    teams.push(team);
    recused.push([...conflicted]);
  });
  return { teams, recusals: recused, joined };
}
