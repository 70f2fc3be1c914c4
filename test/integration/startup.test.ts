// A wrong setting or an unreachable service stops a process with one clear line, not a stack trace.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { freePort } from '../../infra/childProcess';
import { projectRoot } from '../../infra/paths';
import { createTestDatabase, type TestDatabase } from '../support/database';

const run = promisify(execFile);

async function start(entry: string, env: Record<string, string>) {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !['DATABASE_URL', 'TEMPORAL_ADDRESS', 'API_PORT', 'AUTH_TOKEN_SECRET', 'DRAW_SEED_KEY'].includes(name)),
  );
  try {
    await run(process.execPath, ['--import', 'tsx', entry], { cwd: projectRoot, env: { ...base, ...env }, timeout: 60_000 });
    return { code: 0, stderr: '' };
  } catch (error) {
    const failure = error as { code: number; stderr: string };
    return { code: failure.code, stderr: failure.stderr.trim() };
  }
}

let database: TestDatabase;
const SEED_KEY = 'ab'.repeat(32);
beforeAll(async () => {
  database = await createTestDatabase('startup');
});
afterAll(async () => {
  await database?.drop();
});

describe('R19 start-up errors name what is wrong in one line, so the system is brought up or fixed at once', () => {
  it('a bad environment value names the variable and the reason', async () => {
    const result = await start('api/server.ts', { API_PORT: 'eighty', DATABASE_URL: 'postgresql://u@h:5432/d', TEMPORAL_ADDRESS: 'h:7233' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('Configuration error: API_PORT="eighty": must be a port number');
  });

  it('the API will not start without a token-signing secret, or with a short one', async () => {
    const connected = { DATABASE_URL: database.url, TEMPORAL_ADDRESS: inject('temporalAddress'), DRAW_SEED_KEY: SEED_KEY };
    expect((await start('api/server.ts', connected)).stderr).toMatch(/^Configuration error: AUTH_TOKEN_SECRET not set/);
    expect((await start('api/server.ts', { ...connected, AUTH_TOKEN_SECRET: 'short' })).stderr).toBe(
      'Configuration error: AUTH_TOKEN_SECRET: must be at least 32 characters',
    );
  });

  it('an unreachable database is named, with the driver\'s reason', async () => {
    const port = await freePort();
    const result = await start('worker.ts', { DATABASE_URL: `postgresql://postgres@127.0.0.1:${port}/cases`, TEMPORAL_ADDRESS: inject('temporalAddress'), DRAW_SEED_KEY: SEED_KEY });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`Cannot reach PostgreSQL at 127.0.0.1:${port}/cases: Can't reach database server at 127.0.0.1:${port}`);
  });

  it.each(['worker.ts', 'api/server.ts'])('%s: an unreachable Temporal server is named', async (entry) => {
    const port = await freePort();
    const result = await start(entry, { DATABASE_URL: database.url, TEMPORAL_ADDRESS: `127.0.0.1:${port}`, AUTH_TOKEN_SECRET: 's'.repeat(40), DRAW_SEED_KEY: SEED_KEY });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^Cannot reach Temporal at 127\\.0\\.0\\.1:${port}: [^\\n]+$`));
  });
});
