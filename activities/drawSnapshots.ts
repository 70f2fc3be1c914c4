// A draw's frozen pool in the database (R20), stored once: its canonical JSON in compressed parts (DrawSnapshot,
// DrawSnapshotPart), written with the draw's commitment and read only when the draw runs, is verified or its record
// is downloaded. Draws committed before 2026-12-06 hold theirs as jsonb in the Draw row; every reader here takes
// both forms.
import type { Prisma } from '@prisma/client';
import { poolOf, type Db, type DbTransaction } from '../db/client';
import { type DrawConflict, type DrawOfficer, type DrawSnapshot, type DrawTarget } from '../domain/draw';
import { decompressPart, type CanonicalParts } from '../domain/draw/canonicalParts.mjs';
import { snapshotFromParts } from '../domain/draw/storedSnapshot';

export const STORED_SNAPSHOT_FORMAT = 'canonical-json/brotli-parts';

/** Parts written or read per statement: a few MB at a time. */
const PARTS_PER_STATEMENT = 16;

type Tx = DbTransaction | Db;

/** Stores the snapshot of a draw being committed, in the caller's transaction. */
export async function storeSnapshot(
  tx: Tx,
  drawId: string,
  canonical: CanonicalParts,
  counts: { targets: number; officers: number; conflicts: number },
): Promise<void> {
  await tx.drawSnapshot.create({
    data: { drawId, format: STORED_SNAPSHOT_FORMAT, headParts: canonical.headParts, ...counts, bytes: BigInt(canonical.rawBytes) },
  });
  for (let from = 0; from < canonical.parts.length; from += PARTS_PER_STATEMENT) {
    await tx.drawSnapshotPart.createMany({
      data: canonical.parts.slice(from, from + PARTS_PER_STATEMENT).map((bytes, index) => ({ drawId, part: from + index, bytes: bytes as Uint8Array<ArrayBuffer> })),
    });
  }
}

/**
 * The stored parts from `from` on, compressed, in order, a few at a time; a part missing on the way (or before
 * `parts`, when the count is known) fails the reading. Through pg itself, whose bytea arrive as Buffers: Prisma's
 * adapter hands bytes over as an array of numbers, eight bytes and more for each byte stored.
 */
async function* partsOf(db: Db, drawId: string, from = 0, parts?: number): AsyncGenerator<Buffer> {
  const missing = (part: number) => new Error(`draw ${drawId}: part ${part} of the stored snapshot is missing`);
  let expected = from;
  for (;;) {
    const { rows } = await poolOf(db).query<{ part: number; bytes: Buffer }>(
      `select part, bytes from "DrawSnapshotPart" where "drawId" = $1::uuid and part >= $2 and part < $3 order by part`,
      [drawId, expected, expected + PARTS_PER_STATEMENT],
    );
    for (const row of rows) {
      if (row.part !== expected) throw missing(expected);
      expected += 1;
      yield row.bytes;
    }
    if (rows.length < PARTS_PER_STATEMENT) break;
  }
  if (parts !== undefined && expected < parts) throw missing(expected);
}

/**
 * The draw's snapshot: built afresh from the stored parts (its hash recomputed from them: `snapshotHash` of
 * domain/draw gives it without hashing again), or the jsonb of a draw committed before 2026-12-06.
 */
export async function loadSnapshot(db: Db, drawId: string): Promise<DrawSnapshot> {
  const stored = await db.drawSnapshot.findUnique({ where: { drawId }, select: { format: true, headParts: true, targets: true } });
  if (stored === null) {
    const draw = await db.draw.findUniqueOrThrow({ where: { id: drawId }, select: { snapshot: true } });
    if (draw.snapshot === null) throw new Error(`draw ${drawId} has no snapshot`);
    return draw.snapshot as unknown as DrawSnapshot;
  }
  if (stored.format !== STORED_SNAPSHOT_FORMAT) throw new Error(`draw ${drawId}: snapshot stored as ${stored.format}, which this version cannot read`);
  return snapshotFromParts({ headParts: stored.headParts, targets: stored.targets, parts: partsOf(db, drawId) }, { hashInWorker: true });
}

/** How a draw's snapshot is stored in parts, for a reader that writes its bytes out as they come (storedBytes). */
export interface StoredLayout {
  /** Parts of the officers and conflicts, up to and including the targets' opening bracket; the targets start at this part. */
  headParts: number;
  /** Parts in all. */
  parts: number;
  /** The canonical JSON's length, uncompressed. */
  rawBytes: number;
}

/**
 * The layout of the draw's stored snapshot, or undefined for a draw committed before 2026-12-06 (its snapshot is
 * jsonb in the row). Throws for a form this version cannot read, or parts that are not all there: before a
 * download has written a byte, so that it is refused whole rather than cut short.
 */
export async function storedLayout(db: Db, drawId: string): Promise<StoredLayout | undefined> {
  const stored = await db.drawSnapshot.findUnique({ where: { drawId }, select: { format: true, headParts: true, bytes: true } });
  if (stored === null) return undefined;
  if (stored.format !== STORED_SNAPSHOT_FORMAT) throw new Error(`draw ${drawId}: snapshot stored as ${stored.format}, which this version cannot read`);
  const { rows } = await poolOf(db).query<{ parts: number; last: number | null }>(
    `select count(*)::int as parts, max(part) as last from "DrawSnapshotPart" where "drawId" = $1::uuid`,
    [drawId],
  );
  const { parts, last } = rows[0]!;
  if (parts === 0 || last !== parts - 1 || stored.headParts >= parts) throw new Error(`draw ${drawId}: the stored snapshot's parts are not all there`);
  return { headParts: stored.headParts, parts, rawBytes: Number(stored.bytes) };
}

/**
 * The stored canonical JSON from part `from` to the end, decompressed one part at a time (about a megabyte each):
 * what a record download writes out as it goes (R20), so that the snapshot is never whole in memory. Stopping
 * the iteration stops the reading. Throws when a part is missing.
 */
export async function* storedBytes(db: Db, drawId: string, layout: StoredLayout, from = 0): AsyncGenerator<Buffer> {
  for await (const part of partsOf(db, drawId, from, layout.parts)) yield decompressPart(part);
}

/** The snapshot as plain records, to publish in a record (R20). */
export function plainSnapshot(snapshot: DrawSnapshot): { targets: DrawTarget[]; officers: DrawOfficer[]; conflicts: DrawConflict[] } {
  return { targets: snapshot.targets, officers: snapshot.officers, conflicts: snapshot.conflicts };
}
