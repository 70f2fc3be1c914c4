// Directory records and case openings the tests build on, made through the API as a coordinator would.
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { call, signIn, TEST_PASSWORD, testUsers } from './system';
import { validUscc } from './entities';

let certificateCounter = 0;

export async function registerEntity(baseUrl: string, overrides: Record<string, unknown> = {}) {
  const response = await call(baseUrl, 'POST', '/entities', {
    uscc: validUscc(),
    name: '金坛区某单用途预付卡发卡企业',
    street: '西城街道',
    category: 'prepaid_card_issuer',
    ...overrides,
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { id: string; uscc: string; name: string };
}

const officerHeaders = new Map<string, Record<string, string>>();

/** An officer in the directory, with a user of their own, signed in (see asOfficer). */
export async function registerOfficer(baseUrl: string, overrides: Record<string, unknown> = {}) {
  certificateCounter += 1;
  const response = await call(baseUrl, 'POST', '/officers', {
    name: `执法员${certificateCounter}`,
    unit: '商务综合行政执法大队',
    certificateNumber: `32048200${Date.now().toString().slice(-6)}${String(certificateCounter).padStart(3, '0')}`,
    certificateValidUntil: '2030-12-31',
    specialties: ['prepaid_card'],
    ...overrides,
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  const officer = response.body as { id: string; name: string };
  const username = `officer-${officer.id.slice(0, 8)}`;
  const user = await call(
    baseUrl,
    'POST',
    '/users',
    { username, displayName: officer.name, password: TEST_PASSWORD, roles: ['officer'], officerId: officer.id },
    testUsers.leadership.headers,
  );
  expect(user.status, JSON.stringify(user.body)).toBe(201);
  officerHeaders.set(officer.id, await signIn(baseUrl, username));
  return officer;
}

export interface OpenedCase {
  id: string;
  entity: { id: string; uscc: string; name: string };
  team: string[];
}

/** An entity, a team of two officers and a complaint case about the entity. */
export async function openComplaintCase(baseUrl: string, extra: Record<string, unknown> = {}): Promise<OpenedCase> {
  const entity = await registerEntity(baseUrl);
  const team = [(await registerOfficer(baseUrl)).id, (await registerOfficer(baseUrl)).id];
  const opened = await call(
    baseUrl,
    'POST',
    '/cases',
    { entityId: entity.id, origin: 'complaint', reason: '12345 热线投诉：预付卡无法退费', team, ...extra },
    testUsers.coordinator.headers,
  );
  expect(opened.status, JSON.stringify(opened.body)).toBe(201);
  return { id: opened.body.id, entity, team };
}

/** The headers of an officer registered with registerOfficer. */
export function asOfficer(officerId: string): Record<string, string> {
  const headers = officerHeaders.get(officerId);
  if (!headers) throw new Error(`officer ${officerId} was not registered with registerOfficer`);
  return headers;
}
export const asCoordinator = () => testUsers.coordinator.headers;
export const asLeadership = () => testUsers.leadership.headers;

/** Polls until `check` passes: for what timers make happen, not for what a request answers. */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!check(value)) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value).slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    value = await read();
  }
  return value;
}

export function inspectionBody(team: string[], resultCategory: string, passed: boolean) {
  return {
    inspectionDate: new Date().toISOString().slice(0, 10),
    officersPresent: team,
    resultCategory,
    items: [
      {
        itemCode: 'SW-YFK-01',
        checkpoints: [
          { code: 'deposit', description: '预收资金存管', passed },
          { code: 'filing', description: '发卡备案', passed: true },
        ],
        findings: passed ? '未发现问题' : '未按规定存管预收资金',
        evidence: ['现场检查笔录 2026-001'],
      },
    ],
  };
}

/** What drand published for a round: 64 hex digits (the value is public; the tests cannot fetch it). */
export const beaconValue = () => randomBytes(32).toString('hex');

/** Waits until the outside randomness a draw named has been published, as whoever enters it would. */
export async function untilPublished(draw: { randomnessSource: { publishedAt: string } | null }): Promise<void> {
  const wait = draw.randomnessSource ? Date.parse(draw.randomnessSource.publishedAt) - Date.now() : 0;
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait + 50));
}

/** Commits a draw outside any plan and runs it, once its named randomness is out, as the office does (R8). */
export async function commitAndRunDraw(baseUrl: string, body: Record<string, unknown>) {
  const committed = await call(baseUrl, 'POST', '/draws', body);
  expect(committed.status, JSON.stringify(committed.body)).toBe(201);
  await untilPublished(committed.body);
  const drawn = await call(baseUrl, 'POST', `/draws/${committed.body.id}/run`, { outsideRandomness: beaconValue() });
  expect(drawn.status, JSON.stringify(drawn.body)).toBe(200);
  return { committed: committed.body, drawn: drawn.body };
}

/** The auditor enters the value a plan's draw named, once it is out (R8). */
export async function enterPlanRandomness(baseUrl: string, planId: string, drawId: string, value = beaconValue()) {
  const draw = await call(baseUrl, 'GET', `/draws/${drawId}`, undefined, testUsers.auditor.headers);
  await untilPublished(draw.body);
  const entered = await call(baseUrl, 'POST', `/plans/${planId}/outside-randomness`, { value }, testUsers.auditor.headers);
  expect(entered.status, JSON.stringify(entered.body)).toBe(200);
  return value;
}
