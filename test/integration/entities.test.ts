import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestSystem, type TestSystem } from '../support/system';
import { validUscc } from '../support/entities';

let system: TestSystem;

beforeAll(async () => {
  system = await startTestSystem('entities');
});

afterAll(async () => {
  await system?.stop();
});

describe('R1 registering inspection targets', () => {
  it('R1 a valid code is registered and read back as operating', async () => {
    const uscc = validUscc();
    const created = await call(system.baseUrl, 'POST', '/entities', { uscc: uscc.toLowerCase(), name: '金坛某汽车销售有限公司' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ uscc, legalStatus: 'operating' });
    const read = await call(system.baseUrl, 'GET', `/entities/${created.body.id}`);
    expect(read.body).toMatchObject({ id: created.body.id, uscc, name: '金坛某汽车销售有限公司' });
  });

  it('R1 a wrong check character is refused with the field and reason, and nothing is written', async () => {
    const valid = validUscc();
    const wrong = valid.slice(0, 17) + (valid[17] === '0' ? '1' : '0');
    const before = await system.db.entity.count();
    const refused = await call(system.baseUrl, 'POST', '/entities', { uscc: wrong, name: '某公司' });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([{ field: 'body.uscc', message: expect.stringContaining('校验码不正确') }]);
    expect(await system.db.entity.count()).toBe(before);
  });

  it('R1 the same code twice is a 409 conflict', async () => {
    const uscc = validUscc();
    expect((await call(system.baseUrl, 'POST', '/entities', { uscc, name: '甲' })).status).toBe(201);
    const duplicate = await call(system.baseUrl, 'POST', '/entities', { uscc, name: '乙' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.errors).toEqual([expect.objectContaining({ field: 'body.uscc' })]);
  });

  it('R1 a body that is not JSON is a 400 problem, not a crash', async () => {
    const response = await call(system.baseUrl, 'POST', '/entities', '{"uscc": ', { 'content-type': 'application/json' });
    expect(response.status).toBe(400);
    expect(response.body.type).toMatch(/malformed-json$/);
  });
});

describe('R1 directory updates are safe against concurrent edits', () => {
  it('R1 a status change with a stale If-Match is refused with 412 and changes nothing; with the current version it applies', async () => {
    const created = await call(system.baseUrl, 'POST', '/entities', { uscc: validUscc(), name: '金坛某再生资源回收站' });
    const version = created.headers.get('etag')!;
    expect(version).toMatch(/^W\/"\d+"$/);
    const first = await call(system.baseUrl, 'POST', `/entities/${created.body.id}/legal-status`, { legalStatus: 'moved_out' }, { 'if-match': version });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.headers.get('etag')).not.toBe(version);

    const stale = await call(system.baseUrl, 'POST', `/entities/${created.body.id}/legal-status`, { legalStatus: 'revoked' }, { 'if-match': version });
    expect(stale.status).toBe(412);
    expect(stale.body.type).toMatch(/stale-version$/);
    const read = await call(system.baseUrl, 'GET', `/entities/${created.body.id}`);
    expect(read.body.legalStatus).toBe('moved_out');
    expect(read.headers.get('etag')).toBe(first.headers.get('etag'));
  });
});
