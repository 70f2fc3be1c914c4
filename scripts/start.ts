// `npm start`: the whole system on one machine. Embedded Temporal and PostgreSQL unless TEMPORAL_ADDRESS /
// DATABASE_URL name real ones; then migrations, the worker and the API. Ctrl-C stops everything cleanly, and
// the next start finds every case, timer and row where it was (both stores persist under DATA_DIR).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exitOnStartupError, loadConfig } from '../config';
import { createDb } from '../db/client';
import { createUser } from '../services/auth';
import { auditSignerFrom, defaultAuditPaths } from '../services/auditCheckpoints';
import { portIsFree, waitUntilReady, type ManagedProcess } from '../infra/childProcess';
import { embeddedLayout, embeddedPassword, startEmbeddedPostgres } from '../infra/embeddedPostgres';
import { migrateDatabase, redactUrl } from '../infra/migrate';
import { projectRoot } from '../infra/paths';
import { roleHeapLimitMb, startRole, type RoleName } from '../infra/roles';
import { connectClient, waitForWorker } from '../infra/temporalConnection';
import { startTemporalDevServer } from '../infra/temporalDevServer';

const running: ManagedProcess[] = [];
let stopping = false;

async function stopAll(exitCode: number): Promise<void> {
  // npm, tsx and a terminal may each deliver the same Ctrl-C: stop once.
  if (stopping) return;
  stopping = true;
  // Reverse order: the API and worker finish their work before the stores they use go away.
  for (const child of running.reverse()) await child.stop();
  console.log(`[start] stopped: ${running.map((child) => child.name).join(', ')}`);
  process.exit(exitCode);
}

async function requireFreePort(port: number, variable: string, alternative: string): Promise<void> {
  if (!(await portIsFree(port))) {
    throw new Error(`Port ${port} is in use (another \`npm start\`?): stop it, set ${variable} to a free port, or set ${alternative}`);
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const dataDir = path.resolve(projectRoot, config.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const say = (message: string) => console.log(`[start] ${message}`);

  let temporalAddress = config.TEMPORAL_ADDRESS;
  let temporalUi: string | undefined;
  if (!temporalAddress) {
    await requireFreePort(config.TEMPORAL_DEV_PORT, 'TEMPORAL_DEV_PORT', 'TEMPORAL_ADDRESS');
    await requireFreePort(config.TEMPORAL_UI_PORT, 'TEMPORAL_UI_PORT', 'TEMPORAL_ADDRESS');
    say('starting the Temporal dev server…');
    const temporal = await startTemporalDevServer({
      port: config.TEMPORAL_DEV_PORT,
      uiPort: config.TEMPORAL_UI_PORT,
      dbFile: path.join(dataDir, 'temporal.sqlite'),
      namespace: config.TEMPORAL_NAMESPACE,
      logFile: path.join(dataDir, 'temporal.log'),
    });
    running.push(temporal.process);
    temporalAddress = temporal.address;
    temporalUi = temporal.uiUrl;
  }

  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    await requireFreePort(config.EMBEDDED_POSTGRES_PORT, 'EMBEDDED_POSTGRES_PORT', 'DATABASE_URL');
    const layout = embeddedLayout(dataDir);
    if (existsSync(layout.pgliteDir) && !existsSync(layout.clusterDir)) {
      throw new Error(
        `${layout.pgliteDir} holds the PGlite database of an earlier version, which this one does not run: ` +
          `delete ${dataDir} to start from nothing (its cases and workflows go with it), or set DATA_DIR to a new folder`,
      );
    }
    say('starting the embedded PostgreSQL…');
    const postgres = await startEmbeddedPostgres({
      port: config.EMBEDDED_POSTGRES_PORT,
      clusterDir: layout.clusterDir,
      password: embeddedPassword(dataDir, { create: true }),
      logFile: layout.logFile,
    });
    running.push(postgres.process);
    databaseUrl = postgres.url;
  }

  say(`applying migrations to ${redactUrl(databaseUrl)}…`);
  await migrateDatabase(databaseUrl);
  const firstSignIn = await ensureFirstUser(databaseUrl, dataDir);

  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    AUTH_TOKEN_SECRET: config.AUTH_TOKEN_SECRET ?? developmentSecret(dataDir, 'auth-token-secret'),
    DRAW_SEED_KEY: config.DRAW_SEED_KEY ?? developmentSecret(dataDir, 'draw-seed-key'),
    // The API checks the audit checkpoints with the public key alone; the worker reads the signing key itself.
    AUDIT_PUBLIC_KEY: config.AUDIT_PUBLIC_KEY ?? auditSigningKey(config, dataDir),
  };
  // The audit signing key is the worker's alone, even when the operator's environment names it.
  const apiEnv: NodeJS.ProcessEnv = { ...env };
  delete apiEnv.AUDIT_SIGNING_KEY;
  delete apiEnv.AUDIT_SIGNING_KEY_FILE;
  const role = (name: RoleName) => {
    const child = startRole(name, { env: name === 'api' ? apiEnv : env, echo: true, heapLimitMb: roleHeapLimitMb(name, config) });
    child.child.once('exit', (code, signal) => {
      if (stopping) return;
      console.error(`[start] the ${name} stopped unexpectedly (${signal ?? `exit code ${code}`}); stopping everything`);
      void stopAll(1);
    });
    running.push(child);
    return child;
  };
  const worker = role('worker');
  const api = role('api');

  const apiUrl = `http://${config.API_HOST === '0.0.0.0' ? '127.0.0.1' : config.API_HOST}:${config.API_PORT}`;
  await waitUntilReady(api, async () => {
    const response = await fetch(`${apiUrl}/health`);
    if (!response.ok) throw new Error(`health answered ${response.status}`);
  }, { what: 'the API' });
  const temporalClient = await connectClient({ ...config, TEMPORAL_ADDRESS: temporalAddress });
  await waitForWorker(temporalClient, config.TEMPORAL_NAMESPACE, config.TEMPORAL_TASK_QUEUE, worker);
  await temporalClient.connection.close();

  console.log(
    [
      '',
      '  双随机一公开 案件管理系统已启动 / The inspection case system is running',
      `  API            ${apiUrl}`,
      `  API docs       ${apiUrl}/docs`,
      `  Temporal       ${temporalAddress}${temporalUi ? `   Web UI ${temporalUi}` : ''}`,
      `  PostgreSQL     ${redactUrl(databaseUrl)}`,
      `  Data           ${config.DATABASE_URL && config.TEMPORAL_ADDRESS ? '(external services)' : dataDir}`,
      ...(firstSignIn ? [`  First sign-in  admin / ${firstSignIn}   (saved in ${path.join(dataDir, 'admin-password')}; change it)`] : []),
      '  Ctrl-C stops everything; the next `npm start` carries on where this one stopped.',
      '',
    ].join('\n'),
  );
}

