import { createCipheriv, createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ALGORITHM_VERSION,
  DrawInfeasibleError,
  DrawRandom,
  canonicalJson,
  canonicalSnapshot,
  canonicalSnapshotJson,
  commit,
  mixSeed,
  runDraw,
  snapshotHash,
  verifyDraw,
  type DrawOfficer,
  type DrawRecord,
  type DrawRules,
  type DrawSnapshot,
  type DrawTarget,
} from '../../domain/draw';
import { DomainError } from '../../domain/errors';
import { usccCheckCharacter } from '../../domain/uscc';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

function target(number: number, fields: Partial<DrawTarget> = {}): DrawTarget {
  const first17 = `913204820000${String(number).padStart(5, '0')}`;
  return {
    id: `E${String(number).padStart(4, '0')}`,
    uscc: first17 + usccCheckCharacter(first17),
    category: 'catering',
    street: '金城镇',
    riskFlags: [],
    inspectionsThisYear: 0,
    ...fields,
  };
}

function officer(number: number, fields: Partial<DrawOfficer> = {}): DrawOfficer {
  return {
    id: `O${String(number).padStart(3, '0')}`,
    specialties: ['food_safety'],
    certificateValidUntil: '2026-12-31',
    participationsThisYear: 0,
    ...fields,
  };
}

const range = (count: number, from = 1) => Array.from({ length: count }, (_, index) => from + index);

function directory(targets: number, officers: number): DrawSnapshot {
  return { targets: range(targets).map((n) => target(n)), officers: range(officers).map((n) => officer(n)), conflicts: [] };
}

const rules = (fields: Partial<DrawRules> = {}): DrawRules => ({
  targetCount: 5,
  teamSize: 2,
  inspectionDate: '2025-06-02',
  riskWeights: { complaints: 3, safety_hazard: 2 },
  coverageFirst: true,
  ...fields,
});

function record(snapshot: DrawSnapshot, drawRules: DrawRules, seed: string, outsideRandomness?: string): DrawRecord {
  return {
    snapshot,
    rules: drawRules,
    seed,
    outsideRandomness,
    commitment: commit(seed),
    snapshotHash: snapshotHash(snapshot),
    result: runDraw(snapshot, drawRules, seed, outsideRandomness),
  };
}

