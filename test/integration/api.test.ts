// The API as the only door (R18–R20): who gets in where, tokens, idempotent retries, the shape of every
// error, a description that validates, and an audit log that detects tampering.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes, createApp, listenApi } from '../../api/app';
import type { Access } from '../../api/http';
import { signAccessToken } from '../../services/auth';
import { registerOfficer } from '../support/fixtures';
import { validUscc } from '../support/entities';
import { contractViolation } from '../support/contract';
import { anonymous, call, startTestSystem, testUsers, type TestSystem } from '../support/system';

let system: TestSystem;
let officerHeaders: Record<string, string>;

beforeAll(async () => {
  system = await startTestSystem('api');
  const officer = await registerOfficer(system.baseUrl);
  const { asOfficer } = await import('../support/fixtures');
  officerHeaders = asOfficer(officer.id);
});

afterAll(async () => {
  await system?.stop();
});

const SOME_ID = '00000000-0000-4000-8000-000000000000';

describe('R18 every endpoint × every role', () => {
  const callers = () => ({
    anonymous,
    officer: officerHeaders,
    coordinator: testUsers.coordinator.headers,
    leadership: testUsers.leadership.headers,
    auditor: testUsers.auditor.headers,
  });

  function expected(access: Access, caller: string): 'allowed' | 401 | 403 {
    if (access === 'public') return 'allowed';
    if (caller === 'anonymous') return 401;
    if (access === 'authenticated') return 'allowed';
    return (access as string[]).includes(caller) ? 'allowed' : 403;
  }

  it('R18 each role is let in exactly as far as the table says, and never meets a 5xx', async () => {
    const routes = apiRoutes(system.dependencies).filter((route) => route.path !== '/auth/logout');
    const table: string[] = [];
    for (const route of routes) {
      const path = route.path.replace(/:id/g, SOME_ID);
      for (const [caller, headers] of Object.entries(callers())) {
        const answer = await call(system.baseUrl, route.method.toUpperCase(), path, route.method === 'get' || route.method === 'delete' ? undefined : {}, headers);
        const want = expected(route.access, caller);
        table.push(`${route.method.toUpperCase()} ${route.path} as ${caller}: ${answer.status}`);
        expect(answer.status, `${route.method} ${route.path} as ${caller}`).toBeLessThan(500);
        if (want === 'allowed') expect([401, 403], `${route.method} ${route.path} as ${caller}: ${answer.status}`).not.toContain(answer.status);
        else expect(answer.status, `${route.method} ${route.path} as ${caller}`).toBe(want);
      }
    }
    expect(table.length).toBeGreaterThan(100);
  });

  it('R18 an officer reads only the cases of their own team', async () => {
    const listed = await call(system.baseUrl, 'GET', '/cases', undefined, officerHeaders);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([]);
  });
});

