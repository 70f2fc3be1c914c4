// Cross-cutting protections: who is calling, which origins may call from a browser, what bodies are accepted,
// and how fast anonymous callers may go.
import contentType from 'content-type';
import type { RequestHandler } from 'express';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { poolOf, type Db } from '../db/client';
import { DomainError } from '../domain/errors';
import { authenticate } from '../services/auth';
import type { ApiDependencies } from './context';

export function authentication({ db, auth }: ApiDependencies): RequestHandler {
  return (req, _res, next) => {
    authenticate(db, auth, { authorization: req.header('authorization'), apiKey: req.header('x-api-key') })
      .then((principal) => {
        req.principal = principal;
        next();
      })
      .catch(next);
  };
}

export function cors(origins: string[]): RequestHandler {
  return (req, res, next) => {
    const origin = req.header('origin');
    if (origin && origins.includes(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'Origin');
      res.setHeader('access-control-allow-headers', 'authorization, content-type, idempotency-key, x-api-key, x-request-id');
      res.setHeader('access-control-allow-methods', 'GET, POST, DELETE');
      res.setHeader('access-control-expose-headers', 'location, x-request-id, idempotent-replayed, retry-after');
    }
    if (req.method === 'OPTIONS') {
      res.status(origin && origins.includes(origin) ? 204 : 403).end();
      return;
    }
    next();
  };
}

/** A body must be JSON in UTF-8 (RFC 8259): anything else is refused before it is read. */
export const jsonBodiesOnly: RequestHandler = (req, _res, next) => {
  const hasBody = Number(req.header('content-length') ?? 0) > 0 || req.header('transfer-encoding') !== undefined;
  if (!hasBody) return next();
  // A directory file uploaded as staff upload it; api/routes/directoryFiles.ts reads it into the JSON form.
  if (req.method === 'POST' && req.path.endsWith('/import') && req.is('multipart/form-data')) return next();
  const unsupported = (message: string) =>
    next(Object.assign(new DomainError('invalid', message, [{ field: 'header.content-type', message }]), { status: 415 }));
  if (!req.is(['application/json', 'application/*+json'])) return unsupported('请求体须为 application/json / the body must be application/json');
  let charset: string | undefined;
  try {
    charset = contentType.parse(req.header('content-type') ?? '').parameters.charset;
  } catch {
    return unsupported('Content-Type 无法解析 / the Content-Type header cannot be parsed');
  }
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) return unsupported('请求体须为 UTF-8 编码 / the body must be encoded in UTF-8');
  next();
};

/**
 * Tokens and what a signed-in caller reads are for that caller only: no browser or proxy cache may keep them. Set
 * before anything can answer, so that refusals (a bad token's 401) carry it too.
 */
export const noStoreForCredentials: RequestHandler = (req, res, next) => {
  if (req.header('authorization') || req.header('x-api-key') || req.path.startsWith('/auth/') || req.path.startsWith('/me') || req.path.startsWith('/users')) {
    res.setHeader('cache-control', 'no-store');
    res.setHeader('pragma', 'no-cache');
  }
  next();
};

/**
 * Anonymous callers (the public site, sign-in) get a fixed number of requests a minute per address, counted in
 * PostgreSQL so that every API process shares the count (rate-limiter-flexible). Should the database not answer,
 * each process counts on its own for the moment rather than refusing everyone.
 */
export function anonymousRateLimit(db: Db, perMinute: number): RequestHandler {
  const limiter = new RateLimiterPostgres({
    storeClient: poolOf(db),
    storeType: 'pool',
    tableName: 'RateLimit',
    tableCreated: true,
    // Per limit: a process configured with another limit keeps another count (every process of a deployment has the same).
    keyPrefix: `anonymous-${perMinute}`,
    points: perMinute,
    duration: 60,
    insuranceLimiter: new RateLimiterMemory({ points: perMinute, duration: 60 }),
  });
  return (req, res, next) => {
    if (req.principal) return next();
    limiter
      .consume(req.ip ?? 'unknown')
      .then(() => next())
      .catch((rejection: unknown) => {
        if (!(rejection instanceof RateLimiterRes)) return next(rejection);
        const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        res.setHeader('retry-after', String(retryAfter));
        next(new DomainError('rate_limited', `请求过于频繁，请 ${retryAfter} 秒后再试 / too many requests: try again in ${retryAfter} s`));
      });
  };
}
