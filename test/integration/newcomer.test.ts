// What a newcomer does on a fresh clone, through the same commands: `npm start` on the embedded defaults (its own
// Temporal and PostgreSQL under a fresh data folder), sign-ins at once, `npm run seed`, the web application's
// reads, a case opened; then Ctrl-C and `npm start` again, finding everything where it was. No answer may be 5xx.
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, portIsFree, startProcess, type ManagedProcess } from '../../infra/childProcess';
import { projectRoot } from '../../infra/paths';
import { call, signIn } from '../support/system';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ssj-newcomer-'));
// As root, PostgreSQL runs as the `postgres` user, who must be able to enter the data folder.
chmodSync(dataDir, 0o755);
let current: ManagedProcess | undefined;

afterAll(async () => {
  if (current) await interrupt(current);
  rmSync(dataDir, { recursive: true, force: true });
});

/** Only what a newcomer has: no address of any service, the ports moved aside so as not to meet a running system. */
async function newcomerEnvironment() {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(DATABASE_URL|TEMPORAL_ADDRESS|TEST_DATABASE_URL|AUTH_TOKEN_SECRET|VITEST.*|NODE_ENV)$/.test(name)),
  );
  return {
    ...env,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    API_PORT: String(await freePort()),
    TEMPORAL_DEV_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    EMBEDDED_POSTGRES_PORT: String(await freePort()),
  };
}

async function npmStart(env: Record<string, string | undefined>): Promise<ManagedProcess> {
  const started = startProcess('npm start', 'npm', ['start'], { cwd: projectRoot, env });
  const deadline = Date.now() + 150_000;
  while (!started.recentOutput().includes('Ctrl-C stops everything')) {
    if (started.exited() || Date.now() > deadline) throw new Error(`npm start did not come up:\n${started.recentOutput()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return started;
}

/** Ctrl-C in the terminal: SIGINT to the whole foreground group (npm, tsx, the start script); its last words. */
async function interrupt(started: ManagedProcess): Promise<string> {
  if (!started.exited()) {
    const exit = once(started.child, 'exit');
    process.kill(-started.child.pid!, 'SIGINT');
    await exit;
  }
  return started.recentOutput();
}

/** Every answer in this file passes through here: a 5xx fails the test wherever it happens. */
async function request(api: string, method: string, route: string, body?: unknown, headers: Record<string, string> = {}) {
  const answer = await call(api, method, route, body, headers);
  expect(answer.status, `${method} ${route} answered ${answer.status}: ${JSON.stringify(answer.body)}`).toBeLessThan(500);
  return answer;
}

async function signInTogether(api: string, sign: Array<{ username: string; password: string }>) {
  const answers = await Promise.all(sign.map(({ username, password }) => request(api, 'POST', '/auth/login', { username, password }, { authorization: '' })));
  expect(answers.map((answer) => answer.status)).toEqual(sign.map(() => 200));
  return answers.map((answer) => ({ authorization: `Bearer ${answer.body.accessToken}` }));
}

describe('R11 R18 a newcomer\'s first hour on the embedded defaults', () => {
  it('R11 R18 npm start, sign-ins at once, npm run seed, the pages\' reads, a case; Ctrl-C and start again: all there', async () => {
    const env = await newcomerEnvironment();
    const api = `http://127.0.0.1:${env.API_PORT}`;

    current = await npmStart(env);
    const adminPassword = readFileSync(path.join(dataDir, 'admin-password'), 'utf8').trim();
    expect(current.recentOutput()).toContain(`admin / ${adminPassword}`);
    // The embedded PostgreSQL has a password of its own, made on the first start and kept in the data folder.
    const databasePassword = readFileSync(path.join(dataDir, 'postgres-password'), 'utf8').trim();
    expect(databasePassword.length).toBeGreaterThanOrEqual(20);
    expect(current.recentOutput()).not.toContain(databasePassword);

    await signInTogether(api, Array.from({ length: 8 }, () => ({ username: 'admin', password: adminPassword })));

    const seeded = await promisify(execFile)('npm', ['run', 'seed'], { cwd: projectRoot, env, timeout: 120_000 });
    expect(seeded.stdout).toContain('"entitiesAdded":3000');

    const seededUsers = ['leader', 'office', 'auditor', 'officer1', 'officer2', 'officer3', 'officer4', 'officer5'];
    const [leader, office, , officer1] = await signInTogether(api, seededUsers.map((username) => ({ username, password: 'jintan-demo-2026' })));

    // What the pages read when they open, all at once, as the browser does.
    const me = await request(api, 'GET', '/me', undefined, officer1!);
    const reads: Array<[string, Record<string, string>]> = [
      ['/me', leader!],
      [`/cases?officerId=${me.body.officerId}&pageSize=200`, officer1!],
      ['/me/notifications?limit=30', officer1!],
      ['/cases?page=1&pageSize=50', office!],
      ['/dashboard', leader!],
      ['/plans', office!],
      ['/draws?pageSize=200', office!],
      ['/entities?page=1&pageSize=50', office!],
      ['/officers?pageSize=500', office!],
      ['/inspection-items', office!],
      ['/public/results?page=1&pageSize=20', { authorization: '' }],
    ];
    const answers = await Promise.all(reads.map(([route, headers]) => request(api, 'GET', route, undefined, headers)));
    expect(answers.map((answer) => answer.status)).toEqual(reads.map(() => 200));
    const plans = answers[5]!.body;
    expect(plans.items).toHaveLength(1);
    const entityList = answers[7]!.body;
    expect(entityList.total).toBe(3_000);

    const entity = entityList.items.find((candidate: { legalStatus: string }) => candidate.legalStatus === 'operating');
    const team = answers[8]!.body.items
      .filter((officer: { certificateValidUntil: string }) => new Date(officer.certificateValidUntil) > new Date(Date.now() + 86_400_000))
      .slice(0, 2)
      .map((officer: { id: string }) => officer.id);
    const opened = await request(api, 'POST', '/cases', { entityId: entity.id, origin: 'complaint', reason: '12345 热线投诉：预付卡无法退款', team }, office!);
    expect(opened.status).toBe(201);

    // Every part stopped in order, the stores last.
    expect(await interrupt(current)).toContain('[start] stopped: api, worker, postgres, temporal');
    current = undefined;
    expect(readFileSync(path.join(dataDir, 'postgres.log'), 'utf8').trim().split('\n').at(-1)).toMatch(/database system is shut down$/);
    for (const port of [env.API_PORT, env.TEMPORAL_DEV_PORT, env.TEMPORAL_UI_PORT, env.EMBEDDED_POSTGRES_PORT]) {
      expect(await portIsFree(Number(port)), `port ${port} released`).toBe(true);
    }

    current = await npmStart(env);
    expect(current.recentOutput()).not.toContain('First sign-in');
    // The users are still there, with their passwords.
    const [leaderAgain] = await signInTogether(api, [
      { username: 'leader', password: 'jintan-demo-2026' },
      { username: 'officer1', password: 'jintan-demo-2026' },
      { username: 'admin', password: adminPassword },
    ]);
    const after = await request(api, 'GET', `/cases/${opened.body.id}?live=true`, undefined, leaderAgain!);
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ status: 'awaiting_inspection', workflow: { status: 'RUNNING', state: { status: 'awaiting_inspection' } } });
    // The workflow is alive, not just remembered: the restarted worker carries it on.
    const cancelled = await request(api, 'POST', `/cases/${opened.body.id}/cancel`, { reason: '重启后撤销' }, leaderAgain!);
    expect(cancelled.body.status).toBe('cancelled');
  });
});
