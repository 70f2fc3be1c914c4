// `npm run credit:resend`: sends the results kept while no credit platform was configured (R17), and any a
// previous run could not deliver. Exit 1 if some are still undelivered; run it again once the platform answers.
import { resendUnsentPushes } from '../activities/credit';
import { systemClock } from '../activities/clock';
import { exitOnStartupError, loadConfig } from '../config';
import { createDb } from '../db/client';

async function main(): Promise<void> {
  const { DATABASE_URL, CREDIT_PLATFORM_URL, CREDIT_PLATFORM_SECRET } = loadConfig();
  if (!DATABASE_URL) throw new Error('DATABASE_URL is not set: name the database holding the pushes');
  if (!CREDIT_PLATFORM_URL || !CREDIT_PLATFORM_SECRET) {
    throw new Error('CREDIT_PLATFORM_URL and CREDIT_PLATFORM_SECRET must both be set: they say where to send and how to sign');
  }
  const db = createDb(DATABASE_URL, 1);
  try {
    const outcome = await resendUnsentPushes({ db, clock: systemClock, fetch, platform: { url: CREDIT_PLATFORM_URL, secret: CREDIT_PLATFORM_SECRET } });
    console.log(JSON.stringify(outcome, null, 2));
    if (outcome.failed.length > 0) process.exitCode = 1;
  } finally {
    await db.$disconnect();
  }
}

main().catch(exitOnStartupError);
