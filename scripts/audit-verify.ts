// `npm run audit:verify`: walks the audit log's hash chain (R20) and says whether it holds; exit 1 if not.
import { exitOnStartupError, loadConfig } from '../config';
import { createDb } from '../db/client';
import { verifyAudit } from '../services/audit';

async function main(): Promise<void> {
  const { DATABASE_URL } = loadConfig();
  if (!DATABASE_URL) throw new Error('DATABASE_URL is not set: name the database whose audit log to verify');
  const db = createDb(DATABASE_URL, 1);
  try {
    const verdict = await verifyAudit(db);
    console.log(JSON.stringify(verdict));
    if (!verdict.valid) {
      console.error(`审计日志在第 ${verdict.brokenAt} 条处断裂 / the audit chain breaks at entry ${verdict.brokenAt} (${verdict.problem})`);
      process.exitCode = 1;
    }
  } finally {
    await db.$disconnect();
  }
}

main().catch(exitOnStartupError);
