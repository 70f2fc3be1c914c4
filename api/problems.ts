// The one error middleware: every failure becomes application/problem+json with a stable type, a title in
// Chinese and English, the offending fields and the request id. No stack trace or SQL reaches a client.
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { Prisma } from '@prisma/client';
import { ServiceError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { DomainError, kindOfFailureType, type DomainErrorKind, type FieldProblem } from '../domain/errors';
import { logger } from '../infra/logger';
import { RequestValidationError } from './http';

interface Problem {
  status: number;
  type: string;
  title: string;
  detail?: string;
  errors?: FieldProblem[];
}

const byKind: Record<DomainErrorKind, Omit<Problem, 'detail' | 'errors'>> = {
  not_found: { status: 404, type: 'not-found', title: '未找到 / Not found' },
  conflict: { status: 409, type: 'conflict', title: '与当前状态冲突 / Conflicts with the current state' },
  invalid: { status: 422, type: 'validation', title: '字段无效 / Invalid fields' },
  refused: { status: 403, type: 'forbidden', title: '无权执行 / Not allowed' },
  unauthenticated: { status: 401, type: 'unauthenticated', title: '未登录或登录已失效 / Not signed in, or the sign-in has expired' },
  rate_limited: { status: 429, type: 'rate-limited', title: '请求过于频繁 / Too many requests' },
  precondition_failed: { status: 412, type: 'stale-version', title: '记录已被他人修改 / The record has changed since you read it' },
};

const PROBLEM_BASE = 'https://shuang-sui-ji.example/problems/';

function fieldPath(location: string, path: PropertyKey[]): string {
  return [location, ...path.map(String)].join('.');
}

function fromError(error: unknown): Problem {
  if (error instanceof RequestValidationError) {
    const errors = error.issues.map((issue) => ({ field: fieldPath(error.location, issue.path), message: issue.message }));
    return error.location === 'body' || error.unsafeText
      ? { ...byKind.invalid, errors, detail: errors.map((e) => `${e.field}: ${e.message}`).join('; ') }
      : { status: 400, type: 'bad-request', title: '请求参数无效 / Invalid request parameters', errors };
  }
  if (error instanceof DomainError) {
    const status = (error as { status?: number }).status;
    if (status === 413) return { status, type: 'too-large', title: '请求体过大 / The body is too large', detail: error.message, errors: error.fields.length ? error.fields : undefined };
    if (status === 415) {
      return { status, type: 'unsupported-media-type', title: '不支持的请求体类型 / Unsupported media type', detail: error.message, errors: error.fields.length ? error.fields : undefined };
    }
    return { ...byKind[error.kind], detail: error.message, errors: error.fields.length ? error.fields : undefined };
  }
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    const kind = kindOfFailureType(error.cause.type) ?? 'conflict';
    const [details] = (error.cause.details ?? []) as Array<{ field?: string } | undefined>;
    const errors = details?.field ? [{ field: `body.${details.field}`, message: error.cause.message }] : undefined;
    return { ...byKind[kind], detail: error.cause.message, errors };
  }
  if (error instanceof WorkflowNotFoundError) {
    return { ...byKind.not_found, detail: '案件流程不存在 / the case workflow does not exist' };
  }
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (error.code === 'P2002') return { ...byKind.conflict, type: 'duplicate', detail: '记录已存在 / a record with this key already exists' };
    if (error.code === 'P2025') return { ...byKind.not_found, detail: '记录不存在 / the record does not exist' };
    if (error.code === 'P2003') return { ...byKind.invalid, detail: '引用的记录不存在 / a referenced record does not exist' };
  }
  if (error instanceof ServiceError) {
    return { status: 503, type: 'unavailable', title: '工作流服务暂不可用 / Workflow service unavailable' };
  }
  if (error instanceof URIError) {
    // The router could not decode a percent-escape of the path.
    return { status: 400, type: 'bad-request', title: '地址中的百分号编码无效 / The path has an invalid percent-encoding', errors: [{ field: 'path', message: '无效的百分号编码 / invalid percent-encoding' }] };
  }
  const bodyParser = error as { type?: string; status?: number; charset?: string };
  if (bodyParser.type === 'entity.parse.failed') {
    return { status: 400, type: 'malformed-json', title: '请求体不是有效的 JSON / The body is not valid JSON', errors: [{ field: 'body', message: '不是有效的 JSON / not valid JSON' }] };
  }
  if (bodyParser.type === 'entity.too.large') {
    return { status: 413, type: 'too-large', title: '请求体过大 / The body is too large' };
  }
  if (bodyParser.type === 'charset.unsupported' || bodyParser.type === 'encoding.unsupported') {
    return {
      status: 415,
      type: 'unsupported-media-type',
      title: '不支持的请求体类型 / Unsupported media type',
      detail: '请求体须为 UTF-8 编码的 JSON / the body must be JSON in UTF-8',
      errors: [{ field: 'header.content-type', message: `不支持 ${bodyParser.charset ?? 'this encoding'}，须为 utf-8 / must be utf-8` }],
    };
  }
  // Other refusals of Express and its body parser (an aborted or mis-sized body): a client's error, said as one.
  if (bodyParser.status && bodyParser.status >= 400 && bodyParser.status < 500) {
    return { status: bodyParser.status, type: 'bad-request', title: '请求无效 / Bad request' };
  }
  return { status: 500, type: 'internal', title: '内部错误 / Internal error' };
}

export const errorMiddleware: ErrorRequestHandler = (error, req, res, _next) => {
  const problem = fromError(error);
  const requestId = String(res.getHeader('x-request-id') ?? '');
  const retryAfter = (error as { retryAfterSeconds?: number }).retryAfterSeconds;
  if (retryAfter) res.setHeader('retry-after', String(retryAfter));
  if (problem.status >= 500) {
    logger.error('request failed', { requestId, method: req.method, path: req.path, error: String(error?.stack ?? error) });
  }
  res
    .status(problem.status)
    .type('application/problem+json')
    .json({ ...problem, type: PROBLEM_BASE + problem.type, instance: req.originalUrl, requestId });
};

/**
 * Requests Node's HTTP parser refuses before Express sees them — headers or a URL over the size limit, a broken
 * request line or header — still get problem+json, not an empty answer.
 */
export function answerMalformedRequest(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? 431 : 400;
  const requestId = randomUUID();
  const body = JSON.stringify({
    type: PROBLEM_BASE + (tooLarge ? 'headers-too-large' : 'bad-request'),
    title: tooLarge ? '请求头或地址过长 / The request headers or URL are too large' : '请求格式无效 / Malformed request',
    status,
    instance: '',
    requestId,
  });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export const notFoundMiddleware: RequestHandler = (req, _res, next) => {
  next(new DomainError('not_found', `没有这个地址 / no such endpoint: ${req.method} ${req.path}`));
};
