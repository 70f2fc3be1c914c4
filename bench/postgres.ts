// The PostgreSQL server a benchmark measures on: BENCH_DATABASE_URL's when given (a server where it may create a
// database), otherwise the same embedded PostgreSQL that `npm start` runs, started for the run in a scratch folder
// and removed afterwards. The figures name the server they came from.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from '../infra/childProcess';
import { startEmbeddedPostgres } from '../infra/embeddedPostgres';

export interface BenchDatabaseServer {
  /** A URL of the server's maintenance database, for creating and dropping the bench's own. */
  url: string;
  /** Which server, for the figures: `embedded PostgreSQL 17.10` or `BENCH_DATABASE_URL (PostgreSQL 15.19)`. */
  description: string;
  stop(): Promise<void>;
}

async function serverVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ server_version: string }>('show server_version')).rows[0]!.server_version.split(' ')[0]!;
  } finally {
    await client.end();
  }
}

export async function benchDatabaseServer(): Promise<BenchDatabaseServer> {
  const given = process.env.BENCH_DATABASE_URL;
  if (given) return { url: given, description: `BENCH_DATABASE_URL (PostgreSQL ${await serverVersion(given)})`, stop: async () => undefined };
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'ssj-bench-pg-'));
  // Durable like `npm start`'s (fsync on): the benchmark measures what a user's system pays for a commit.
  const server = await startEmbeddedPostgres({ port: await freePort(), clusterDir: scratch, password: randomBytes(18).toString('base64url') });
  return {
    url: server.url,
    description: `embedded PostgreSQL ${await serverVersion(server.url)} (as npm start runs it)`,
    async stop() {
      await server.stop();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}
