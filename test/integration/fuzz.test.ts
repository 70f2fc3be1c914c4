// R18 R19 R20: the API attacked as an outsider would, from its own description. Requests are generated from the
// served /openapi.json over every operation and every role, each carrying one of the hostile classes — wrong
// charsets, bad percent-escapes, NUL and lone surrogates in path, query and body, wrong types, huge and deep
// bodies, prototype keys, oversize headers — and every answer must be a 4xx (or a success) in problem+json
// that leaks no stack, SQL or path. The seed is fixed, so a failure names a request that can be replayed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asOfficer, registerOfficer } from '../support/fixtures';
import { anonymous, call, startTestSystem, testUsers, type TestSystem } from '../support/system';

let system: TestSystem;
let callers: Array<[string, Record<string, string>]>;

beforeAll(async () => {
  system = await startTestSystem('fuzz');
  const officer = await registerOfficer(system.baseUrl);
  callers = [
    ['anonymous', anonymous],
    ['officer', asOfficer(officer.id)],
    ['coordinator', testUsers.coordinator.headers],
    ['leadership', testUsers.leadership.headers],
    ['auditor', testUsers.auditor.headers],
  ];
});

afterAll(async () => {
  await system?.stop();
});

type Schema = Record<string, any>;
interface Operation {
  method: string;
  template: string;
  pathParams: string[];
  queryParams: Array<{ name: string; schema: Schema }>;
  body?: Schema;
}

