// `npm run migrate`: applies pending migrations to DATABASE_URL.
import { exitOnStartupError, loadConfig } from '../config';
import { migrateDatabase, redactUrl } from '../infra/migrate';

async function main(): Promise<void> {
  const { DATABASE_URL } = loadConfig();
  if (!DATABASE_URL) throw new Error('DATABASE_URL is not set: name the database to migrate (npm start migrates its embedded one itself)');
  const output = await migrateDatabase(DATABASE_URL);
  console.log(output.trim().split('\n').at(-1));
  console.log(`migrated ${redactUrl(DATABASE_URL)}`);
}

main().catch(exitOnStartupError);