/** A secret for development (token signing, seed sealing), made once and kept (git-ignored) in the data folder. */
function developmentSecret(dataDir: string, name: string): string {
  const file = path.join(dataDir, name);
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/**
 * The audit chain's checkpoint key (R20), made once like the token secret: an Ed25519 key in the data folder,
 * outside the database. Answers the public key, which the API is given instead of the private one.
 */
function auditSigningKey(config: ReturnType<typeof loadConfig>, dataDir: string): string {
  const { signingKeyFile } = defaultAuditPaths(dataDir);
  if (!config.AUDIT_SIGNING_KEY && !config.AUDIT_SIGNING_KEY_FILE && !existsSync(signingKeyFile)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(signingKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  }
  const signer = auditSignerFrom(config, dataDir);
  if (!signer) throw new Error(`AUDIT_SIGNING_KEY_FILE names no file: ${config.AUDIT_SIGNING_KEY_FILE}`);
  return signer.publicKeyPem;
}

/** A system with no users yet gets an `admin` (leadership, coordinator, auditor) with a random password. */
async function ensureFirstUser(databaseUrl: string, dataDir: string): Promise<string | undefined> {
  const db = createDb(databaseUrl, 1);
  try {
    if ((await db.user.count()) > 0) return undefined;
    const password = randomBytes(12).toString('base64url');
    await createUser(db, { username: 'admin', displayName: '系统管理员', password, roles: ['leadership', 'coordinator', 'auditor'], mustChangePassword: true });
    writeFileSync(path.join(dataDir, 'admin-password'), `${password}\n`, { mode: 0o600 });
    return password;
  } finally {
    await db.$disconnect();
  }
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stopAll(0));
main().catch(async (error) => {
  stopping = true;
  for (const child of running.reverse()) await child.stop();
  exitOnStartupError(error);
});
