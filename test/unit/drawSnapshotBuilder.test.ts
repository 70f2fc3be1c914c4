import { describe, expect, it } from 'vitest';
import {
  DrawRandom,
  SnapshotBuilder,
  TargetBatchWriter,
  mixSeed,
  riskFlags,
  runDraw,
  snapshotHash,
  type DrawConflict,
  type DrawOfficer,
  type DrawRules,
  type DrawSnapshot,
  type DrawTarget,
  type TargetBatch,
} from '../../domain/draw';

const range = (count: number, from = 1) => Array.from({ length: count }, (_, index) => from + index);

function target(number: number, fields: Partial<DrawTarget> = {}): DrawTarget {
  return {
    id: `E${String(number).padStart(5, '0')}`,
    uscc: `91320482000000${String(number).padStart(4, '0')}`,
    category: number % 3 === 0 ? '餐饮' : `retail ${number % 4}`,
    street: number % 2 === 0 ? '金城镇' : '儒林镇',
    riskFlags: number % 5 === 0 ? ['complaints', 'dishonest'] : number % 7 === 0 ? ['violation_record'] : [],
    inspectionsThisYear: number % 3,
    ...fields,
  };
}

function officer(number: number, fields: Partial<DrawOfficer> = {}): DrawOfficer {
  return { id: `O${String(number).padStart(3, '0')}`, specialties: ['商贸'], certificateValidUntil: '2026-12-31', participationsThisYear: number % 2, ...fields };
}

const rules: DrawRules = {
  targetCount: 8,
  teamSize: 2,
  inspectionDate: '2026-06-01',
  riskWeights: { complaints: 3, dishonest: 2 },
  coverageFirst: true,
};

/** The targets handed over as a reader would: packed into small batches, the category and street lists growing as values turn up. */
async function build(targets: readonly DrawTarget[], officers: DrawOfficer[], conflicts: DrawConflict[], hashInWorker = false) {
  return filled(targets, officers, conflicts, hashInWorker).build();
}

/** A builder given the targets, not yet built. */
function filled(targets: readonly DrawTarget[], officers: DrawOfficer[], conflicts: DrawConflict[], hashInWorker = false) {
  // Fewer expected targets than come: the builder's columns have to grow.
  const builder = new SnapshotBuilder(officers, conflicts, { hashInWorker, expectedTargets: 3 });
  const categories: string[] = [];
  const streets: string[] = [];
  const indexOf = (list: string[], value: string) => {
    if (!list.includes(value)) list.push(value);
    return list.indexOf(value);
  };
  const writer = new TargetBatchWriter((batch: TargetBatch) => builder.addTargets(batch, [...categories], [...streets]), 512);
  for (const { id, uscc, category, street, inspectionsThisYear, riskFlags: flags } of targets) {
    const idBytes = Buffer.from(`..${id}`, 'utf8');
    const usccBytes = Buffer.from(uscc, 'utf8');
    const mask = flags.reduce((sum, flag) => sum | (1 << riskFlags.indexOf(flag)), 0);
    const [c, s] = [indexOf(categories, category), indexOf(streets, street)];
    writer.add(idBytes, 2, idBytes.length, usccBytes, 0, usccBytes.length, c, s, inspectionsThisYear, mask);
  }
  writer.flush();
  return builder;
}