const REQUESTS = 10_000;
const CONCURRENCY = 8;
const SOME_ID = '00000000-0000-4000-8000-000000000000';
const LEAK = /\bat [\w$.<>]+ \(|node_modules|\/work\/|\.ts:\d+|SELECT |INSERT INTO|UPDATE "|DELETE FROM|Prisma|PrismaClient|ECONNREFUSED|syntax error at/;

function operationsOf(document: { paths: Record<string, Record<string, any>> }): Operation[] {
  const operations: Operation[] = [];
  for (const [template, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      // Signing out would end the sessions the fuzz runs with.
      if (template === '/auth/logout') continue;
      const parameters = (operation.parameters ?? []) as Array<{ name: string; in: string; schema: Schema }>;
      operations.push({
        method: method.toUpperCase(),
        template,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema })),
        body: operation.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return operations;
}

function fuzzer(seed: number) {
  let state = seed >>> 0;
  const random = () => {
    // mulberry32: small, fast, reproducible.
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T,>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  const hostileText = () =>
    pick(['a\u0000b', '\ud800', 'x\udfffy', '😀\ud83d', '\u0000', '𠮷'.repeat(3), '<script>alert(1)</script>', "'; drop table \"User\"; --", '../../etc/passwd', '%00', '\u202e', 'x'.repeat(5000)]);

  /** A value the schema accepts, roughly: the base that one hostile change is then made to. */
  const valid = (schema: Schema | undefined, depth = 0): unknown => {
    if (!schema || depth > 6) return null;
    if (schema.const !== undefined) return schema.const;
    if (schema.enum) return pick(schema.enum);
    const choices = schema.anyOf ?? schema.oneOf;
    if (choices) return valid(pick(choices), depth + 1);
    if (schema.allOf) return Object.assign({}, ...schema.allOf.map((part: Schema) => valid(part, depth + 1)));
    const type = Array.isArray(schema.type) ? pick(schema.type) : schema.type;
    switch (type) {
      case 'object': {
        const result: Record<string, unknown> = {};
        for (const [key, property] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) {
          if ((schema.required ?? []).includes(key) || random() < 0.5) result[key] = valid(property, depth + 1);
        }
        return result;
      }
      case 'array':
        return Array.from({ length: Math.max(schema.minItems ?? 0, Math.floor(random() * 3)) }, () => valid(schema.items, depth + 1));
      case 'string':
        if (schema.format === 'uuid') return SOME_ID;
        if (schema.format === 'date') return '2026-12-31';
        if (schema.format === 'date-time') return '2026-12-31T08:00:00.000Z';
        return 'x'.repeat(Math.max(schema.minLength ?? 1, 1));
      case 'integer':
        return schema.minimum ?? 1;
      case 'number':
        return schema.minimum ?? 1;
      case 'boolean':
        return random() < 0.5;
      case 'null':
        return null;
      default:
        return null;
    }
  };

  /** One hostile change somewhere inside a value: a string poisoned, a type wrong, a prototype key added. */
  const poison = (value: unknown, depth = 0): unknown => {
    if (value !== null && typeof value === 'object' && depth < 8 && random() < 0.7) {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length > 0) {
        const [key, child] = pick(entries);
        const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
        copy[key] = poison(child, depth + 1);
        return copy;
      }
    }
    return pick<() => unknown>([
      hostileText,
      () => 1e308,
      () => -1,
      () => 2 ** 63,
      () => [],
      () => ({}),
      () => true,
      () => null,
      () => JSON.parse('{"__proto__": {"admin": true}, "constructor": {"prototype": {"roles": ["leadership"]}}}'),
    ])();
  };

  const deep = (levels: number): unknown => (levels === 0 ? 'bottom' : { a: [deep(levels - 1)] });

  return { random, pick, valid, poison, deep, hostileText };
}

interface Attempt {
  description: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

function generate(operation: Operation, headers: Record<string, string>, f: ReturnType<typeof fuzzer>): Attempt {
  const attack = f.pick([
    'body-poisoned',
    'body-poisoned',
    'body-wrong-json',
    'body-deep',
    'body-huge',
    'body-prototype',
    'charset',
    'path-escape',
    'path-text',
    'query-text',
    'query-escape',
    'query-wrong',
    'header-huge',
    'header-text',
  ] as const);
  const pathValue = () =>
    attack === 'path-escape' ? f.pick(['%ZZ', '%E0%A4%A', '%', '%C0%AF', '%ED%A0%80'])
    : attack === 'path-text' ? f.pick(['%00', 'a%00b', '%F0%9F%98%80', encodeURIComponent('𠮷'), '..', '1'.repeat(300)])
    : f.pick([SOME_ID, 'not-an-id', '1']);
  let path = operation.template.replace(/\{(\w+)\}/g, () => pathValue());
  const query: string[] = [];
  for (const parameter of operation.queryParams) {
    if (f.random() < 0.5) continue;
    const value =
      attack === 'query-text' ? encodeURIComponent(f.hostileText().replace(/[\ud800-\udfff]/gu, '\ufffd')).replace(/%EF%BF%BD/g, '%ED%A0%80')
      : attack === 'query-escape' ? f.pick(['%E0%A4%A', '%ZZ', '%'])
      : attack === 'query-wrong' ? f.pick(['-1', 'abc', '1e999', '', 'true&' + parameter.name + '=again'])
      : encodeURIComponent(String(f.valid(parameter.schema) ?? ''));
    query.push(`${parameter.name}=${value}`);
  }
  if (attack.startsWith('query') && f.random() < 0.3) query.push(`${f.pick(['__proto__', 'constructor', 'unknown'])}=1`);
  if (query.length > 0) path += `?${query.join('&')}`;

  const hasBody = operation.method !== 'GET' && operation.method !== 'DELETE';
  let body: string | undefined;
  if (hasBody) {
    const base = f.valid(operation.body) ?? {};
    body =
      attack === 'body-wrong-json' ? f.pick(['{"unterminated": ', '[', 'nul', '{"a":1}{"b":2}', '\u0000', "{'single':1}"])
      : attack === 'body-deep' ? JSON.stringify(f.deep(40))
      : attack === 'body-huge' ? JSON.stringify({ ...(base as object), padding: 'x'.repeat(f.pick([300_000, 30_000_000 / 1000])) })
      : attack === 'body-prototype' ? `{"__proto__":{"roles":["leadership"]},"constructor":{"prototype":{"x":1}},${JSON.stringify(base).slice(1)}`.replace(',}', '}')
      : JSON.stringify(attack === 'body-poisoned' ? f.poison(base) : base);
  }
  const requestHeaders: Record<string, string> = { ...headers };
  if (body !== undefined) {
    requestHeaders['content-type'] = attack === 'charset' ? f.pick(['application/json; charset=latin1', 'application/json; charset=utf-16', 'application/json; charset="x"', 'text/plain', 'application/json; charset']) : 'application/json';
  }
  if (attack === 'header-huge') requestHeaders['x-padding'] = 'a'.repeat(f.pick([17_000, 70_000]));
  if (attack === 'header-text') {
    Object.assign(requestHeaders, f.pick([{ 'idempotency-key': 'k'.repeat(500) }, { 'x-request-id': 'r'.repeat(300) }, { authorization: 'Bearer a.b.c' }, { authorization: 'Basic Zm9vOmJhcg==' }, { 'x-api-key': 'ssk_nothing' }, { 'idempotency-key': '\u00e9t\u00e9' }]));
  }
  return { description: `${attack} as ${Object.keys(headers).length ? 'caller' : 'anonymous'}`, method: operation.method, path, headers: requestHeaders, body };
}

const statuses = new Map<number, number>();

async function send(baseUrl: string, attempt: Attempt): Promise<string | undefined> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}${attempt.path}`, { method: attempt.method, headers: attempt.headers, body: attempt.body });
  } catch (error) {
    // A header over Node's limit may close the connection once the 431 is written; nothing else may.
    if (attempt.headers['x-padding']) return undefined;
    return `no answer: ${(error as Error).message}`;
  }
  statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  if (response.status >= 500) return `${response.status} ${text.slice(0, 300)}`;
  if (response.status >= 400 && !type.startsWith('application/problem+json')) return `${response.status} as ${type || 'no content type'}: ${text.slice(0, 200)}`;
  if (response.status >= 400) {
    const problem = JSON.parse(text) as { status?: number; type?: string; title?: string };
    if (problem.status !== response.status || !problem.type || !problem.title) return `${response.status} with a malformed problem: ${text.slice(0, 200)}`;
  }
  const leak = LEAK.exec(text);
  if (leak) return `${response.status} leaks "${leak[0]}": ${text.slice(Math.max(0, leak.index - 80), leak.index + 120)}`;
  return undefined;
}

describe('R18 R19 R20 the API fuzzed like an attacker, from its own description', () => {
  it(`R18 R19 R20 ${REQUESTS} hostile requests over every operation and role: no 5xx, every error problem+json, no stack, SQL or path`, async () => {
    const document = (await call(system.baseUrl, 'GET', '/openapi.json', undefined, anonymous)).body;
    const operations = operationsOf(document);
    expect(operations.length).toBeGreaterThan(60);
    const f = fuzzer(20181042);
    const attempts: Array<Attempt & { operation: string; caller: string }> = [];
    // Every operation meets every caller; the rest is drawn.
    for (const operation of operations) for (const [caller, headers] of callers) attempts.push({ ...generate(operation, headers, f), operation: `${operation.method} ${operation.template}`, caller });
    while (attempts.length < REQUESTS) {
      const operation = f.pick(operations);
      const [caller, headers] = f.pick(callers);
      attempts.push({ ...generate(operation, headers, f), operation: `${operation.method} ${operation.template}`, caller });
    }

    const started = performance.now();
    const failures: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < attempts.length) {
          const attempt = attempts[next++]!;
          const failure = await send(system.baseUrl, attempt);
          if (failure && failures.length < 50) failures.push(`${attempt.operation} as ${attempt.caller} (${attempt.description}) ${attempt.method} ${attempt.path.slice(0, 120)} → ${failure}`);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(`fuzz: ${attempts.length} requests over ${operations.length} operations × ${callers.length} callers in ${seconds.toFixed(1)} s; answers ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`);
    expect(failures).toEqual([]);

    // Still standing, and nothing the attack sent broke the audit log.
    expect((await call(system.baseUrl, 'GET', '/health', undefined, anonymous)).status).toBe(200);
    expect((await call(system.baseUrl, 'GET', '/audit/verify', undefined, testUsers.auditor.headers)).body).toMatchObject({ valid: true, poisoned: [] });
  });
});
