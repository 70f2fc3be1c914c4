// A draw's record downloads at any size (R20): both records are written from the stored parts as they are read,
// never built whole in the API, and are the very JSON the in-memory records were; the public one never reads or
// holds the officers and conflicts.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedLayout } from '../../activities/drawSnapshots';
import { snapshotHash } from '../../domain/draw';
import { projectRoot } from '../../infra/paths';
import { drawRecord, publicDrawRecord } from '../../services/draws';
import { validUscc } from '../support/entities';
import { beaconValue, eventually, registerOfficer, untilPublished } from '../support/fixtures';
import { anonymous, call, startTestSystem, testUsers, type TestSystem } from '../support/system';

let system: TestSystem;
const asAuditor = () => testUsers.auditor.headers;
const street = '儒林镇';
/** Enough targets for their canonical JSON (some 170 bytes each) to fill more than one part of a megabyte. */
const TARGETS = 9_000;
const officers: string[] = [];
let conflicted = '';

const request = (name: string) => ({
  name,
  scope: { categories: ['used_car_market'], streets: [street] },
  rules: { targetCount: 5, teamSize: 2, inspectionDate: new Date().toISOString().slice(0, 10) },
});

beforeAll(async () => {
  system = await startTestSystem('draw-records');
  const ids = Array.from({ length: TARGETS }, () => randomUUID());
  await system.db.entity.createMany({
    data: ids.map((id, index) => ({ id, uscc: validUscc(), name: `儒林镇某二手车商行${index + 1}号`, street, category: 'used_car_market' })),
  });
  for (let index = 0; index < 4; index += 1) officers.push((await registerOfficer(system.baseUrl)).id);
  conflicted = ids[0]!;
  expect((await call(system.baseUrl, 'POST', '/conflicts', { officerId: officers[0], entityId: conflicted, relation: 'relative' })).status).toBe(201);
});

afterAll(async () => {
  await system?.stop();
});

const verifyCommand = (args: string[]) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/draw-verify.ts', ...args], {
    cwd: projectRoot,
    env: Object.fromEntries(Object.entries({ ...process.env, DATABASE_URL: undefined }).filter(([, setting]) => setting !== undefined)),
    maxBuffer: 64 << 20,
  })
    .then(({ stdout }) => ({ code: 0, verdict: JSON.parse(stdout) }))
    .catch((failure: { code: number; stdout: string }) => ({ code: failure.code, verdict: JSON.parse(failure.stdout) }));

