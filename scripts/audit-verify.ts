// `npm run audit:verify`: walks the audit log's hash chain (R20) and holds it against every signed checkpoint;
// prints every break, not only the first, and the entries poisoned at writing apart; exit 1 on any break.
// The public key is AUDIT_PUBLIC_KEY, or derived from the signing key (AUDIT_SIGNING_KEY, AUDIT_SIGNING_KEY_FILE
// or the one `npm start` keeps under DATA_DIR); the checkpoints come from AUDIT_CHECKPOINT_FILE and the database.
import path from 'node:path';
import { exitOnStartupError, loadConfig } from '../config';
import { createDb } from '../db/client';
import { projectRoot } from '../infra/paths';
import { verifyAudit } from '../services/audit';
import { auditVerifyingKeyFrom, checkpointFileOf } from '../services/auditCheckpoints';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.DATABASE_URL) throw new Error('DATABASE_URL is not set: name the database whose audit log to verify');
  const dataDir = path.resolve(projectRoot, config.DATA_DIR);
  const verifyingKey = auditVerifyingKeyFrom(config, dataDir);
  const db = createDb(config.DATABASE_URL, 1);
  try {
    const verdict = await verifyAudit(db, { verifyingKey, checkpointFile: checkpointFileOf(config, dataDir) });
    console.log(JSON.stringify(verdict));
    if (!verifyingKey) console.error('未配置审计公钥，未核对签名检查点 / no audit public key: the signed checkpoints were not checked');
    for (const entry of verdict.poisoned) console.error(`第 ${entry.seq} 条：${entry.detail}`);
    for (const problem of verdict.breaks) console.error(`第 ${problem.seq} 条 / entry ${problem.seq}: ${problem.problem}: ${problem.detail}`);
    if (!verdict.valid) {
      console.error(`审计日志有 ${verdict.breaks.length} 处断裂 / the audit chain has ${verdict.breaks.length} break(s)`);
      process.exitCode = 1;
    }
  } finally {
    await db.$disconnect();
  }
}

main().catch(exitOnStartupError);
