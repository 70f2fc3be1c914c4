// Routes are declared once, with zod schemas: the same declaration validates requests, hands handlers the
// parsed values, and describes the endpoint in the OpenAPI document.
import { createHmac } from 'node:crypto';
import type { Request, RequestHandler, Response, Router } from 'express';
import { Prisma } from '@prisma/client';
import { z } from 'zod';
import type { Db } from '../db/client';
import { DomainError } from '../domain/errors';
import type { Role } from '../domain/inspectionCase';
import { appendAudit } from '../services/audit';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type AnyObject = z.ZodType<Record<string, unknown>>;

export interface ResponseSpec {
  description: string;
  /** The JSON body of a success; an error's body is always the problem (api/problems.ts). */
  schema?: z.ZodType;
  /** A body that is not JSON (a file, metrics text): its media types. */
  mediaTypes?: string[];
}

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  req: Request;
  res: Response;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** What the write changed, kept in its audit entry: `{ before, after }` of the record it updated (R20). */
  audit?: Prisma.InputJsonObject;
}

/** A list's `page` and `pageSize` query parameters, to spread into its query schema; each list keeps its own largest page. */
export const pageQuery = (maxPageSize: number) => ({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(maxPageSize).default(50),
});

/** For routes that start, update or ask a workflow: while Temporal is unreachable they cannot be done. */
export const workflowUnavailable: Record<number, ResponseSpec> = {
  503: { description: '工作流服务暂不可用，请稍后重试 / the workflow service is unavailable: try again later' },
};

/** A page of a list as every list answers it (db/paged.ts), described from the schema of its items. */
export const pageOf = <Item extends z.ZodType>(item: Item) =>
  z.object({
    total: z.int().min(0),
    page: z.int().min(1),
    pageSize: z.int().min(1),
    items: z.array(item),
  });

/** Who may call a route (R18): anyone, anyone signed in, or holders of one of the roles. */
export type Access = 'public' | 'authenticated' | Role[];

export interface Route<P = unknown, Q = unknown, B = unknown> {
  method: Method;
  /** Express-style path, e.g. `/cases/:id`. */
  path: string;
  summary: string;
  tags: string[];
  access: Access;
  /** Writes are audited (R20) unless the route audits itself (sign-in does, to record failures too). */
  audit?: boolean;
  /**
   * The request or the answer carries a secret (a password, a token, a key): nothing of it is stored for an
   * idempotent replay, so an Idempotency-Key is ignored and a retry does it again (a retried sign-in signs in again).
   */
  secret?: boolean;
  params?: AnyObject;
  query?: AnyObject;
  body?: z.ZodType;
  /** The same request as multipart/form-data, described as such (a file upload, read into `body` before the route). */
  upload?: z.ZodType;
  responses: Record<number, ResponseSpec>;
  handler(input: RouteInput<P, Q, B>): Promise<Reply>;
}

export function route<
  PS extends AnyObject | undefined = undefined,
  QS extends AnyObject | undefined = undefined,
  BS extends z.ZodType | undefined = undefined,
>(
  spec: Omit<Route, 'handler' | 'params' | 'query' | 'body'> & {
    params?: PS;
    query?: QS;
    body?: BS;
    handler(
      input: RouteInput<
        PS extends z.ZodType ? z.output<PS> : Record<string, never>,
        QS extends z.ZodType ? z.output<QS> : Record<string, never>,
        BS extends z.ZodType ? z.output<BS> : undefined
      >,
    ): Promise<Reply>;
  },
): Route {
  return spec as unknown as Route;
}

type Location = 'params' | 'query' | 'body';
type Issue = Pick<z.core.$ZodIssue, 'path' | 'message'>;

/**
 * Thrown when a request does not match its route's schemas; the error middleware answers 422 for a body, 400 for
 * parameters — and 422 wherever the text itself cannot be taken (`unsafeText`).
 */
export class RequestValidationError extends Error {
  override name = 'RequestValidationError';
  constructor(
    readonly location: Location,
    readonly issues: Issue[],
    readonly unsafeText = false,
  ) {
    super(`invalid ${location}`);
  }
}

