import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, listenApi } from '../../api/app';
import { createDb } from '../../db/client';
import { freePort } from '../../infra/childProcess';
import { anonymous, call, startTestSystem, type TestSystem } from '../support/system';

let system: TestSystem;

beforeAll(async () => {
  system = await startTestSystem('health');
});

afterAll(async () => {
  await system?.stop();
});

describe('R19 leadership can see whether the system is up', () => {
  it('R19 GET /health reports the database and Temporal reachable', async () => {
    const health = await call(system.baseUrl, 'GET', '/health', undefined, anonymous);
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', database: { ok: true }, temporal: { ok: true } });
  });

  it('R19 an unreachable database makes /health answer 503 naming it', async () => {
    const unreachable = createDb(`postgresql://postgres@127.0.0.1:${await freePort()}/gone`, 1);
    const server = listenApi(createApp({ ...system.dependencies, db: unreachable }), 0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const health = await call(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 'GET', '/health', undefined, anonymous);
      expect(health.status).toBe(503);
      expect(health.body).toMatchObject({ status: 'degraded', database: { ok: false }, temporal: { ok: true } });
      expect(health.body.database.error).toMatch(/reach database server/);
    } finally {
      server.close();
      await unreachable.$disconnect();
    }
  });

  it('R19 the API describes itself: /openapi.json lists every route and /docs serves the viewer', async () => {
    const document = await call(system.baseUrl, 'GET', '/openapi.json');
    expect(document.body.openapi).toBe('3.1.0');
    expect(Object.keys(document.body.paths)).toEqual(
      expect.arrayContaining(['/health', '/auth/login', '/entities', '/entities/{id}', '/cases', '/cases/{id}', '/cases/{id}/cancel', '/audit/verify', '/public/results']),
    );
    expect(document.body.paths['/cases'].post.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['entityId', 'origin', 'reason']),
    );
    const docs = await fetch(`${system.baseUrl}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('/docs/init.js');
    expect(await (await fetch(`${system.baseUrl}/docs/init.js`)).text()).toContain('/openapi.json');
  });
});