describe('R20 a draw\'s records download at any size, streamed from the stored parts', () => {
  it('R20 the auditors\' and the public record stream part by part, equal the in-memory records, re-run with draw:verify, and the public one names no officer\'s conflict', async () => {
    const committed = await call(system.baseUrl, 'POST', '/draws', request('坛商抽查〔2026〕31号'));
    expect(committed.status, JSON.stringify(committed.body)).toBe(201);
    const id = committed.body.id as string;
    // Not run yet: both records are refused whole, as problems, before any byte of a record.
    for (const [path, headers] of [[`/draws/${id}/record`, asAuditor()], [`/public/draws/${id}/record`, anonymous]] as const) {
      const early = await call(system.baseUrl, 'GET', path, undefined, headers);
      expect(early.status).toBe(409);
      expect(early.contentType).toMatch(/^application\/problem\+json/);
    }
    await untilPublished(committed.body);
    const run = await call(system.baseUrl, 'POST', `/draws/${id}/run`, { outsideRandomness: beaconValue() });
    expect(run.status, JSON.stringify(run.body)).toBe(200);
    await eventually(
      () => call(system.baseUrl, 'GET', `/draws/${id}`, undefined, asAuditor()).then((answer) => answer.body),
      (body) => body.status === 'drawn',
      120_000,
    );
    // The pool spans parts: its head (officers, conflicts), then the targets over more than one part.
    const layout = (await storedLayout(system.db, id))!;
    expect(layout.parts - layout.headParts).toBeGreaterThan(1);

    const full = await call(system.baseUrl, 'GET', `/draws/${id}/record`, undefined, asAuditor());
    expect(full.status).toBe(200);
    expect(full.contentType).toBe('application/json; charset=utf-8');
    expect(full.headers.get('content-disposition')).toBe(`attachment; filename="draw-${id}.json"`);
    // Written as it was read: no length known in advance.
    expect(full.headers.get('content-length')).toBeNull();
    const inMemory = await drawRecord(system.db, id);
    expect(full.body).toEqual(JSON.parse(JSON.stringify(inMemory)));
    expect(Object.keys(full.body)).toEqual(Object.keys(inMemory));
    expect(full.body.snapshot.targets).toHaveLength(TARGETS);
    expect(full.body.snapshot.conflicts).toEqual([{ entityId: conflicted, officerId: officers[0] }]);
    expect(snapshotHash(full.body.snapshot)).toBe(committed.body.snapshotHash);

    const response = await fetch(`${system.baseUrl}/public/draws/${id}/record`);
    const text = await response.text();
    const publicRecord = (await call(system.baseUrl, 'GET', `/public/draws/${id}/record`, undefined, anonymous)).body;
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="draw-${id}-public.json"`);
    const publicInMemory = await publicDrawRecord(system.db, id);
    expect(publicRecord).toEqual(JSON.parse(JSON.stringify(publicInMemory)));
    expect(JSON.parse(text)).toEqual(publicRecord);
    expect(publicRecord.targets).toEqual(full.body.snapshot.targets);
    // Nothing of the officers' roll or their declared conflicts is in it, nor who was kept off a team.
    for (const word of ['"snapshot"', '"officers"', '"conflicts"', '"officerId"', '"recusals"', '"perOfficer"', '"certificateValidUntil"', '"caseIds"']) {
      expect(text).not.toContain(word);
    }

    const folder = mkdtempSync(path.join(os.tmpdir(), 'ssj-draw-records-'));
    try {
      const file = path.join(folder, 'full.json');
      writeFileSync(file, JSON.stringify(full.body));
      expect(await verifyCommand(['--record', file])).toMatchObject({ code: 0, verdict: { drawId: id, valid: true, checked: 'full record' } });
      expect(await verifyCommand(['--record', `${system.baseUrl}/public/draws/${id}/record`])).toMatchObject({ code: 0, verdict: { drawId: id, valid: true } });
      // A target taken out of the public record after the fact does not pass.
      const shortened = { ...publicRecord, targets: publicRecord.targets.filter((target: { id: string }) => target.id !== publicRecord.result.picks[0].entityId) };
      writeFileSync(path.join(folder, 'shortened.json'), JSON.stringify(shortened));
      expect((await verifyCommand(['--record', path.join(folder, 'shortened.json')])).code).toBe(1);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('R20 no such draw: both records answer 404 as a problem', async () => {
    const unknown = randomUUID();
    expect(await call(system.baseUrl, 'GET', `/draws/${unknown}/record`, undefined, asAuditor())).toMatchObject({ status: 404, contentType: expect.stringMatching(/^application\/problem\+json/) });
    expect(await call(system.baseUrl, 'GET', `/public/draws/${unknown}/record`, undefined, anonymous)).toMatchObject({ status: 404 });
  });

  it('R20 a stored pool that lost a part is never sent as a short record that parses', async () => {
    const draw = await system.db.draw.findFirstOrThrow({ where: { name: '坛商抽查〔2026〕31号' } });
    const layout = (await storedLayout(system.db, draw.id))!;
    const key = (part: number) => ({ drawId_part: { drawId: draw.id, part } });
    const read = (path: string) =>
      fetch(`${system.baseUrl}${path}`, { headers: asAuditor() })
        .then(async (answer) => ({ status: answer.status, contentType: answer.headers.get('content-type') ?? '', text: await answer.text() }))
        .catch((error: Error) => ({ error }));
    // A part missing in the middle is seen before the first byte: a problem answer, not a record.
    const middle = await system.db.drawSnapshotPart.findUniqueOrThrow({ where: key(layout.headParts) });
    await system.db.drawSnapshotPart.delete({ where: key(layout.headParts) });
    try {
      for (const path of [`/draws/${draw.id}/record`, `/public/draws/${draw.id}/record`]) {
        expect(await read(path)).toMatchObject({ status: 500, contentType: expect.stringMatching(/^application\/problem\+json/) });
      }
    } finally {
      await system.db.drawSnapshotPart.create({ data: middle });
    }
    // The last part missing shows only at the end: the download is cut, so the client sees it broken.
    const last = await system.db.drawSnapshotPart.findUniqueOrThrow({ where: key(layout.parts - 1) });
    await system.db.drawSnapshotPart.delete({ where: key(layout.parts - 1) });
    try {
      for (const path of [`/draws/${draw.id}/record`, `/public/draws/${draw.id}/record`]) {
        const cut = await read(path);
        expect('error' in cut || !isJson(cut.text), path).toBe(true);
      }
    } finally {
      await system.db.drawSnapshotPart.create({ data: last });
    }
    expect((await call(system.baseUrl, 'GET', `/public/draws/${draw.id}/record`, undefined, anonymous)).status).toBe(200);
  });
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