/** NUL, which PostgreSQL cannot store in text, and UTF-16 surrogates without their pair, which no one typed. */
const UNSAFE_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Deeper than any request of this API nests; bounds the walk below and the schemas after it. */
const MAX_DEPTH = 32;

/** Every string of a parsed request, keys included, checked before any schema or handler sees it. */
function unsafeTextIssues(value: unknown): Issue[] {
  const issues: Issue[] = [];
  const stack: Array<{ value: unknown; path: PropertyKey[] }> = [{ value, path: [] }];
  while (stack.length > 0 && issues.length < 20) {
    const { value: current, path } = stack.pop()!;
    if (typeof current === 'string') {
      if (UNSAFE_TEXT.test(current)) issues.push({ path, message: '含空字符（NUL）或不成对的代理项，无法保存 / contains a NUL character or an unpaired surrogate' });
    } else if (current !== null && typeof current === 'object') {
      if (path.length >= MAX_DEPTH) {
        issues.push({ path, message: `嵌套超过 ${MAX_DEPTH} 层 / nested deeper than ${MAX_DEPTH} levels` });
        continue;
      }
      for (const [key, child] of Object.entries(current)) {
        if (UNSAFE_TEXT.test(key)) issues.push({ path: [...path, key], message: '字段名含空字符或不成对的代理项 / the key contains a NUL character or an unpaired surrogate' });
        else stack.push({ value: child, path: [...path, Array.isArray(current) ? Number(key) : key] });
      }
    }
  }
  return issues;
}

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, location: Location): T {
  const unsafe = unsafeTextIssues(value);
  if (unsafe.length > 0) throw new RequestValidationError(location, unsafe, true);
  if (!schema) return (location === 'body' ? undefined : {}) as T;
  const result = schema.safeParse(value);
  if (!result.success) throw new RequestValidationError(location, result.error.issues);
  return result.data;
}

/** The one place where access rules are enforced: every route passes through here. */
export function checkAccess(access: Access, req: Request): void {
  if (access === 'public') return;
  if (!req.principal) throw new DomainError('unauthenticated', '请先登录 / sign in first');
  if (access === 'authenticated') return;
  if (!req.principal.roles.some((role) => access.includes(role))) {
    throw new DomainError('refused', `需要以下角色之一：${access.join(', ')} / needs one of the roles: ${access.join(', ')}`);
  }
}

/**
 * Keyed (HMAC) with a secret of the server's, so that what a database reader sees of a request cannot be tested
 * against guesses of its body.
 */
const requestHash = (key: string, req: Request) =>
  createHmac('sha256', key).update(`${req.method} ${req.originalUrl}\n${JSON.stringify(req.body ?? null)}`).digest('hex');

/**
 * Idempotency-Key on POST: the first answer is stored and a retry of the same request gets it again, so
 * nothing is done twice. A failed first attempt is forgotten, so its retry runs (it changed nothing). Routes whose
 * request or answer carries a secret are never stored (`secret`).
 */
