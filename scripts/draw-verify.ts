// `npm run draw:verify -- <drawId>`: recomputes a draw from its stored record (R20); exit 1 if it differs.
import { exitOnStartupError, loadConfig } from '../config';
import { createDb } from '../db/client';
import { verifyStoredDraw } from '../services/draws';

async function main(): Promise<void> {
  const drawId = process.argv[2];
  if (!drawId) throw new Error('usage: npm run draw:verify -- <drawId>');
  const { DATABASE_URL } = loadConfig();
  if (!DATABASE_URL) throw new Error('DATABASE_URL is not set: name the database holding the draw');
  const db = createDb(DATABASE_URL, 1);
  try {
    const verdict = await verifyStoredDraw(db, drawId);
    console.log(JSON.stringify(verdict, null, 2));
    if (!verdict.valid) process.exitCode = 1;
  } finally {
    await db.$disconnect();
  }
}

main().catch(exitOnStartupError);
