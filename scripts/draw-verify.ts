// `npm run draw:verify -- <drawId>`: recomputes a draw from its stored record on DATABASE_URL and compares the cases
// actually opened with its picks (R20).
// `npm run draw:verify -- --record <file or URL>`: the same check, by anyone, from a downloaded record alone, without
// the database: the auditors' record (GET /draws/:id/record) re-runs everything, teams included; the public's
// (GET /public/draws/:id/record) re-runs the seed and which entities were drawn.
// Exit 1 when anything differs.
import { readFileSync } from 'node:fs';
import { exitOnStartupError, loadConfig } from '../config';
import { createDb } from '../db/client';
import { verifyDraw, verifyPublicDraw, type DrawRecord, type PublicDrawRecord } from '../domain/draw';
import { verifyStoredDraw } from '../services/draws';

async function readRecord(where: string): Promise<unknown> {
  if (/^https?:\/\//.test(where)) {
    const response = await fetch(where);
    if (!response.ok) throw new Error(`${where} answered ${response.status}`);
    return response.json();
  }
  return JSON.parse(readFileSync(where, 'utf8'));
}

async function fromRecord(where: string) {
  const record = (await readRecord(where)) as (DrawRecord & { drawId?: string }) | (PublicDrawRecord & { drawId?: string });
  if ('snapshot' in record) return { drawId: record.drawId ?? null, checked: 'full record', ...verifyDraw({ ...record, outsideRandomness: record.outsideRandomness ?? undefined }) };
  return { drawId: record.drawId ?? null, checked: 'public record: seed and entities drawn', ...verifyPublicDraw(record) };
}

async function fromDatabase(drawId: string) {
  const { DATABASE_URL } = loadConfig();
  if (!DATABASE_URL) throw new Error('DATABASE_URL is not set: name the database holding the draw, or give --record <file or URL>');
  const db = createDb(DATABASE_URL, 1);
  try {
    return await verifyStoredDraw(db, drawId);
  } finally {
    await db.$disconnect();
  }
}

async function main(): Promise<void> {
  const [first, second] = process.argv.slice(2);
  if (!first || (first === '--record' && !second)) throw new Error('usage: npm run draw:verify -- <drawId> | --record <file or URL>');
  const verdict = first === '--record' ? await fromRecord(second!) : await fromDatabase(first);
  console.log(JSON.stringify(verdict, null, 2));
  if (!verdict.valid) process.exitCode = 1;
}

main().catch(exitOnStartupError);