function thrown(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

const seeds = (count: number) => range(count, 0).map((n) => `seed-${n}`);

describe('R20 the draw can be re-run and checked by anyone', () => {
  it('R20 the same snapshot, rules and seed give the identical result', () => {
    const snapshot = directory(40, 8);
    const first = runDraw(snapshot, rules(), 'c0ffee', '2025-06-01 lottery 03 17 22');
    const again = runDraw(structuredClone(snapshot), rules(), 'c0ffee', '2025-06-01 lottery 03 17 22');
    expect(again).toEqual(first);
    expect(canonicalJson(again)).toBe(canonicalJson(first));
    expect(first.algorithmVersion).toBe(ALGORITHM_VERSION);
    expect(first.picks).toHaveLength(5);
  });

  it('R20 input order, repeated flags and extra fields change neither the hash nor the result', () => {
    const snapshot: DrawSnapshot = {
      targets: range(30).map((n) => target(n, { riskFlags: n % 4 === 0 ? ['dishonest', 'complaints'] : [] })),
      officers: range(6).map((n) => officer(n)),
      conflicts: [
        { officerId: 'O002', entityId: 'E0003' },
        { officerId: 'O001', entityId: 'E0009' },
      ],
    };
    const shuffled: DrawSnapshot = {
      targets: [...snapshot.targets].reverse().map((t) => ({ ...t, riskFlags: [...t.riskFlags].reverse().concat(t.riskFlags), name: 'x' })),
      officers: [...snapshot.officers].reverse().map((o) => ({ ...o, specialties: [...o.specialties, ...o.specialties] })),
      conflicts: [...snapshot.conflicts, ...snapshot.conflicts].reverse(),
    };
    expect(snapshotHash(shuffled)).toBe(snapshotHash(snapshot));
    expect(runDraw(shuffled, rules(), 'seed')).toEqual(runDraw(snapshot, rules(), 'seed'));
    expect(canonicalSnapshot(shuffled)).toEqual(canonicalSnapshot(snapshot));
  });

  it('R20 the snapshot hash is the SHA-256 of the canonical JSON, also for strings that need escaping', () => {
    const snapshot: DrawSnapshot = {
      targets: [
        target(1),
        target(2, { category: 'say "hi"\\ back', street: '金坛区\u0001\n', inspectionsThisYear: 123456789012 }),
        target(3, { street: 'emoji 🚒 and \u2028 separator', riskFlags: ['violation_record', 'abnormal_operation'] }),
        target(4, { id: 'E0004 ü' }),
      ],
      officers: [officer(2, { specialties: ['食品', 'a"b'] }), officer(1)],
      conflicts: [{ officerId: 'O001', entityId: 'E0002' }],
    };
    const json = canonicalSnapshotJson(snapshot);
    expect(json.startsWith('{"conflicts":[{"entityId":"E0002","officerId":"O001"}],"officers":[{"certificateValidUntil"')).toBe(true);
    expect(JSON.parse(json)).toEqual(canonicalSnapshot(snapshot));
    expect(json).toBe(canonicalJson(JSON.parse(json)));
    expect(snapshotHash(snapshot)).toBe(sha256(json));
  });

  it('R20 the hash of targets with any mix of characters is that of their JSON', () => {
    // Code units chosen to hit every encoding path: ASCII, escapes, 2- and 3-byte UTF-8, pairs, lone halves.
    const units = [0x41, 0x7a, 0x20, 0x7f, 0x22, 0x5c, 0x0a, 0x01, 0xe9, 0x7ff, 0x800, 0x91d1, 0xffff, 0xd83d, 0xde92, 0xdbff, 0xdc00];
    const random = new DrawRandom(mixSeed('strings'), 'targets');
    const text = (length: number) => String.fromCharCode(...range(length).map(() => units[random.nextInt(units.length)]!));
    const snapshot: DrawSnapshot = {
      targets: range(2_000).map((n) => target(n, { category: text(n % 7), street: text(n % 5), uscc: n % 50 === 0 ? text(3) : target(n).uscc })),
      officers: [officer(1), officer(2)],
      conflicts: [],
    };
    expect(snapshotHash(snapshot)).toBe(sha256(canonicalSnapshotJson(snapshot)));
  });

  it('R20 the hash of officers and conflicts with any mix of characters is that of their JSON', () => {
    const units = [0x41, 0x7a, 0x20, 0x7f, 0x22, 0x5c, 0x0a, 0x01, 0xe9, 0x7ff, 0x800, 0x91d1, 0xffff, 0xd83d, 0xde92, 0xdbff, 0xdc00];
    const random = new DrawRandom(mixSeed('officer strings'), 'targets');
    const text = (length: number) => String.fromCharCode(...range(length).map(() => units[random.nextInt(units.length)]!));
    const officers = range(300).map((n) =>
      officer(n, {
        id: n % 3 === 0 ? `O${n} ${text(n % 6)}` : officer(n).id,
        specialties: range(n % 4).map((k) => `${k} ${text(n % 5)}`),
        participationsThisYear: n % 7 === 0 ? 123456789012 : n % 3,
      }),
    );
    const snapshot: DrawSnapshot = {
      targets: range(5).map((n) => target(n)),
      officers,
      conflicts: range(2_000).map((n) => ({ officerId: officers[n % 300]!.id, entityId: n % 4 === 0 ? `E${n} ${text(n % 9)}` : `E${n}` })),
    };
    expect(snapshotHash(snapshot)).toBe(sha256(canonicalSnapshotJson(snapshot)));
  });

  it('R20 a faithful record verifies', () => {
    const snapshot = directory(60, 10);
    expect(verifyDraw(record(snapshot, rules({ targetCount: 12 }), 'seed-a', 'lottery'))).toEqual({ valid: true, problems: [] });
    // A record that went through JSON, as it would when published, still verifies.
    expect(verifyDraw(JSON.parse(JSON.stringify(record(snapshot, rules(), 'seed-b'))))).toEqual({ valid: true, problems: [] });
  });

  it('R20 verifyDraw detects a changed seed through the commitment', () => {
    const original = record(directory(40, 8), rules(), 'the real seed');
    const verdict = verifyDraw({ ...original, seed: 'a friendlier seed' });
    expect(verdict.valid).toBe(false);
    expect(verdict.problems.some((problem) => problem.includes('does not match the published commitment'))).toBe(true);
  });

  it('R20 verifyDraw detects a changed snapshot through its hash', () => {
    const original = record(directory(40, 8), rules(), 'seed');
    const snapshot = structuredClone(original.snapshot);
    snapshot.targets[7]!.inspectionsThisYear = 2;
    const verdict = verifyDraw({ ...original, snapshot });
    expect(verdict.valid).toBe(false);
    expect(verdict.problems.some((problem) => problem.startsWith('名录快照已被改动') && problem.includes('the snapshot was changed'))).toBe(true);
  });

  it('R20 verifyDraw detects a changed result and says where', () => {
    const original = record(directory(40, 8), rules(), 'seed');
    const result = structuredClone(original.result);
    const unpicked = original.snapshot.targets.find((t) => !result.picks.some((pick) => pick.entityId === t.id))!;
    result.picks[2]!.entityId = unpicked.id;
    const verdict = verifyDraw({ ...original, result });
    expect(verdict.valid).toBe(false);
    expect(verdict.problems).toHaveLength(1);
    expect(verdict.problems[0]).toContain('result.picks[2].entityId');
    expect(verdict.problems[0]).toContain(`recorded "${unpicked.id}"`);

    const team = structuredClone(original.result);
    team.picks[0]!.team = ['O001', 'O001'];
    expect(verifyDraw({ ...original, result: team }).valid).toBe(false);
  });

  it('R20 verifyDraw detects changed rules and a wrong algorithm version', () => {
    const original = record(directory(40, 8), rules(), 'seed');
    expect(verifyDraw({ ...original, rules: rules({ coverageFirst: false }) }).valid).toBe(false);
    const verdict = verifyDraw({ ...original, result: { ...original.result, algorithmVersion: 'ssj-draw/0' } });
    expect(verdict.valid).toBe(false);
    expect(verdict.problems).toEqual([expect.stringContaining('wrong algorithm version: the record says ssj-draw/0')]);
  });

  it('R20 the commitment is the plain SHA-256 of the seed and matches no other seed', () => {
    expect(commit('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const committed = commit('5f1b9c0e7a');
    for (const other of ['5f1b9c0e7b', '5f1b9c0e7a ', '5F1B9C0E7A', '']) expect(commit(other)).not.toBe(committed);
  });

  it('R20 the outside randomness changes the draw, and seed and outside randomness cannot be traded for each other', () => {
    const snapshot = directory(200, 10);
    const plain = runDraw(snapshot, rules(), 'seed');
    const mixed = runDraw(snapshot, rules(), 'seed', '2025-06-01 lottery 03 17 22');
    expect(mixed.picks.map((pick) => pick.entityId)).not.toEqual(plain.picks.map((pick) => pick.entityId));
    expect(mixed.commitment).toBe(plain.commitment);
    expect(mixSeed('ab', 'c')).not.toBe(mixSeed('a', 'bc'));
    expect(mixSeed('seed', '')).not.toBe(mixSeed('seed'));
    expect(mixSeed('seed')).not.toBe(commit('seed'));
    expect(mixSeed('seed')).toBe(sha256(`${ALGORITHM_VERSION}:seed-mix\n["seed",null]`));
  });

  it('R20 a pinned draw: its outcome cannot change without a new algorithm version', () => {
    const snapshot: DrawSnapshot = {
      targets: range(12).map((n) => target(n, { inspectionsThisYear: n % 3, riskFlags: n % 5 === 0 ? ['complaints'] : [] })),
      officers: range(5).map((n) => officer(n, { participationsThisYear: n % 2 })),
      conflicts: [{ officerId: 'O001', entityId: 'E0004' }],
    };
    const result = runDraw(snapshot, rules({ targetCount: 6, coverageFirst: true }), 'pinned seed', 'pinned lottery');
    expect(result.picks.map((pick) => [pick.entityId, pick.team.join('+')])).toEqual(PINNED_PICKS);
    expect(result.snapshotHash).toBe(PINNED_SNAPSHOT_HASH);
  });
});

// Regression values for ALGORITHM_VERSION 'ssj-draw/1'; if they change, the version must change too.
// The picks and hash were also reproduced by an independent Python implementation of ALGORITHM.md.
const PINNED_PICKS: [string, string][] = [
  ['E0006', 'O002+O004'],
  ['E0003', 'O003+O004'],
  ['E0009', 'O002+O005'],
  ['E0012', 'O001+O004'],
  ['E0007', 'O002+O003'],
  ['E0005', 'O001+O005'],
];
const PINNED_SNAPSHOT_HASH = '94995b05b8effa91be1b2b996ca7ac2f75c96fd319b6f3082b78159b292fa63e';
const PINNED_STREAM = [3305645147517288, 6391823994287449, 5621094384490658];

describe('R8 the random stream', () => {
  it('R8 is the AES-256-CTR keystream under an HMAC-derived key, checkable with any AES implementation', () => {
    const seedMix = mixSeed('seed');
    const key = createHmac('sha256', Buffer.from(seedMix, 'hex')).update(`${ALGORITHM_VERSION}:stream:targets`).digest();
    // Counter blocks encrypted one by one (ECB) give the same keystream as CTR mode.
    const block = (counter: number) => {
      const input = Buffer.alloc(16);
      input.writeUInt32BE(counter, 12);
      return createCipheriv('aes-256-ecb', key, null).setAutoPadding(false).update(input);
    };
    const chunk = (index: number) => {
      const bytes = block(Math.floor(index / 2)).subarray((index % 2) * 8, (index % 2) * 8 + 8);
      return Number(bytes.readBigUInt64BE() >> 11n);
    };
    const random = new DrawRandom(seedMix, 'targets');
    const values = range(8200, 0).map(() => random.nextUint53());
    // The first chunks and those past the generator's first 64 KiB refill.
    for (const index of [0, 1, 2, 3, 8191, 8192, 8193, 8199]) expect(values[index]).toBe(chunk(index));
    expect(values.slice(0, 3)).toEqual(PINNED_STREAM);
    expect(new DrawRandom(seedMix, 'teams').nextUint53()).not.toBe(values[0]);
  });

  it('R8 floats lie in [0, 1) and integers in [0, n), rejection sampling included', () => {
    const random = new DrawRandom(mixSeed('numbers'), 'teams');
    for (let index = 0; index < 2000; index += 1) {
      const float = random.nextFloat();
      expect(float >= 0 && float < 1).toBe(true);
      const small = random.nextInt(7);
      expect(Number.isInteger(small) && small >= 0 && small < 7).toBe(true);
    }
    expect(random.nextInt(1)).toBe(0);
    // n just above 2^52: nearly half of all 53-bit values must be rejected, none may be returned.
    const huge = 2 ** 52 + 1;
    for (let index = 0; index < 200; index += 1) expect(random.nextInt(huge)).toBeLessThan(huge);
    expect(() => random.nextInt(0)).toThrow(RangeError);
  });
});

describe('R5 and R6 which entities may be drawn', () => {
  it('R5 an entity inspected twice this year is never drawn unless risk-flagged (R6)', () => {
    const snapshot: DrawSnapshot = {
      targets: range(20).map((n) => target(n, { inspectionsThisYear: n <= 8 ? 2 : n % 2, riskFlags: n === 1 ? ['safety_hazard'] : [] })),
      officers: range(6).map((n) => officer(n)),
      conflicts: [],
    };
    // 12 below the limit, plus E0001 over it but flagged: drawing all 13 shows exactly who is eligible.
    const result = runDraw(snapshot, rules({ targetCount: 13 }), 'seed');
    const drawn = result.picks.map((pick) => pick.entityId);
    expect(drawn).toContain('E0001');
    for (const n of range(7, 2)) expect(drawn).not.toContain(target(n).id);
    expect(result.eligibility).toEqual({ targetsInSnapshot: 20, eligible: 13, overLimitExcluded: 7, overLimitRiskFlagged: 1 });
    const flagged = result.picks.find((pick) => pick.entityId === 'E0001')!;
    expect(flagged.reason).toBe(
      '本年度已抽查 2 次，已达上限 2 次，因风险情形可增加抽查频次（R6）；风险情形：安全隐患大，权重 2 / ' +
        'inspected 2 time(s) this year, at the limit of 2, may be inspected more often for its risks (R6); risk flags: safety_hazard, weight 2',
    );
    expect(() => runDraw(snapshot, rules({ targetCount: 14 }), 'seed')).toThrow(DrawInfeasibleError);
  });

  it('R5 the yearly limit is a setting', () => {
    const snapshot: DrawSnapshot = { ...directory(10, 4), targets: range(10).map((n) => target(n, { inspectionsThisYear: n % 2 })) };
    const drawn = runDraw(snapshot, rules({ targetCount: 5, maxRandomInspectionsPerYear: 1 }), 'seed').picks;
    expect(drawn.every((pick) => pick.stratum === 'not_yet_inspected')).toBe(true);
    expect(() => runDraw(snapshot, rules({ targetCount: 6, maxRandomInspectionsPerYear: 1 }), 'seed')).toThrow(/need 6, eligible 5/);
  });

  it('R5 coverage first: every not-yet-inspected entity is drawn before any inspected one', () => {
    const snapshot: DrawSnapshot = { ...directory(16, 6), targets: range(16).map((n) => target(n, { inspectionsThisYear: n <= 6 ? 0 : 1 })) };
    for (const seed of seeds(50)) {
      expect(runDraw(snapshot, rules({ targetCount: 4 }), seed).picks.every((pick) => pick.stratum === 'not_yet_inspected')).toBe(true);
    }
    const result = runDraw(snapshot, rules({ targetCount: 8 }), 'seed');
    expect(result.picks.map((pick) => pick.stratum)).toEqual([...Array(6).fill('not_yet_inspected'), 'already_inspected', 'already_inspected']);
    expect(result.coverage).toEqual({ notYetInspectedBefore: 6, remainingAfter: 0 });
    expect(runDraw(snapshot, rules({ targetCount: 4 }), 'seed').coverage).toEqual({ notYetInspectedBefore: 6, remainingAfter: 2 });
  });

  it('R5 without coverage first, inspected and not-yet-inspected entities share one pool', () => {
    const snapshot: DrawSnapshot = { ...directory(16, 6), targets: range(16).map((n) => target(n, { inspectionsThisYear: n <= 6 ? 0 : 1 })) };
    const strata = new Set(seeds(50).flatMap((seed) => runDraw(snapshot, rules({ targetCount: 4, coverageFirst: false }), seed).picks.map((pick) => pick.stratum)));
    expect(strata).toEqual(new Set(['not_yet_inspected', 'already_inspected']));
  });

  it('R6 the weight is the largest configured weight among the flags, 1 without flags or weights', () => {
    const snapshot: DrawSnapshot = {
      ...directory(4, 4),
      targets: [
        target(1, { riskFlags: ['complaints', 'safety_hazard'] }),
        target(2, { riskFlags: ['dishonest'] }),
        target(3),
        target(4, { riskFlags: ['safety_hazard'] }),
      ],
    };
    const weights = Object.fromEntries(runDraw(snapshot, rules({ targetCount: 4 }), 'seed').picks.map((pick) => [pick.entityId, pick.weight]));
    expect(weights).toEqual({ E0001: 3, E0002: 1, E0003: 1, E0004: 2 });
  });

  it('R6 unknown risk flags and weights below 1 are refused with the field named', () => {
    const bad = thrown(() => runDraw(directory(5, 4), rules({ riskWeights: { complaints: 0.5, typo: 2 } as DrawRules['riskWeights'] }), 'seed'));
    expect(bad).toBeInstanceOf(DomainError);
    expect((bad as DomainError).kind).toBe('invalid');
    expect((bad as DomainError).fields.map((field) => field.field)).toEqual(['riskWeights.complaints', 'riskWeights.typo']);
    const snapshot = { ...directory(5, 4), targets: [target(1, { riskFlags: ['complaint' as 'complaints'] })] };
    expect(thrown(() => runDraw(snapshot, rules({ targetCount: 1 }), 'seed')).message).toMatch(/targets\[E0001\]\.riskFlags/);
  });
});

describe('R9, R10, R2 and R7 the teams', () => {
  it('R9 every team has the team size of distinct officers, and a team under 2 is refused', () => {
    for (const teamSize of [2, 3]) {
      for (const pick of runDraw(directory(30, 9), rules({ targetCount: 10, teamSize }), 'seed').picks) {
        expect(new Set(pick.team).size).toBe(teamSize);
      }
    }
    const error = thrown(() => runDraw(directory(30, 9), rules({ teamSize: 1 }), 'seed')) as DomainError;
    expect(error.kind).toBe('invalid');
    expect(error.message).toContain('检查组不得少于2人');
  });

  it('R10 an officer never joins the team of an entity he or she declared a conflict with, and the recusal is recorded', () => {
    const snapshot: DrawSnapshot = {
      ...directory(12, 6),
      // Officers 1-3 conflict with every odd entity, 4-6 with every even one: only half the roll is usable.
      conflicts: range(12).flatMap((n) => range(3, n % 2 === 1 ? 1 : 4).map((o) => ({ officerId: officer(o).id, entityId: target(n).id }))),
    };
    for (const seed of seeds(30)) {
      for (const pick of runDraw(snapshot, rules({ targetCount: 12 }), seed).picks) {
        const recused = snapshot.conflicts.filter((conflict) => conflict.entityId === pick.entityId).map((conflict) => conflict.officerId);
        expect(pick.team.some((id) => recused.includes(id))).toBe(false);
        expect(pick.recusals).toEqual(recused.sort());
      }
    }
  });

  it('R2 an officer whose certificate is no longer valid on the inspection day is never drawn', () => {
    const snapshot: DrawSnapshot = {
      ...directory(20, 0),
      officers: [
        officer(1, { certificateValidUntil: '2025-06-01' }),
        officer(2, { certificateValidUntil: '2025-06-02' }),
        officer(3, { certificateValidUntil: '2030-01-01' }),
        officer(4, { certificateValidUntil: '2024-12-31' }),
      ],
    };
    const result = runDraw(snapshot, rules({ targetCount: 6, inspectionDate: '2025-06-02' }), 'seed');
    const used = new Set(result.picks.flatMap((pick) => pick.team));
    expect(used).toEqual(new Set(['O002', 'O003']));
    expect(result.participation.perOfficer.map((entry) => entry.status)).toEqual(['certificate_expired', 'qualified', 'qualified', 'certificate_expired']);
  });

  it('R2 a required specialty is respected', () => {
    const snapshot: DrawSnapshot = {
      ...directory(20, 0),
      officers: range(8).map((n) => officer(n, { specialties: n % 2 === 0 ? ['drugs', 'food_safety'] : ['food_safety'] })),
    };
    for (const seed of seeds(10)) {
      const used = runDraw(snapshot, rules({ targetCount: 10, requiredSpecialty: 'drugs' }), seed).picks.flatMap((pick) => pick.team);
      expect(used.every((id) => ['O002', 'O004', 'O006', 'O008'].includes(id))).toBe(true);
    }
  });

  it('R7 workload is balanced: nobody gets a second team while a qualified officer has none', () => {
    const result = runDraw(directory(40, 25), rules({ targetCount: 10 }), 'seed');
    const counts = result.participation.perOfficer.map((entry) => entry.inThisDraw);
    expect(Math.max(...counts)).toBe(1);
    expect(result.participation).toMatchObject({ officersOnRoll: 25, officersTakingPart: 20, share: 0.8, target: 0.8, meetsTarget: true });

    const busier = runDraw(directory(40, 25), rules({ targetCount: 30, teamSize: 3 }), 'seed').participation.perOfficer;
    const loads = busier.map((entry) => entry.inThisDraw);
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
  });

  it('R7 officers with fewer participations this year are drawn first', () => {
    const snapshot: DrawSnapshot = {
      ...directory(20, 0),
      officers: range(10).map((n) => officer(n, { participationsThisYear: n <= 4 ? 0 : 3 })),
    };
    const result = runDraw(snapshot, rules({ targetCount: 2 }), 'seed');
    expect(new Set(result.picks.flatMap((pick) => pick.team)).size).toBe(4);
    expect(result.picks.flatMap((pick) => pick.team).every((id) => id <= 'O004')).toBe(true);
    const after = runDraw(snapshot, rules({ targetCount: 10 }), 'seed').participation.perOfficer.map((entry) => entry.after);
    expect(Math.max(...after) - Math.min(...after)).toBeLessThanOrEqual(1);
  });

  it('R7 participation reaches 80% of the roll whenever there are enough team places, conflicts notwithstanding', () => {
    for (const seed of seeds(20)) {
      const snapshot: DrawSnapshot = {
        ...directory(100, 30),
        conflicts: range(60).map((n) => ({ officerId: officer((n % 30) + 1).id, entityId: target(n + 1).id })),
      };
      const result = runDraw(snapshot, rules({ targetCount: 12 }), seed);
      expect(result.participation.officersTakingPart).toBe(24);
      expect(result.participation.share).toBe(0.8);
      expect(result.participation.meetsTarget).toBe(true);
    }
  });
});

describe('R5, R10 and R2 a draw that cannot be made is refused', () => {
  it('R5 too few eligible targets: the error names what is needed and what is there', () => {
    const snapshot: DrawSnapshot = { ...directory(12, 4), targets: range(12).map((n) => target(n, { inspectionsThisYear: n <= 5 ? 2 : 0 })) };
    const error = thrown(() => runDraw(snapshot, rules({ targetCount: 10 }), 'seed'));
    expect(error).toBeInstanceOf(DrawInfeasibleError);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DrawInfeasibleError).kind).toBe('conflict');
    expect((error as DrawInfeasibleError).shortage).toEqual({ short: 'targets', need: 10, available: 7 });
    expect(error.message).toMatch(/^可抽取对象不足：需要 10，符合条件 7.* \/ not enough eligible targets: need 10, eligible 7/);
  });

  it('R10 a target with too few officers left after recusals: the error names the target, whatever the seed', () => {
    const snapshot: DrawSnapshot = {
      ...directory(30, 4),
      conflicts: [
        { officerId: 'O001', entityId: 'E0017' },
        { officerId: 'O002', entityId: 'E0017' },
        { officerId: 'O003', entityId: 'E0017' },
      ],
    };
    for (const seed of seeds(5)) {
      const error = thrown(() => runDraw(snapshot, rules({ targetCount: 1 }), seed)) as DrawInfeasibleError;
      expect(error.shortage).toEqual({ short: 'team', entityId: 'E0017', need: 2, available: 1 });
      expect(error.message).toContain('对象 E0017 无法组成检查组');
      expect(error.message).toContain('target E0017 cannot be staffed: a team needs 2 officers, 4 qualified, 3 must recuse');
    }
    // Once E0017 may not be drawn anyway (inspected twice, no risk flag), the draw goes ahead.
    snapshot.targets[16] = target(17, { inspectionsThisYear: 2 });
    expect(runDraw(snapshot, rules({ targetCount: 1 }), 'seed').picks).toHaveLength(1);
  });

  it('R2 too few qualified officers: the error says why officers were left out', () => {
    const snapshot: DrawSnapshot = {
      ...directory(10, 0),
      officers: [officer(1), officer(2, { certificateValidUntil: '2025-01-01' }), officer(3, { specialties: [] })],
    };
    const error = thrown(() => runDraw(snapshot, rules({ requiredSpecialty: 'food_safety' }), 'seed')) as DrawInfeasibleError;
    expect(error.shortage).toEqual({ short: 'officers', need: 2, available: 1 });
    expect(error.message).toContain('可选派执法人员不足：每组需要 2 名，符合条件 1 名');
    expect(error.message).toContain('1 with a certificate no longer valid on 2025-06-02, 1 without the specialty "food_safety"');
  });

  it('R20 malformed input is refused as invalid, naming the records at fault', () => {
    const snapshot = directory(5, 4);
    snapshot.targets[1] = { ...snapshot.targets[1]!, inspectionsThisYear: -1 };
    snapshot.officers.push(officer(1));
    const error = thrown(() => runDraw(snapshot, rules({ inspectionDate: '2025-02-30' }), 'seed')) as DomainError;
    expect(error.kind).toBe('invalid');
    expect(error.fields.map((field) => field.field)).toEqual(['inspectionDate']);
    const second = thrown(() => runDraw(snapshot, rules(), 'seed')) as DomainError;
    expect(second.fields.map((field) => field.field)).toEqual(['targets[E0002].inspectionsThisYear']);
    snapshot.targets[1] = target(2);
    expect((thrown(() => runDraw(snapshot, rules(), 'seed')) as DomainError).fields).toEqual([{ field: 'officers[O001]', message: 'id 重复 / duplicate id' }]);
    expect((thrown(() => runDraw(directory(5, 4), rules(), '')) as DomainError).fields[0]?.field).toBe('seed');
  });
});

describe('R8 a district-scale draw', () => {
  it('R8 draws 2,000 of 50,000 targets with 500 officers and 5,000 conflicts quickly, and verifies', () => {
    const flags = ['complaints', 'safety_hazard', 'abnormal_operation', 'dishonest', 'violation_record'] as const;
    const snapshot: DrawSnapshot = {
      targets: range(50_000).map((n) =>
        target(n, { inspectionsThisYear: n % 3, riskFlags: n % 17 === 0 ? [flags[n % 5]!] : [], id: `E${String(n).padStart(6, '0')}` }),
      ),
      officers: range(500).map((n) => officer(n, { participationsThisYear: n % 4, certificateValidUntil: n % 25 === 0 ? '2024-01-01' : '2027-01-01' })),
      conflicts: range(5_000).map((n) => ({ officerId: officer((n % 500) + 1).id, entityId: `E${String((n * 7919) % 50_000 + 1).padStart(6, '0')}` })),
    };
    const drawRules = rules({ targetCount: 2_000, riskWeights: { complaints: 3, dishonest: 2 } });
    const started = performance.now();
    const result = runDraw(snapshot, drawRules, 'district seed', 'lottery');
    const elapsed = performance.now() - started;
    expect(result.picks).toHaveLength(2_000);
    expect(new Set(result.picks.map((pick) => pick.entityId)).size).toBe(2_000);
    expect(result.participation.officersTakingPart).toBe(480);
    // Typically well under 100 ms; the bound only guards against an accidental O(n²).
    expect(elapsed).toBeLessThan(1_500);
    expect(verifyDraw(record(snapshot, drawRules, 'district seed', 'lottery')).valid).toBe(true);
  });
});
