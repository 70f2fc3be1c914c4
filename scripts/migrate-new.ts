// `npm run migrate:new -- <name>`: writes the next migration, the SQL that takes the committed migrations to
// prisma/schema.prisma. Prisma replays the existing migrations in a throw-away shadow database, which it
// creates on the PostgreSQL server of DATABASE_URL (a real server: the local one is fine).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exitOnStartupError, loadConfig } from '../config';
import { projectRoot } from '../infra/paths';

function main(): void {
  const name = process.argv[2];
  if (!name || !/^[a-z0-9_]+$/.test(name)) throw new Error('usage: npm run migrate:new -- <snake_case_name>');
  const { DATABASE_URL } = loadConfig();
  if (!DATABASE_URL) throw new Error('DATABASE_URL is not set: point it at a PostgreSQL server where a shadow database may be created');
  const sql = execFileSync(
    path.join(projectRoot, 'node_modules', '.bin', 'prisma'),
    ['migrate', 'diff', '--from-migrations', 'prisma/migrations', '--to-schema-datamodel', 'prisma/schema.prisma', '--script'],
    {
      cwd: projectRoot,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: `--require ${path.join(projectRoot, 'infra', 'prisma-cli-preload.cjs')}` },
    },
  );
  if (/^-- This is an empty migration\./m.test(sql) || !sql.trim()) {
    console.log('prisma/schema.prisma matches the migrations: nothing to write');
    return;
  }
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const directory = path.join(projectRoot, 'prisma', 'migrations', `${stamp}_${name}`);
  mkdirSync(directory, { recursive: true });
  writeFileSync(path.join(directory, 'migration.sql'), sql);
  console.log(`wrote ${path.relative(projectRoot, directory)}/migration.sql — review it, then \`npm run migrate\``);
}

try {
  main();
} catch (error) {
  exitOnStartupError(error);
}
