// `npm run user:create -- <username> <role,role> [officerId]`: creates a user on DATABASE_URL; the password is
// read from USER_PASSWORD (never from the command line, which other users of the machine can see).
import { exitOnStartupError, loadConfig } from '../config';
import { createDb } from '../db/client';
import { roles, type Role } from '../domain/inspectionCase';
import { createUser } from '../services/auth';

async function main(): Promise<void> {
  const [username, roleList, officerId] = process.argv.slice(2);
  const password = process.env.USER_PASSWORD;
  const wanted = (roleList ?? '').split(',').filter(Boolean);
  if (!username || wanted.length === 0 || wanted.some((role) => !(roles as readonly string[]).includes(role))) {
    throw new Error(`usage: USER_PASSWORD=… npm run user:create -- <username> <${roles.join('|')}[,…]> [officerId]`);
  }
  if (!password || password.length < 10) throw new Error('USER_PASSWORD must be set, at least 10 characters');
  const { DATABASE_URL } = loadConfig();
  if (!DATABASE_URL) throw new Error('DATABASE_URL is not set');
  const db = createDb(DATABASE_URL, 1);
  try {
    const user = await createUser(db, { username, displayName: username, password, roles: wanted as Role[], officerId });
    console.log(JSON.stringify(user));
  } finally {
    await db.$disconnect();
  }
}

main().catch(exitOnStartupError);
