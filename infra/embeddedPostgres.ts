// PostgreSQL without installing PostgreSQL: PGlite (Postgres compiled to WebAssembly) served on the wire
// protocol, so Prisma, migrations and psql talk to it exactly as to a real server.
import path from 'node:path';
import pg from 'pg';
import { projectRoot } from './paths';
import { startProcess, waitUntilReady, type ManagedProcess } from './childProcess';

export interface EmbeddedPostgresOptions {
  port: number;
  /** Directory holding the data; in memory without one. */
  dataDir?: string;
  maxConnections?: number;
  logFile?: string;
}

export interface EmbeddedPostgres {
  url: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const url = `postgresql://postgres@127.0.0.1:${options.port}/postgres`;
  const server = startProcess(
    'postgres',
    path.join(projectRoot, 'node_modules', '.bin', 'pglite-server'),
    [
      `--db=${options.dataDir ?? 'memory://'}`,
      '--host=127.0.0.1',
      `--port=${options.port}`,
      `--max-connections=${options.maxConnections ?? 20}`,
    ],
    { logFile: options.logFile },
  );
  await waitUntilReady(
    server,
    async () => {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
      await client.connect();
      try {
        await client.query('select 1');
      } finally {
        await client.end();
      }
    },
    { what: `embedded PostgreSQL on port ${options.port}` },
  );
  return { url, process: server, stop: () => server.stop() };
}
