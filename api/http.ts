// Routes are declared once, with zod schemas: the same declaration validates requests, hands handlers the
// parsed values, and describes the endpoint in the OpenAPI document.
import type { Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';

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
}

export interface Route<P = unknown, Q = unknown, B = unknown> {
  method: Method;
  /** Express-style path, e.g. `/cases/:id`. */
  path: string;
  summary: string;
  tags: string[];
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

export function mount(router: Router, routes: Route[]): void {
  for (const definition of routes) {
    const handler: RequestHandler = async (req, res) => {
      const reply = await definition.handler({
        params: parse(definition.params, req.params, 'params'),
        query: parse(definition.query, req.query, 'query'),
        body: parse(definition.body, req.body ?? {}, 'body'),
        req,
        res,
      });
      for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
      if (reply.body === undefined) res.status(reply.status).end();
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
      tags: definition.tags,
      operationId: `${definition.method}${openApiPath.replace(/[{}]/g, '').replace(/\/(\w)/g, (_, c: string) => c.toUpperCase()).replace(/[^\w]/g, '')}`,
      parameters: [...parameters(definition.params, 'path'), ...parameters(definition.query, 'query')],
      ...(definition.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(definition.body, 'input') } } } }
        : {}),
      responses,
    };
  }
  return { openapi: '3.1.0', info, paths };
}