describe('R18 tokens, sessions and API keys', () => {
  it('R18 an expired access token is refused with 401 and says so', async () => {
    const past = Math.floor(Date.now() / 1000) - 3600;
    const token = await signAccessToken(system.dependencies.auth.tokenSecret, {
      sub: testUsers.coordinator.id, sid: SOME_ID, roles: ['coordinator'], oid: null, iat: past - 900, exp: past,
    });
    const answer = await call(system.baseUrl, 'GET', '/me', undefined, { authorization: `Bearer ${token}` });
    expect(answer.status).toBe(401);
    expect(answer.body.detail).toContain('expired');
  });

  it('R18 a token signed with another secret is refused', async () => {
    const now = Math.floor(Date.now() / 1000);
    const forged = await signAccessToken('x'.repeat(64), { sub: testUsers.leadership.id, sid: SOME_ID, roles: ['leadership'], oid: null, iat: now, exp: now + 600 });
    expect((await call(system.baseUrl, 'GET', '/me', undefined, { authorization: `Bearer ${forged}` })).status).toBe(401);
  });

  it('R18 signing out revokes the session: its access and refresh tokens stop working', async () => {
    const login = await call(system.baseUrl, 'POST', '/auth/login', { username: testUsers.auditor.username, password: 'correct horse battery staple' }, anonymous);
    expect(login.status).toBe(200);
    const headers = { authorization: `Bearer ${login.body.accessToken}` };
    expect((await call(system.baseUrl, 'GET', '/me', undefined, headers)).body).toMatchObject({ id: testUsers.auditor.id, roles: ['auditor'] });

    const refreshed = await call(system.baseUrl, 'POST', '/auth/refresh', { refreshToken: login.body.refreshToken }, anonymous);
    expect(refreshed.status).toBe(200);

    const newHeaders = { authorization: `Bearer ${refreshed.body.accessToken}` };
    expect((await call(system.baseUrl, 'POST', '/auth/logout', undefined, newHeaders)).status).toBe(204);
    expect((await call(system.baseUrl, 'GET', '/me', undefined, newHeaders)).status).toBe(401);
    expect((await call(system.baseUrl, 'POST', '/auth/refresh', { refreshToken: refreshed.body.refreshToken }, anonymous)).status).toBe(401);
    // Rotation: the used refresh token is spent (its reuse while the session lived: test/integration/security.test.ts).
    expect((await call(system.baseUrl, 'POST', '/auth/refresh', { refreshToken: login.body.refreshToken }, anonymous)).status).toBe(401);
  });

  it('R18 a service account\'s API key works until it is revoked', async () => {
    const created = await call(system.baseUrl, 'POST', '/api-keys', { name: 'credit-sync', roles: ['auditor'] }, testUsers.leadership.headers);
    expect(created.status).toBe(201);
    const service = { authorization: '', 'x-api-key': created.body.key as string };
    expect((await call(system.baseUrl, 'GET', '/audit/verify', undefined, service)).status).toBe(200);
    expect((await call(system.baseUrl, 'POST', '/entities', { uscc: validUscc(), name: '甲' }, service)).status).toBe(403);
    expect((await call(system.baseUrl, 'DELETE', `/api-keys/${created.body.id}`, undefined, testUsers.leadership.headers)).status).toBe(204);
    expect((await call(system.baseUrl, 'GET', '/audit/verify', undefined, service)).status).toBe(401);
  });

  it('R18 repeated failed sign-ins are throttled with 429 and Retry-After', async () => {
    await call(system.baseUrl, 'POST', '/users', { username: 'throttled', displayName: '限流', password: 'another long password', roles: ['auditor'] }, testUsers.leadership.headers);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expect((await call(system.baseUrl, 'POST', '/auth/login', { username: 'throttled', password: 'wrong' }, anonymous)).status).toBe(401);
    }
    const locked = await call(system.baseUrl, 'POST', '/auth/login', { username: 'throttled', password: 'another long password' }, anonymous);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('R20 writes are safe to retry', () => {
  it('R20 a POST retried with the same Idempotency-Key returns the first answer and writes once', async () => {
    const body = { uscc: validUscc(), name: '金坛某拍卖有限公司' };
    const first = await call(system.baseUrl, 'POST', '/entities', body, { 'idempotency-key': 'k-entity-1' });
    const second = await call(system.baseUrl, 'POST', '/entities', body, { 'idempotency-key': 'k-entity-1' });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await system.db.entity.count({ where: { uscc: body.uscc } })).toBe(1);

    const reused = await call(system.baseUrl, 'POST', '/entities', { ...body, name: '另一家' }, { 'idempotency-key': 'k-entity-1' });
    expect(reused.status).toBe(422);
    expect(reused.body.errors).toEqual([expect.objectContaining({ field: 'header.idempotency-key' })]);
  });
});

describe('R20 every error is problem+json with a stable type, bilingual title, fields and request id', () => {
  const problem = (answer: Awaited<ReturnType<typeof call>>, status: number, type: string) => {
    expect(answer.status).toBe(status);
    expect(answer.contentType).toContain('application/problem+json');
    expect(answer.body.type).toMatch(new RegExp(`/${type}$`));
    expect(answer.body.title).toMatch(/[\u4e00-\u9fff].* \/ [A-Za-z]/);
    expect(answer.body.requestId).toBe(answer.headers.get('x-request-id'));
    expect(JSON.stringify(answer.body)).not.toMatch(/at \w+ \(|SELECT|prisma/i);
  };

  it('R20 400, 401, 403, 404, 409, 413, 415, 422 and 429', async () => {
    problem(await call(system.baseUrl, 'GET', '/cases/not-a-uuid'), 400, 'bad-request');
    problem(await call(system.baseUrl, 'GET', '/cases', undefined, anonymous), 401, 'unauthenticated');
    problem(await call(system.baseUrl, 'POST', '/users', { username: 'x' }, testUsers.coordinator.headers), 403, 'forbidden');
    problem(await call(system.baseUrl, 'GET', `/entities/${SOME_ID}`), 404, 'not-found');
    const uscc = validUscc();
    await call(system.baseUrl, 'POST', '/entities', { uscc, name: '甲' });
    problem(await call(system.baseUrl, 'POST', '/entities', { uscc, name: '乙' }), 409, 'conflict');
    problem(await call(system.baseUrl, 'POST', '/entities', { name: 'x'.repeat(300_000) }), 413, 'too-large');
    problem(await call(system.baseUrl, 'POST', '/entities', 'uscc=1', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupported-media-type');
    const invalid = await call(system.baseUrl, 'POST', '/entities', { uscc: '123', name: '', extra: true });
    problem(invalid, 422, 'validation');
    expect(invalid.body.errors.map((error: { field: string }) => error.field).sort()).toEqual(['body', 'body.name', 'body.uscc']);

    const limited = listenApi(createApp({ ...system.dependencies, publicRateLimitPerMinute: 2 }), 0, '127.0.0.1');
    await once(limited, 'listening');
    try {
      const base = `http://127.0.0.1:${(limited.address() as AddressInfo).port}`;
      await call(base, 'GET', '/public/results', undefined, anonymous);
      await call(base, 'GET', '/public/results', undefined, anonymous);
      problem(await call(base, 'GET', '/public/results', undefined, anonymous), 429, 'rate-limited');
    } finally {
      limited.close();
    }
  });

  it('R18 R20 input that cannot be taken is refused at the edge, naming the field, and nothing is written', async () => {
    const auditBefore = await system.db.auditEntry.count();
    const entitiesBefore = await system.db.entity.count();
    const fields = (answer: Awaited<ReturnType<typeof call>>) => answer.body.errors.map((error: { field: string }) => error.field);

    // A body in another charset than UTF-8.
    for (const charset of ['latin1', 'utf-16', 'iso-8859-1']) {
      const wrong = await call(system.baseUrl, 'POST', '/entities', { uscc: validUscc(), name: '甲' }, { 'content-type': `application/json; charset=${charset}` });
      problem(wrong, 415, 'unsupported-media-type');
      expect(fields(wrong)).toEqual(['header.content-type']);
    }
    // A percent-escape that decodes to nothing, in the path, even before signing in.
    for (const headers of [testUsers.coordinator.headers, anonymous]) {
      problem(await call(system.baseUrl, 'POST', '/cases/%ZZ/cancel', { reason: '测试理由' }, headers), 400, 'bad-request');
      problem(await call(system.baseUrl, 'GET', '/entities/%E0%A4%A', undefined, headers), 400, 'bad-request');
    }
    // NUL and unpaired surrogates, in a body, a nested key, a query and a path.
    const nul = await call(system.baseUrl, 'POST', '/entities', { uscc: validUscc(), name: 'a\u0000b' });
    problem(nul, 422, 'validation');
    expect(fields(nul)).toEqual(['body.name']);
    const surrogate = await call(system.baseUrl, 'POST', '/auth/login', { username: '\ud800x', password: 'whatever it is' }, anonymous);
    problem(surrogate, 422, 'validation');
    expect(fields(surrogate)).toEqual(['body.username']);
    const lowAlone = await call(system.baseUrl, 'POST', '/officers', { name: '张\udc00', certificateNumber: 'EDGE-1', certificateValidUntil: '2030-12-31' });
    expect(fields(lowAlone)).toEqual(['body.name']);
    const query = await call(system.baseUrl, 'GET', '/entities?q=a%00b');
    problem(query, 422, 'validation');
    expect(fields(query)).toEqual(['query.q']);
    const path = await call(system.baseUrl, 'GET', '/entities/a%00b');
    problem(path, 422, 'validation');
    expect(fields(path)).toEqual(['params.id']);
    // A paired surrogate is an ordinary character (𠀀, 😀) and goes through.
    const astral = await call(system.baseUrl, 'POST', '/entities', { uscc: validUscc(), name: '𠀀记商行😀' });
    expect(astral.status).toBe(201);
    expect(astral.body.name).toBe('𠀀记商行😀');

    // A query string longer than the server takes: still problem+json.
    problem(await call(system.baseUrl, 'GET', `/entities?q=${'x'.repeat(20_000)}`), 431, 'headers-too-large');

    // Of all of these, only the good entity was written, with its audit entry.
    expect(await system.db.entity.count()).toBe(entitiesBefore + 1);
    expect(await system.db.auditEntry.count()).toBe(auditBefore + 1);
    expect((await call(system.baseUrl, 'GET', '/audit/verify', undefined, testUsers.auditor.headers)).body).toMatchObject({ valid: true });
  });

  it('R20 responses carry security headers', async () => {
    const answer = await call(system.baseUrl, 'GET', '/health', undefined, anonymous);
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(answer.headers.get('x-powered-by')).toBeNull();
  });
});

describe('R19 the API describes itself', () => {
  it('R19 /openapi.json is a valid OpenAPI 3.1 description of every route', async () => {
    const document = (await call(system.baseUrl, 'GET', '/openapi.json', undefined, anonymous)).body;
    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    const operations = Object.values(document.paths as Record<string, object>).flatMap((item) => Object.keys(item));
    expect(operations).toHaveLength(apiRoutes(system.dependencies).length);
  });

  it('R19 the tests hold every answer to the description: an undocumented status, field, type or body is caught', async () => {
    const health = await call(system.baseUrl, 'GET', '/health', undefined, anonymous);
    const held = (answer: Partial<typeof health>) => contractViolation(system.baseUrl, 'GET', '/health', { ...health, ...answer });
    expect(await held({})).toBeUndefined();
    expect(await held({ status: 418 })).toMatch(/status 418 is not documented/);
    expect(await held({ body: { ...health.body, secret: 'x' } })).toMatch(/must NOT have additional properties 'secret'/);
    expect(await held({ body: { ...health.body, status: 42 } })).toMatch(/\/status must be/);
    expect(await held({ contentType: 'text/html' })).toMatch(/content type text\/html is not documented/);
    expect(await contractViolation(system.baseUrl, 'POST', '/auth/logout', { status: 204, contentType: 'application/json', body: { a: 1 } })).toMatch(
      /documented without a body/,
    );
    expect(await contractViolation(system.baseUrl, 'PATCH', '/cases', { status: 200, contentType: 'application/json', body: {} })).toMatch(/no operation/);
  });
});

describe('R20 the audit log is tamper-evident', () => {
  it('R20 writes and sign-ins are recorded; a changed, deleted or reordered entry is detected', async () => {
    const entity = await call(system.baseUrl, 'POST', '/entities', { uscc: validUscc(), name: '审计测试企业' });
    const trail = await call(system.baseUrl, 'GET', `/audit?target=${entity.body.id}`, undefined, testUsers.auditor.headers);
    expect(trail.body.items).toEqual([expect.objectContaining({ actor: testUsers.coordinator.id, action: 'POST /entities', target: entity.body.id })]);
    const signIns = await system.db.auditEntry.count({ where: { action: 'SIGN-IN' } });
    expect(signIns).toBeGreaterThanOrEqual(3);

    const verify = () => call(system.baseUrl, 'GET', '/audit/verify', undefined, testUsers.auditor.headers).then((answer) => answer.body);
    expect(await verify()).toMatchObject({ valid: true });

    const entries = await system.db.auditEntry.findMany({ orderBy: { seq: 'asc' } });
    const [a, b, c] = entries.slice(-3);
    const restore = async () => {
      await system.db.auditEntry.deleteMany({ where: { seq: { in: [a!.seq, b!.seq, c!.seq] } } });
      await system.db.auditEntry.createMany({ data: [a!, b!, c!].map((entry) => ({ ...entry, data: entry.data as object })) });
    };

    await system.db.auditEntry.update({ where: { seq: b!.seq }, data: { actor: 'someone-else' } });
    expect(await verify()).toMatchObject({ valid: false, brokenAt: String(b!.seq), problem: 'altered' });
    await restore();
    expect(await verify()).toMatchObject({ valid: true });

    await system.db.auditEntry.delete({ where: { seq: b!.seq } });
    expect(await verify()).toMatchObject({ valid: false, brokenAt: String(c!.seq), problem: 'removed_or_reordered' });
    await restore();

    // Reordered: a's and b's contents trade places.
    const { seq: _aSeq, ...aContent } = a!;
    const { seq: _bSeq, ...bContent } = b!;
    await system.db.auditEntry.update({ where: { seq: a!.seq }, data: { ...bContent, hash: `tmp-${b!.hash}`, data: b!.data as object } });
    await system.db.auditEntry.update({ where: { seq: b!.seq }, data: { ...aContent, data: a!.data as object } });
    await system.db.auditEntry.update({ where: { seq: a!.seq }, data: { hash: b!.hash } });
    expect(await verify()).toMatchObject({ valid: false, problem: 'removed_or_reordered' });
    await restore();
    expect(await verify()).toMatchObject({ valid: true });
  });
});

describe('R18 fuzz: malformed requests never crash the API', () => {
  it('R18 thousands of malformed requests to every endpoint get 4xx answers, never 5xx', async () => {
    let seed = 20181042;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T,>(values: T[]) => values[Math.floor(random() * values.length)]!;
    const garbage = (): unknown =>
      pick<() => unknown>([
        () => null,
        () => Math.floor(random() * 1e9) - 5e8,
        () => 'x'.repeat(Math.floor(random() * 3000)),
        () => '\u0000\ud800💥<script>',
        () => [garbage(), garbage()],
        () => ({ [pick(['uscc', 'name', 'team', 'items', 'reason', '__proto__', 'constructor'])]: garbage() }),
        () => random() > 0.5,
        () => SOME_ID,
      ])();
    const routes = apiRoutes(system.dependencies);
    const headersOf = [anonymous, officerHeaders, testUsers.coordinator.headers, testUsers.leadership.headers];
    const failures: string[] = [];
    for (let index = 0; index < 2000; index += 1) {
      const route = pick(routes);
      const path = route.path.replace(/:id/g, pick([SOME_ID, 'abc', '%00', '..', '1'.repeat(50)])) + pick(['', '?page=-1', '?pageSize=abc&status=x', '?q=%E0%A4%A']);
      const raw = pick([JSON.stringify(garbage()), '{"unterminated": ', '[]', '"a string"', '']);
      const answer = await fetch(`${system.baseUrl}${path}`, {
        method: route.method.toUpperCase(),
        headers: { 'content-type': pick(['application/json', 'text/plain', 'application/merge-patch+json']), ...pick(headersOf) },
        body: route.method === 'get' || raw === '' ? undefined : raw,
      }).catch((error: Error) => ({ status: 599, text: async () => error.message }));
      if (answer.status >= 500) failures.push(`${route.method} ${path} ${raw.slice(0, 80)} → ${answer.status} ${(await answer.text()).slice(0, 200)}`);
    }
    expect(failures).toEqual([]);
    expect((await call(system.baseUrl, 'GET', '/health', undefined, anonymous)).status).toBe(200);
  });
});
