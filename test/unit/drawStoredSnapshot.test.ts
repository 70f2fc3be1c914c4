import { describe, expect, it } from 'vitest';
import {
  canonicalSnapshotJson,
  riskFlags,
  runDraw,
  snapshotHash,
  SnapshotBuilder,
  TargetBatchWriter,
  type DrawConflict,
  type DrawOfficer,
  type DrawRules,
  type DrawSnapshot,
  type DrawTarget,
} from '../../domain/draw';
import { createPartWriter, decompressPart, PART_BYTES, type CanonicalParts } from '../../domain/draw/canonicalParts.mjs';
import { snapshotFromParts } from '../../domain/draw/storedSnapshot';

const range = (count: number, from = 1) => Array.from({ length: count }, (_, index) => from + index);

function target(number: number, fields: Partial<DrawTarget> = {}): DrawTarget {
  return {
    id: `E${String(number).padStart(6, '0')}`,
    uscc: `9132048200000${String(number).padStart(5, '0')}`,
    category: number % 3 === 0 ? '餐饮' : `retail ${number % 4}`,
    street: number % 2 === 0 ? '金城镇' : '儒林镇',
    riskFlags: number % 5 === 0 ? ['complaints', 'dishonest'] : number % 7 === 0 ? ['violation_record'] : [],
    inspectionsThisYear: number % 3,
    ...fields,
  };
}

const officers: DrawOfficer[] = range(12).map((n) => ({
  id: `O${String(n).padStart(3, '0')}`,
  specialties: n % 2 ? ['商贸', '成品油'] : [],
  certificateValidUntil: '2027-12-31',
  participationsThisYear: n % 3,
}));
const conflicts: DrawConflict[] = [
  { officerId: 'O001', entityId: 'E000003' },
  { officerId: 'O002', entityId: 'E000003' },
];
const rules: DrawRules = { targetCount: 10, teamSize: 2, inspectionDate: '2026-12-10', riskWeights: { complaints: 3 }, coverageFirst: true };

/** What a commitment stores: the snapshot built from batches, with its canonical JSON kept in compressed parts. */
async function committed(snapshot: DrawSnapshot, hashInWorker: boolean): Promise<{ hash: string; canonical: CanonicalParts }> {
  const builder = new SnapshotBuilder(snapshot.officers, snapshot.conflicts, { hashInWorker, keepCanonical: true });
  const categories: string[] = [];
  const streets: string[] = [];
  const indexOf = (list: string[], value: string) => (list.includes(value) ? list.indexOf(value) : list.push(value) - 1);
  const writer = new TargetBatchWriter((batch) => builder.addTargets(batch, categories, streets), 4096);
  for (const { id, uscc, category, street, inspectionsThisYear, riskFlags: flags } of snapshot.targets) {
    const [idBytes, usccBytes] = [Buffer.from(id, 'utf8'), Buffer.from(uscc, 'utf8')];
    const mask = flags.reduce((sum, flag) => sum | (1 << riskFlags.indexOf(flag)), 0);
    writer.add(idBytes, 0, idBytes.length, usccBytes, 0, usccBytes.length, indexOf(categories, category), indexOf(streets, street), inspectionsThisYear, mask);
  }
  writer.flush();
  const built = await builder.build();
  return { hash: built.snapshotHash, canonical: builder.canonicalParts() };
}

async function* each(parts: readonly Uint8Array[]) {
  yield* parts;
}

const text = (canonical: CanonicalParts) => Buffer.concat(canonical.parts.map((part) => decompressPart(part))).toString('utf8');