async function idempotent(db: Db, hashKey: string, secret: boolean, req: Request, res: Response, run: () => Promise<Reply>): Promise<Reply> {
  const key = req.header('idempotency-key');
  if (req.method !== 'POST' || !key || secret) return run();
  if (key.length > 200) throw new DomainError('invalid', 'Idempotency-Key 过长 / Idempotency-Key is too long', [{ field: 'header.idempotency-key', message: '≤ 200' }]);
  const principal = req.principal?.id ?? `anonymous:${req.ip}`;
  const hash = requestHash(hashKey, req);
  const where = { principal_key: { principal, key } };
  const existing = await db.idempotencyRecord.findUnique({ where });
  if (existing) {
    if (existing.requestHash !== hash) {
      throw new DomainError('invalid', '同一 Idempotency-Key 用于了不同的请求 / this Idempotency-Key was used for a different request', [
        { field: 'header.idempotency-key', message: '已用于其他请求 / already used' },
      ]);
    }
    if (existing.status === null) throw new DomainError('conflict', '相同请求正在处理 / the same request is still being processed');
    res.setHeader('idempotent-replayed', 'true');
    return { status: existing.status, body: existing.body ?? undefined };
  }
  try {
    await db.idempotencyRecord.create({
      data: { principal, key, method: req.method, path: req.originalUrl, requestHash: hash, createdAt: new Date() },
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      throw new DomainError('conflict', '相同请求正在处理 / the same request is still being processed');
    }
    throw error;
  }
  try {
    const reply = await run();
    if (res.headersSent) {
      // The route streamed its answer (a file): nothing to replay, so a retry makes it again.
      await db.idempotencyRecord.delete({ where });
      return reply;
    }
    await db.idempotencyRecord.update({
      where,
      data: { status: reply.status, body: reply.body === undefined ? Prisma.JsonNull : (JSON.parse(JSON.stringify(reply.body)) as Prisma.InputJsonValue) },
    });
    return reply;
  } catch (error) {
    await db.idempotencyRecord.delete({ where }).catch(() => undefined);
    throw error;
  }
}

/** `requestHashKey`: the secret idempotency records' request hashes are keyed with. */
export function mount(router: Router, routes: Route[], db: Db, requestHashKey: string): void {
  for (const definition of routes) {
    const handler: RequestHandler = async (req, res) => {
      checkAccess(definition.access, req);
      const params = parse(definition.params, req.params, 'params');
      const query = parse(definition.query, req.query, 'query');
      const body = parse(definition.body, req.body ?? {}, 'body');
      const reply = await idempotent(db, requestHashKey, definition.secret === true, req, res, async () => {
        const answered = await definition.handler({ params, query, body, req, res });
        if (definition.method !== 'get' && definition.audit !== false && answered.status < 400) {
          const created = (answered.body as { id?: unknown } | undefined)?.id;
          await appendAudit(db, {
            actor: req.principal?.id ?? 'anonymous',
            action: `${definition.method.toUpperCase()} ${definition.path}`,
            target: (params as { id?: string }).id ?? (typeof created === 'string' ? created : null),
            reason: typeof (body as { reason?: unknown } | undefined)?.reason === 'string' ? (body as { reason: string }).reason : null,
            data: { status: answered.status, requestId: String(res.getHeader('x-request-id') ?? ''), ...answered.audit },
          });
        }
        return answered;
      });
      if (res.headersSent) return; // the handler streamed its own answer (e.g. metrics text)
      for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
      if (reply.body === undefined || reply.body === null) res.status(reply.status).end();
      else res.status(reply.status).json(reply.body);
    };
    router[definition.method](definition.path, handler);
  }
}

/** application/problem+json as api/problems.ts sends it (RFC 9457, with the fields named and the request id). */
const problemSchema = {
  type: 'object',
  description: 'RFC 9457 problem details / 问题详情',
  properties: {
    type: { type: 'string', format: 'uri', description: 'stable problem type' },
    title: { type: 'string', description: '中文 / English' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string' },
    instance: { type: 'string', description: 'the request path' },
    errors: {
      type: 'array',
      description: 'the fields at fault: `body.x`, `query.y`, `params.id`, `header.z`',
      items: {
        type: 'object',
        properties: { field: { type: 'string' }, message: { type: 'string' } },
        required: ['field', 'message'],
        additionalProperties: false,
      },
    },
    requestId: { type: 'string' },
  },
  required: ['type', 'title', 'status', 'instance', 'requestId'],
  additionalProperties: false,
};

/**
 * The errors any route of this shape can answer, whatever its handler does: the edge's checks (token, roles,
 * rate limit, body type and size, parameters) and the idempotency guard of POSTs. A route's own declaration of
 * the same status wins, for its more specific description.
 */
function edgeResponses(definition: Route): Record<number, string> {
  const hasBody = definition.body !== undefined;
  const post = definition.method === 'post';
  const responses: Record<number, string> = {};
  if (definition.params || definition.query || post) responses[400] = '参数或请求体格式错误 / malformed parameters, query or body';
  responses[401] = '未登录、令牌无效或已过期 / not signed in, or the token is invalid or expired';
  if (Array.isArray(definition.access)) responses[403] = '角色不允许 / the caller\'s roles do not allow this';
  if (definition.params) responses[404] = '记录不存在 / no such record';
  if (post) responses[409] = '相同请求（Idempotency-Key）正在处理 / the same request is still being processed';
  // Any POST may come with a body, which the edge reads (and refuses) before the route is known.
  if (post) {
    responses[413] = '请求体过大 / the body is too large';
    responses[415] = '请求体须为 UTF-8 的 application/json / the body must be application/json in UTF-8';
  }
  const unprocessable = [
    ...(hasBody ? ['字段无效，见 `errors` / invalid fields, named in `errors`'] : []),
    ...(definition.params || definition.query ? ['参数含空字符或不成对的代理项 / a parameter with a NUL character or an unpaired surrogate'] : []),
    ...(post ? ['Idempotency-Key 无效或已用于其他请求 / the Idempotency-Key is invalid or was used for another request'] : []),
  ];
  if (unprocessable.length > 0) responses[422] = unprocessable.join('; ');
  responses[429] = '请求过于频繁（见 Retry-After）/ too many requests (see Retry-After)';
  responses[431] = '请求头或地址过长 / the request headers or URL are too large';
  return responses;
}

function describedResponse(status: number, spec: ResponseSpec) {
  if (status >= 400 && !spec.schema) {
    return { description: spec.description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
  }
  if (spec.mediaTypes) {
    return { description: spec.description, content: Object.fromEntries(spec.mediaTypes.map((type) => [type, { schema: { type: 'string' } }])) };
  }
  return { description: spec.description, ...(spec.schema ? { content: { 'application/json': { schema: jsonSchema(spec.schema, 'output') } } } : {}) };
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output') {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

function parameters(schema: AnyObject | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const described = jsonSchema(schema, 'input') as { properties?: Record<string, object>; required?: string[] };
  return Object.entries(described.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (described.required ?? []).includes(name),
    schema: property,
    ...('description' in property ? { description: (property as { description: string }).description } : {}),
  }));
}

export function openApiDocument(routes: Route[], info: { title: string; version: string; description: string }) {
  const roleNote = (access: Access) =>
    access === 'public' ? '公开 / public' : access === 'authenticated' ? '需登录 / signed in' : `角色 / roles: ${access.join(', ')}`;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const definition of routes) {
    const openApiPath = definition.path.replace(/:(\w+)/g, '{$1}');
    const declared: Record<number, ResponseSpec> = {
      ...Object.fromEntries(Object.entries(edgeResponses(definition)).map(([status, description]) => [status, { description }])),
      ...definition.responses,
    };
    const responses = Object.fromEntries(
      Object.entries(declared)
        .sort(([a], [b]) => Number(a) - Number(b))
        .map(([status, spec]) => [status, describedResponse(Number(status), spec)]),
    );
    paths[openApiPath] ??= {};
    paths[openApiPath][definition.method] = {
      summary: definition.summary,
      description: roleNote(definition.access),
      tags: definition.tags,
      ...(definition.access === 'public' ? { security: [] } : {}),
      operationId: `${definition.method}${openApiPath.replace(/[{}]/g, '').replace(/\/(\w)/g, (_, c: string) => c.toUpperCase()).replace(/[^\w]/g, '')}`,
      parameters: [
        ...parameters(definition.params, 'path'),
        ...parameters(definition.query, 'query'),
        ...(definition.method === 'post' && !definition.secret
          ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 200 } }]
          : []),
      ],
      ...(definition.body
        ? {
            requestBody: {
              required: true,
              content: {
                'application/json': { schema: jsonSchema(definition.body, 'input') },
                ...(definition.upload ? { 'multipart/form-data': { schema: jsonSchema(definition.upload, 'input') } } : {}),
              },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      schemas: { Problem: problemSchema },
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
    },
    security: [{ bearer: [] }, { apiKey: [] }],
  };
}
