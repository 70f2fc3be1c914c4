// `npm start` as a newcomer runs it: embedded Temporal and PostgreSQL under a data folder. Stopping it with
// Ctrl-C and starting it again loses nothing: the open case is still open and its workflow still runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, portIsFree, startProcess, type ManagedProcess } from '../../infra/childProcess';
import { projectRoot } from '../../infra/paths';
import { call } from '../support/system';
import { validUscc } from '../support/entities';
import { readFileSync } from 'node:fs';
import { signIn } from '../support/system';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ssj-start-'));
let current: ManagedProcess | undefined;

afterAll(async () => {
  await current?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function ports() {
  return {
    API_PORT: String(await freePort()),
    TEMPORAL_DEV_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    EMBEDDED_POSTGRES_PORT: String(await freePort()),
  };
}

async function startSystem(portSettings: Record<string, string>): Promise<ManagedProcess> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !['DATABASE_URL', 'TEMPORAL_ADDRESS'].includes(name)),
  );
  const started = startProcess('start', process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: projectRoot,
    env: { ...env, ...portSettings, DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
  });
  const deadline = Date.now() + 150_000;
  while (!started.recentOutput().includes('Ctrl-C stops everything')) {
    if (started.exited() || Date.now() > deadline) throw new Error(`npm start did not come up:\n${started.recentOutput()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return started;
}

async function interrupt(started: ManagedProcess): Promise<number | null> {
  const exit = once(started.child, 'exit');
  started.child.kill('SIGINT');
  const [code] = await exit;
  return code as number | null;
}

describe('R11 the system keeps open cases across a restart', () => {
  it('R11 Ctrl-C stops every part cleanly; the next start finds the case open and its workflow running', async () => {
    const settings = await ports();
    const api = `http://127.0.0.1:${settings.API_PORT}`;

    current = await startSystem(settings);
    // The first start creates an administrator and says its password.
    const password = readFileSync(path.join(dataDir, 'admin-password'), 'utf8').trim();
    expect(current.recentOutput()).toContain(`admin / ${password}`);
    const admin = await signIn(api, 'admin', password);
    const entity = await call(api, 'POST', '/entities', { uscc: validUscc(), name: '金坛某成品油零售企业' }, admin);
    expect(entity.status).toBe(201);
    const officer = async (certificateNumber: string) =>
      (await call(api, 'POST', '/officers', { name: '执法员', certificateNumber, certificateValidUntil: '2030-12-31' }, admin)).body.id as string;
    const team = [await officer('RESTART-1'), await officer('RESTART-2')];
    const opened = await call(api, 'POST', '/cases', { entityId: entity.body.id, origin: 'complaint', reason: '群众举报缺斤少两', team }, admin);
    expect(opened.status).toBe(201);

    expect(await interrupt(current)).toBe(0);
    current = undefined;
    for (const port of Object.values(settings)) expect(await portIsFree(Number(port)), `port ${port} released`).toBe(true);

    current = await startSystem(settings);
    // Sessions and the signing secret outlive the restart too.
    expect(current.recentOutput()).not.toContain('First sign-in');
    const after = await call(api, 'GET', `/cases/${opened.body.id}?live=true`, undefined, admin);
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({
      status: 'awaiting_inspection',
      workflow: { status: 'RUNNING', state: { status: 'awaiting_inspection' } },
      timeline: [expect.objectContaining({ kind: 'opened' }), expect.objectContaining({ kind: 'inspection_notice_sent' })],
    });

    // The workflow is alive, not just remembered: the restarted worker carries it on.
    const cancelled = await call(api, 'POST', `/cases/${opened.body.id}/cancel`, { reason: '测试重启后撤销' }, admin);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
  });
});