describe('R20 a draw\'s pool is stored once, as its canonical JSON compressed in parts, and read back whole', () => {
  const large: DrawSnapshot = { targets: range(30_000).map((n) => target(n)), officers, conflicts };
  // Ids and credit codes that need escaping or are not ASCII send the builder the slow way; a category with a quote too.
  const awkward: DrawSnapshot = {
    targets: [target(1, { id: 'E"1' }), target(2, { uscc: '统一代码\u0001' }), target(3, { category: '零售 "批发"' }), ...range(20, 4).map((n) => target(n))],
    officers,
    conflicts: [{ officerId: 'O001', entityId: 'E"1' }],
  };

  for (const [name, snapshot] of [['30,000 plain targets', large], ['ids, credit codes and categories that need escaping', awkward]] as const) {
    for (const hashInWorker of [false, true]) {
      it(`R20 ${name}: the stored bytes are the canonical JSON, and read back to the same hash and draw (hashed ${hashInWorker ? 'in a worker thread' : 'here'})`, async () => {
        const { hash, canonical } = await committed(snapshot, hashInWorker);
        expect(hash).toBe(snapshotHash(snapshot));
        expect(text(canonical)).toBe(canonicalSnapshotJson(snapshot));
        expect(canonical.rawBytes).toBe(Buffer.byteLength(canonicalSnapshotJson(snapshot)));
        // The targets start in a part of their own: a public download skips the officers and conflicts.
        expect(Buffer.from(decompressPart(canonical.parts[canonical.headParts]!)).toString('utf8', 0, 12)).toBe('{"category":');

        const read = await snapshotFromParts({ headParts: canonical.headParts, parts: each(canonical.parts) }, { hashInWorker });
        expect(read.snapshotHash).toBe(hash);
        expect(runDraw(read, rules, 'seed-1', '5e5e')).toEqual(runDraw(snapshot, rules, 'seed-1', '5e5e'));
      });
    }
  }

  it('R20 a large pool is stored in parts of a mebibyte, each far smaller compressed', async () => {
    const { canonical } = await committed({ ...large, targets: range(40_000).map((n) => target(n)) }, false);
    expect(canonical.rawBytes).toBeGreaterThan(3 * PART_BYTES);
    const targetParts = canonical.parts.slice(canonical.headParts).map((part) => decompressPart(part).length);
    expect(targetParts.slice(0, -1)).toEqual(targetParts.slice(0, -1).map(() => PART_BYTES));
    expect(canonical.parts.reduce((sum, part) => sum + part.length, 0)).toBeLessThan(canonical.rawBytes / 4);
  });

  it('R20 an empty pool of targets round-trips too', async () => {
    const snapshot: DrawSnapshot = { targets: [], officers, conflicts: [] };
    const { canonical } = await committed(snapshot, false);
    const read = await snapshotFromParts({ headParts: canonical.headParts, parts: each(canonical.parts) });
    expect(read.snapshotHash).toBe(snapshotHash(snapshot));
  });

  it('R20 a stored pool changed after the commitment reads back to another hash, or not at all', async () => {
    const snapshot: DrawSnapshot = { targets: range(50).map((n) => target(n)), officers, conflicts };
    const { hash } = await committed(snapshot, false);
    const changed = text((await committed(snapshot, false)).canonical).replace('"inspectionsThisYear":2', '"inspectionsThisYear":0');
    const writer = createPartWriter();
    const [head, targets] = [changed.slice(0, changed.indexOf('"targets":[') + 11), changed.slice(changed.indexOf('"targets":[') + 11)];
    writer.write(Buffer.from(head));
    writer.endHead();
    writer.write(Buffer.from(targets));
    const rewritten = await writer.finish();
    expect((await snapshotFromParts({ headParts: rewritten.headParts, parts: each(rewritten.parts) })).snapshotHash).not.toBe(hash);

    const broken = createPartWriter();
    broken.write(Buffer.from(head));
    broken.endHead();
    broken.write(Buffer.from(targets.replace('"street":', '"street" :')));
    const unreadable = await broken.finish();
    await expect(snapshotFromParts({ headParts: unreadable.headParts, parts: each(unreadable.parts) })).rejects.toThrow(/cannot be read/);
  });
});
