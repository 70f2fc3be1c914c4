// R18 as an attacker tries it: secrets at rest, stolen refresh tokens, locking a leader out, cached tokens, odd
// tokens, and the accounts leadership manages.
import { createHash, createHmac } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, listenApi } from '../../api/app';
import { loadConfig } from '../../config';
import { createUser } from '../../services/auth';
import { validUscc } from '../support/entities';
import { anonymous, call, signIn, startTestSystem, TEST_PASSWORD, testUsers, type TestSystem } from '../support/system';

let system: TestSystem;

beforeAll(async () => {
  system = await startTestSystem('security');
});

afterAll(async () => {
  await system?.stop();
});

const login = (username: string, password = TEST_PASSWORD, headers: Record<string, string> = {}) =>
  call(system.baseUrl, 'POST', '/auth/login', { username, password }, { ...anonymous, ...headers });

/** Every text of every table, as a database reader sees it. */
async function everyStoredText(): Promise<string> {
  const tables = await system.db.$queryRawUnsafe<Array<{ name: string }>>(`select tablename::text as name from pg_tables where schemaname = 'public'`);
  const dumps: string[] = [];
  for (const { name } of tables) {
    const rows = await system.db.$queryRawUnsafe<Array<{ row: string }>>(`select row_to_json(t)::text as row from "${name}" t`);
    dumps.push(...rows.map((row) => `${name} ${row.row}`));
  }
  return dumps.join('\n');
}