async function rejection(action: () => Promise<unknown>): Promise<Error> {
  try {
    await action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

function thrown(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('R20 a snapshot built from bytes is the snapshot itself', () => {
  const officers = range(6).map((n) => officer(n));
  const conflicts = [
    { officerId: 'O001', entityId: 'E00009' },
    { officerId: 'O002', entityId: 'E00003' },
  ];

  it('R20 has the hash of the plain snapshot and draws the same result, hashed here or in a worker thread', async () => {
    const snapshot: DrawSnapshot = { targets: range(600).map((n) => target(n)), officers, conflicts };
    for (const hashInWorker of [false, true]) {
      const built = await build(snapshot.targets, officers, conflicts, hashInWorker);
      expect(built.snapshotHash).toBe(snapshotHash(snapshot));
      // Drawn first, from the targets as they came, before anything asks for them as objects.
      expect(runDraw(built, rules, 'seed', 'lottery')).toEqual(runDraw(snapshot, rules, 'seed', 'lottery'));
      expect(built.targets).toEqual(snapshot.targets);
      expect(Object.isFrozen(built.targets)).toBe(true);
    }
  });

  it('R10 draws the same teams from what it worked out beforehand, with officers not qualified or not on the roll in conflicts', async () => {
    const roll = range(12).map((n) => officer(n, n % 4 === 0 ? { certificateValidUntil: '2026-05-01' } : {}));
    const declared = range(600)
      .flatMap((n) => [
        { officerId: `O${String(1 + (n % 12)).padStart(3, '0')}`, entityId: target(n).id },
        { officerId: `O${String(1 + ((n * 7) % 12)).padStart(3, '0')}`, entityId: target(n).id },
      ])
      .concat([{ officerId: 'O999', entityId: target(5).id }])
      .sort((a, b) => (a.officerId < b.officerId ? -1 : a.officerId > b.officerId ? 1 : a.entityId < b.entityId ? -1 : a.entityId > b.entityId ? 1 : 0))
      .filter((conflict, index, all) => index === 0 || conflict.officerId !== all[index - 1]!.officerId || conflict.entityId !== all[index - 1]!.entityId);
    const snapshot: DrawSnapshot = { targets: range(600).map((n) => target(n)), officers: roll, conflicts: declared };
    const many = { ...rules, targetCount: 200 };
    const built = await build(snapshot.targets, roll, declared);
    const result = runDraw(built, many, 'seed', 'lottery');
    expect(result).toEqual(runDraw(snapshot, many, 'seed', 'lottery'));
    expect(result.picks.some((pick) => pick.recusals.length > 0)).toBe(true);
  });

  it('R10 refuses, naming the target, a draw where a target cannot be staffed without a conflicted officer, as for the plain snapshot', async () => {
    const roll = range(3).map((n) => officer(n));
    const targets = range(600).map((n) => target(n));
    const declared = [{ officerId: 'O001', entityId: target(400).id }, { officerId: 'O002', entityId: target(400).id }];
    const built = await build(targets, roll, declared);
    const expected = thrown(() => runDraw({ targets, officers: roll, conflicts: declared }, rules, 'seed'));
    expect(expected.message).toContain(target(400).id);
    expect(thrown(() => runDraw(built, rules, 'seed')).message).toBe(expected.message);
  });

  it('R20 holds for ids and credit codes with any mix of characters, and large counts', async () => {
    // Units chosen to hit every path: plain ASCII, JSON escapes, 2-, 3- and 4-byte UTF-8.
    const units = [0x41, 0x7a, 0x20, 0x7e, 0x7f, 0x22, 0x5c, 0x0a, 0x01, 0xe9, 0x7ff, 0x800, 0x91d1, 0xffff];
    const random = new DrawRandom(mixSeed('builder strings'), 'targets');
    const text = (length: number) => String.fromCharCode(...range(length).map(() => units[random.nextInt(units.length)]!));
    const targets = range(500)
      .map((n) => target(n, n % 4 === 0 ? { id: `E${String(n).padStart(5, '0')}${text(3)}`, uscc: text(n % 6), inspectionsThisYear: 4_000_000_000 } : {}))
      .concat([target(900, { id: 'E00900 emoji 🚒', category: 'say "hi"\\', street: '\u0001' })])
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    for (const hashInWorker of [false, true]) {
      const built = await build(targets, officers, conflicts, hashInWorker);
      expect(built.snapshotHash).toBe(snapshotHash({ targets, officers, conflicts }));
      expect(built.targets).toEqual(targets);
    }
  });

  it('R20 takes targets lying in any order with offsets that give the id order, here or in a worker thread', async () => {
    const targets = range(300).map((n) => target(n));
    const categories = [...new Set(targets.map((t) => t.category))];
    const streets = [...new Set(targets.map((t) => t.street))];
    const records: Buffer[] = [];
    const writer = new TargetBatchWriter((batch) => records.push(Buffer.from(batch.bytes)), 32);
    for (const t of targets) {
      const [id, uscc] = [Buffer.from(t.id), Buffer.from(t.uscc)];
      const mask = t.riskFlags.reduce((sum, flag) => sum | (1 << riskFlags.indexOf(flag)), 0);
      writer.add(id, 0, id.length, uscc, 0, uscc.length, categories.indexOf(t.category), streets.indexOf(t.street), t.inspectionsThisYear, mask);
      writer.flush(); // one target per buffer, to be laid out below in reverse order
    }
    const bytes = Buffer.concat([Buffer.from('padding'), ...[...records].reverse()]);
    const offsets = new Uint32Array(targets.length);
    let at = bytes.length;
    records.forEach((record, index) => (offsets[index] = at -= record.length));
    for (const hashInWorker of [false, true]) {
      const builder = new SnapshotBuilder(officers, conflicts, { hashInWorker });
      builder.addTargets({ bytes: Uint8Array.from(bytes), count: targets.length, offsets: offsets.slice() }, categories, streets);
      const built = await builder.build();
      expect(built.targets).toEqual(targets);
      expect(built.snapshotHash).toBe(snapshotHash({ targets, officers, conflicts }));
    }
  });

  it('R20 takes targets out of order, officers out of order and repeated conflicts the slow way, to the same end', async () => {
    const targets = range(40).map((n) => target(n));
    const snapshot: DrawSnapshot = { targets, officers, conflicts };
    const built = await build([...targets].reverse(), [...officers].reverse(), [...conflicts, ...conflicts].reverse());
    expect(built.snapshotHash).toBe(snapshotHash(snapshot));
    expect(runDraw(built, rules, 'seed')).toEqual(runDraw(snapshot, rules, 'seed'));
  });

  it('R20 refuses what prepareSnapshot refuses, with the same problems', async () => {
    const cases: [DrawTarget[], DrawOfficer[]][] = [
      [range(10).map((n) => target(n % 9)), officers],
      [range(10).map((n) => target(n, n === 1 ? { id: '' } : {})), officers],
      [range(10).map((n) => target(n)), [...officers, officer(2)]],
      [range(10).map((n) => target(n)), [officer(1, { certificateValidUntil: '2026-02-30' })]],
    ];
    for (const [targets, roll] of cases) {
      const expected = thrown(() => runDraw({ targets, officers: roll, conflicts }, rules, 'seed'));
      expect((await rejection(() => build(targets, roll, conflicts, true))).message).toBe(expected.message);
    }
  });

  it('R20 an object that merely carries a snapshotHash is hashed like any snapshot', () => {
    const snapshot: DrawSnapshot = { targets: range(30).map((n) => target(n)), officers, conflicts };
    const forged = { ...snapshot, snapshotHash: 'f'.repeat(64) };
    expect(runDraw(forged, rules, 'seed').snapshotHash).toBe(snapshotHash(snapshot));
  });
});
