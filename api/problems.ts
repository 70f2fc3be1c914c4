// The one error middleware: every failure becomes application/problem+json with a stable type, a title in
// Chinese and English, the offending fields and the request id. No stack trace or SQL reaches a client.
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
    return error.location === 'body'
      ? { ...byKind.invalid, errors, detail: errors.map((e) => `${e.field}: ${e.message}`).join('; ') }
      : { status: 400, type: 'bad-request', title: '请求参数无效 / Invalid request parameters', errors };
  }
  if (error instanceof DomainError) {
    const status = (error as { status?: number }).status;
    if (status === 415) return { status, type: 'unsupported-media-type', title: '不支持的请求体类型 / Unsupported media type', detail: error.message };
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
  const bodyParser = error as { type?: string; status?: number };
  if (bodyParser.type === 'entity.parse.failed') {
    return { status: 400, type: 'malformed-json', title: '请求体不是有效的 JSON / The body is not valid JSON' };
  }
  if (bodyParser.type === 'entity.too.large') {
    return { status: 413, type: 'too-large', title: '请求体过大 / The body is too large' };
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

export const notFoundMiddleware: RequestHandler = (req, _res, next) => {
  next(new DomainError('not_found', `没有这个地址 / no such endpoint: ${req.method} ${req.path}`));
};
