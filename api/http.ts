// Routes are declared once, with zod schemas: the same declaration validates requests, hands handlers the
// parsed values, and describes the endpoint in the OpenAPI document.
import { createHash } from 'node:crypto';
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
  schema?: z.ZodType;
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
  params?: AnyObject;
  query?: AnyObject;
  body?: z.ZodType;
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

/** Thrown when a request does not match its route's schemas; the error middleware answers 422 or 400. */
export class RequestValidationError extends Error {
  override name = 'RequestValidationError';
  constructor(
    readonly location: 'params' | 'query' | 'body',
    readonly issues: z.core.$ZodIssue[],
  ) {
    super(`invalid ${location}`);
  }
}

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, location: 'params' | 'query' | 'body'): T {
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

const requestHash = (req: Request) => createHash('sha256').update(`${req.method} ${req.originalUrl}\n${JSON.stringify(req.body ?? null)}`).digest('hex');

/**
 * Idempotency-Key on POST: the first answer is stored and a retry of the same request gets it again, so
 * nothing is done twice. A failed first attempt is forgotten, so its retry runs (it changed nothing).
 */
async function idempotent(db: Db, req: Request, res: Response, run: () => Promise<Reply>): Promise<Reply> {
  const key = req.header('idempotency-key');
  if (req.method !== 'POST' || !key) return run();
  if (key.length > 200) throw new DomainError('invalid', 'Idempotency-Key 过长 / Idempotency-Key is too long', [{ field: 'header.idempotency-key', message: '≤ 200' }]);
  const principal = req.principal?.id ?? `anonymous:${req.ip}`;
  const hash = requestHash(req);
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

export function mount(router: Router, routes: Route[], db: Db): void {
  for (const definition of routes) {
    const handler: RequestHandler = async (req, res) => {
      checkAccess(definition.access, req);
      const params = parse(definition.params, req.params, 'params');
      const query = parse(definition.query, req.query, 'query');
      const body = parse(definition.body, req.body ?? {}, 'body');
      const reply = await idempotent(db, req, res, async () => {
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

const problemSchema = {
  type: 'object',
  description: 'RFC 9457 problem details',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    errors: {
      type: 'array',
      items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } },
    },
    requestId: { type: 'string' },
  },
  required: ['type', 'title', 'status'],
};

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
    const responses: Record<string, unknown> = {};
    for (const [status, spec] of Object.entries(definition.responses)) {
      const isProblem = Number(status) >= 400;
      responses[status] = {
        description: spec.description,
        ...(spec.schema || isProblem
          ? {
              content: {
                [isProblem ? 'application/problem+json' : 'application/json']: {
                  schema: spec.schema ? jsonSchema(spec.schema, 'output') : problemSchema,
                },
              },
            }
          : {}),
      };
    }
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
        ...(definition.method === 'post'
          ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 200 } }]
          : []),
      ],
      ...(definition.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(definition.body, 'input') } } } }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
    },
    security: [{ bearer: [] }, { apiKey: [] }],
  };
}
