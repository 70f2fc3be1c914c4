// A database of its own for each test file, migrated with the committed migrations: a fresh database on the
// PostgreSQL server of TEST_DATABASE_URL when set, otherwise an in-memory embedded PostgreSQL.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { freePort } from '../../infra/childProcess';
import { startEmbeddedPostgres } from '../../infra/embeddedPostgres';
import { migrateDatabase } from '../../infra/migrate';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const name = `t_${label.replace(/\W/g, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
    await adminQuery(serverUrl, `create database "${name}"`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    await migrateDatabase(url.toString());
    return {
      url: url.toString(),
      drop: () => adminQuery(serverUrl, `drop database if exists "${name}" with (force)`),
    };
  }
  const embedded = await startEmbeddedPostgres({ port: await freePort() });
  await migrateDatabase(embedded.url);
  return { url: embedded.url, drop: () => embedded.stop() };
}