describe('R18 no secrets at rest', () => {
  it('R18 a sign-in or refresh retried with the same Idempotency-Key signs in again; no token, password or unsalted request hash is stored', async () => {
    const first = await login(testUsers.auditor.username, TEST_PASSWORD, { 'idempotency-key': 'retry-sign-in' });
    const second = await login(testUsers.auditor.username, TEST_PASSWORD, { 'idempotency-key': 'retry-sign-in' });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
    expect(second.body.accessToken).not.toBe(first.body.accessToken);
    const refreshed = await call(system.baseUrl, 'POST', '/auth/refresh', { refreshToken: second.body.refreshToken }, { ...anonymous, 'idempotency-key': 'retry-refresh' });
    expect(refreshed.status).toBe(200);

    const password = 'a brand new password 1';
    const created = await call(system.baseUrl, 'POST', '/users', { username: 'secret-keeper', displayName: '保密员', password, roles: ['auditor'] }, {
      ...testUsers.leadership.headers,
      'idempotency-key': 'create-user-once',
    });
    expect(created.status).toBe(201);
    const apiKey = await call(system.baseUrl, 'POST', '/api-keys', { name: 'nightly-export', roles: ['auditor'] }, { ...testUsers.leadership.headers, 'idempotency-key': 'k1' });
    // An ordinary write is still kept for its replay, under a keyed hash.
    const entityBody = { uscc: validUscc(), name: '幂等企业' };
    await call(system.baseUrl, 'POST', '/entities', entityBody, { 'idempotency-key': 'entity-once' });

    const stored = await everyStoredText();
    for (const secret of [first.body.accessToken, first.body.refreshToken, second.body.refreshToken, refreshed.body.accessToken, refreshed.body.refreshToken, password, TEST_PASSWORD, apiKey.body.key]) {
      expect(stored).not.toContain(secret);
    }
    const records = await system.db.idempotencyRecord.findMany();
    expect(records.map((record) => record.path).sort()).toEqual(['/entities']);
    const unsalted = createHash('sha256').update(`POST /entities\n${JSON.stringify(entityBody)}`).digest('hex');
    expect(records[0]!.requestHash).not.toBe(unsalted);
    expect(records[0]!.requestHash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('R18 sessions that notice theft', () => {
  it('R18 reusing a rotated refresh token revokes the whole session family, and the audit log says so', async () => {
    const stolen = await login(testUsers.auditor.username);
    const elsewhere = await signIn(system.baseUrl, testUsers.auditor.username);
    const rotated = await call(system.baseUrl, 'POST', '/auth/refresh', { refreshToken: stolen.body.refreshToken }, anonymous);
    expect(rotated.status).toBe(200);
    const rotatedHeaders = { authorization: `Bearer ${rotated.body.accessToken}` };
    expect((await call(system.baseUrl, 'GET', '/me', undefined, rotatedHeaders)).status).toBe(200);

    // The old token comes back (the thief's copy, or the user's): every session of that sign-in ends.
    expect((await call(system.baseUrl, 'POST', '/auth/refresh', { refreshToken: stolen.body.refreshToken }, anonymous)).status).toBe(401);
    expect((await call(system.baseUrl, 'GET', '/me', undefined, rotatedHeaders)).status).toBe(401);
    expect((await call(system.baseUrl, 'POST', '/auth/refresh', { refreshToken: rotated.body.refreshToken }, anonymous)).status).toBe(401);
    // Another sign-in of the same user is not that family.
    expect((await call(system.baseUrl, 'GET', '/me', undefined, elsewhere)).status).toBe(200);
    const audit = await call(system.baseUrl, 'GET', `/audit?target=${testUsers.auditor.id}`, undefined, testUsers.auditor.headers);
    expect(audit.body.items).toContainEqual(expect.objectContaining({ action: 'SESSION FAMILY REVOKED', data: expect.objectContaining({ revoked: 1 }) }));
  });

  it('R18 a stranger cannot lock a leader out: failures count per user and address, with a growing delay, in every API process', async () => {
    // Two API processes behind a proxy on this machine, sharing the database.
    const servers = [0, 1].map(() => listenApi(createApp({ ...system.dependencies, trustProxy: ['loopback'] }), 0, '127.0.0.1'));
    await Promise.all(servers.map((server) => once(server, 'listening')));
    const [one, two] = servers.map((server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const attempt = (base: string, address: string, password: string) =>
      call(base!, 'POST', '/auth/login', { username: testUsers.leadership.username, password }, { ...anonymous, 'x-forwarded-for': address });
    try {
      const stranger = '203.0.113.9';
      for (let failure = 1; failure <= 5; failure += 1) expect((await attempt(failure % 2 ? one! : two!, stranger, 'guess')).status).toBe(401);
      const held = await attempt(two!, stranger, 'guess');
      expect(held.status).toBe(429);
      expect(held.body.type).toMatch(/rate-limited$/);
      expect(Number(held.headers.get('retry-after'))).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect((await attempt(one!, stranger, 'guess')).status).toBe(401);
      expect(Number((await attempt(two!, stranger, 'guess')).headers.get('retry-after'))).toBe(2);

      // Meanwhile the leader, from their own address, signs in at once.
      expect((await attempt(one!, '198.51.100.7', TEST_PASSWORD)).status).toBe(200);
      expect((await attempt(two!, '198.51.100.7', TEST_PASSWORD)).status).toBe(200);
    } finally {
      for (const server of servers) server.close();
    }
  });

  it('R18 X-Forwarded-For is ignored unless TRUST_PROXY names the proxy; TRUST_PROXY=true is refused', async () => {
    const stranger = { ...anonymous, 'x-forwarded-for': '198.51.100.99' };
    for (let failure = 0; failure < 5; failure += 1) await call(system.baseUrl, 'POST', '/auth/login', { username: 'nobody-here', password: 'x' }, stranger);
    // Without a trusted proxy the header changes nothing: the same address is still held.
    const held = await call(system.baseUrl, 'POST', '/auth/login', { username: 'nobody-here', password: 'x' }, { ...anonymous, 'x-forwarded-for': '192.0.2.1' });
    expect(held.status).toBe(429);

    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).TRUST_PROXY).toEqual(['loopback', '10.0.0.0/8']);
    expect(loadConfig({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(loadConfig({}).TRUST_PROXY).toBe(false);
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrowError(/TRUST_PROXY="true": must be false, a number of proxy hops/);
    expect(() => loadConfig({ TRUST_PROXY: 'proxy.example' })).toThrowError(/TRUST_PROXY/);
  });

  it('R18 token and signed-in answers carry Cache-Control: no-store; the public site may be cached', async () => {
    const signedIn = await login(testUsers.auditor.username);
    expect(signedIn.headers.get('cache-control')).toBe('no-store');
    expect((await call(system.baseUrl, 'POST', '/auth/login', { username: 'x', password: 'y' }, anonymous)).headers.get('cache-control')).toBe('no-store');
    for (const path of ['/me', '/cases', '/audit', '/entities']) {
      expect((await call(system.baseUrl, 'GET', path, undefined, testUsers.auditor.headers)).headers.get('cache-control'), path).toBe('no-store');
    }
    expect((await call(system.baseUrl, 'GET', '/me', undefined, { authorization: 'Bearer nonsense' })).headers.get('cache-control')).toBe('no-store');
    expect((await call(system.baseUrl, 'GET', '/public/results', undefined, anonymous)).headers.get('cache-control')).not.toBe('no-store');
  });

  it('R18 a correctly signed token without exp, with a non-JSON payload, or with alg none is refused with 401', async () => {
    const secret = system.dependencies.auth.tokenSecret;
    const b64 = (value: string) => Buffer.from(value).toString('base64url');
    const signed = (header: object, payload: string) => {
      const head = `${b64(JSON.stringify(header))}.${b64(payload)}`;
      return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
    };
    const session = (await system.db.session.findFirst({ where: { userId: testUsers.leadership.id, revokedAt: null } }))!;
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: testUsers.leadership.id, sid: session.id, roles: ['leadership'], oid: null, iat: now };
    const tokens = {
      withoutExp: signed({ alg: 'HS256', typ: 'JWT' }, JSON.stringify(claims)),
      notJson: signed({ alg: 'HS256', typ: 'JWT' }, 'this is not JSON'),
      rolesNotAList: signed({ alg: 'HS256', typ: 'JWT' }, JSON.stringify({ ...claims, exp: now + 600, roles: 'leadership' })),
      algNone: `${b64(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${b64(JSON.stringify({ ...claims, exp: now + 600 }))}.`,
    };
    for (const [name, token] of Object.entries(tokens)) {
      const answer = await call(system.baseUrl, 'GET', '/me', undefined, { authorization: `Bearer ${token}` });
      expect(answer.status, name).toBe(401);
      expect(answer.body.type, name).toMatch(/unauthenticated$/);
    }
    // The same claims with an expiry are accepted: it is the missing exp that was refused.
    expect((await call(system.baseUrl, 'GET', '/me', undefined, { authorization: `Bearer ${signed({ alg: 'HS256', typ: 'JWT' }, JSON.stringify({ ...claims, exp: now + 600 }))}` })).status).toBe(200);
  });
});

describe('R18 accounts', () => {
  it('R18 a user asked to change the password given to them (the first admin) changes it; the old one stops working, other sessions end', async () => {
    await createUser(system.db, { username: 'first-admin', displayName: '系统管理员', password: 'printed at start 1', roles: ['leadership', 'auditor'], mustChangePassword: true });
    const session = await signIn(system.baseUrl, 'first-admin', 'printed at start 1');
    const other = await signIn(system.baseUrl, 'first-admin', 'printed at start 1');
    expect((await call(system.baseUrl, 'GET', '/me', undefined, session)).body).toMatchObject({ displayName: '系统管理员', mustChangePassword: true });

    const wrong = await call(system.baseUrl, 'POST', '/me/password', { currentPassword: 'not it', newPassword: 'my own secret 42' }, session);
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors).toEqual([expect.objectContaining({ field: 'body.currentPassword' })]);
    const short = await call(system.baseUrl, 'POST', '/me/password', { currentPassword: 'printed at start 1', newPassword: 'short' }, session);
    expect(short.status).toBe(422);
    expect(short.body.errors).toEqual([expect.objectContaining({ field: 'body.newPassword' })]);

    expect((await call(system.baseUrl, 'POST', '/me/password', { currentPassword: 'printed at start 1', newPassword: 'my own secret 42' }, session)).status).toBe(204);
    expect((await call(system.baseUrl, 'GET', '/me', undefined, session)).body).toMatchObject({ mustChangePassword: false });
    expect((await call(system.baseUrl, 'GET', '/me', undefined, other)).status).toBe(401);
    expect((await login('first-admin', 'printed at start 1')).status).toBe(401);
    expect((await login('first-admin', 'my own secret 42')).status).toBe(200);
  });

  it('R18 leadership lists users, disables one (their sessions end at once), re-enables them, and resets a password', async () => {
    const created = await call(system.baseUrl, 'POST', '/users', { username: 'clerk-li', displayName: '李文员', password: 'clerk password 1', roles: ['coordinator'] }, testUsers.leadership.headers);
    const clerk = await signIn(system.baseUrl, 'clerk-li', 'clerk password 1');
    const listed = await call(system.baseUrl, 'GET', '/users?q=clerk', undefined, testUsers.leadership.headers);
    expect(listed.body).toMatchObject({ total: 1, items: [{ id: created.body.id, username: 'clerk-li', displayName: '李文员', roles: ['coordinator'], active: true, mustChangePassword: false }] });
    expect((await call(system.baseUrl, 'GET', '/users', undefined, testUsers.coordinator.headers)).status).toBe(403);
    expect((await call(system.baseUrl, 'POST', `/users/${created.body.id}/disable`, {}, testUsers.coordinator.headers)).status).toBe(403);

    const disabled = await call(system.baseUrl, 'POST', `/users/${created.body.id}/disable`, { reason: '调离 / transferred' }, testUsers.leadership.headers);
    expect(disabled.body).toMatchObject({ active: false });
    expect((await call(system.baseUrl, 'GET', '/me', undefined, clerk)).status).toBe(401);
    expect((await login('clerk-li', 'clerk password 1')).status).toBe(401);
    expect((await call(system.baseUrl, 'GET', '/users?active=false', undefined, testUsers.leadership.headers)).body.items.map((user: { username: string }) => user.username)).toContain('clerk-li');

    expect((await call(system.baseUrl, 'POST', `/users/${created.body.id}/enable`, {}, testUsers.leadership.headers)).body).toMatchObject({ active: true });
    expect((await login('clerk-li', 'clerk password 1')).status).toBe(200);

    const reset = await call(system.baseUrl, 'POST', `/users/${created.body.id}/password-reset`, {}, testUsers.leadership.headers);
    expect(reset.body).toMatchObject({ user: { mustChangePassword: true }, temporaryPassword: expect.any(String) });
    expect((await login('clerk-li', 'clerk password 1')).status).toBe(401);
    const withTemporary = await signIn(system.baseUrl, 'clerk-li', reset.body.temporaryPassword);
    expect((await call(system.baseUrl, 'GET', '/me', undefined, withTemporary)).body.mustChangePassword).toBe(true);
    expect(await everyStoredText()).not.toContain(reset.body.temporaryPassword);

    // Nobody disables themselves, nor the last leader; a refusal changes nothing.
    const self = await call(system.baseUrl, 'POST', `/users/${testUsers.leadership.id}/disable`, {}, testUsers.leadership.headers);
    expect(self.status).toBe(409);
    expect((await system.db.user.findUnique({ where: { id: testUsers.leadership.id } }))!.active).toBe(true);
    const audit = await call(system.baseUrl, 'GET', `/audit?target=${created.body.id}`, undefined, testUsers.auditor.headers);
    expect(audit.body.items.map((entry: { action: string }) => entry.action)).toEqual(
      expect.arrayContaining(['POST /users/:id/disable', 'POST /users/:id/enable', 'POST /users/:id/password-reset']),
    );
  });
});
