// Sign-in, token refresh, sign-out; user and API-key administration (R18).
import { z } from 'zod';
import { roles } from '../../domain/inspectionCase';
import { appendAudit } from '../../services/audit';
import { createApiKey, createUser, login, refresh, revokeApiKey, revokeSession } from '../../services/auth';
import { DomainError } from '../../domain/errors';
import { principalOf, type ApiDependencies } from '../context';
import { route } from '../http';
import { idParams } from './entities';

const tokensSchema = z.object({
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int().meta({ description: 'seconds' }),
  refreshToken: z.string(),
});

const credentials = z.strictObject({
  username: z.string(({ error: '必填 / required' })).trim().min(1).max(100),
  password: z.string({ error: '必填 / required' }).min(1).max(200),
});

export function authRoutes({ db, auth, throttle }: ApiDependencies) {
  return [
    route({
      method: 'post',
      path: '/auth/login',
      summary: '登录 / Sign in: a short-lived access token and a refresh token',
      tags: ['auth'],
      access: 'public',
      audit: false,
      body: credentials,
      responses: {
        200: { description: 'signed in', schema: tokensSchema },
        401: { description: 'wrong user name or password' },
        429: { description: 'too many failed sign-ins' },
      },
      async handler({ body, req }) {
        try {
          const { user, tokens } = await login(db, auth, throttle, body);
          await appendAudit(db, { actor: user.id, action: 'SIGN-IN', target: user.id, data: { ip: req.ip ?? null } });
          const { sessionId: _sessionId, ...answer } = tokens;
          return { status: 200, body: answer };
        } catch (error) {
          await appendAudit(db, { actor: `anonymous:${req.ip}`, action: 'SIGN-IN FAILED', target: body.username, data: { ip: req.ip ?? null } });
          throw error;
        }
      },
    }),
    route({
      method: 'post',
      path: '/auth/refresh',
      summary: '刷新令牌 / Exchange a refresh token for new tokens',
      tags: ['auth'],
      access: 'public',
      audit: false,
      body: z.strictObject({ refreshToken: z.string().min(1).max(500) }),
      responses: { 200: { description: 'new tokens', schema: tokensSchema }, 401: { description: 'invalid, expired or revoked' } },
      async handler({ body }) {
        const { sessionId: _sessionId, ...answer } = await refresh(db, auth, body.refreshToken);
        return { status: 200, body: answer };
      },
    }),
    route({
      method: 'post',
      path: '/auth/logout',
      summary: '退出登录（注销本会话）/ Sign out: revoke this session',
      tags: ['auth'],
      access: 'authenticated',
      responses: { 204: { description: 'the session is revoked' } },
      async handler({ req }) {
        const principal = principalOf(req);
        if (principal.sessionId) await revokeSession(db, principal.sessionId);
        return { status: 204 };
      },
    }),
    route({
      method: 'get',
      path: '/me',
      summary: '当前用户 / Who I am',
      tags: ['auth'],
      access: 'authenticated',
      responses: { 200: { description: 'the signed-in principal' } },
      async handler({ req }) {
        const { kind, id, roles: held, officerId } = principalOf(req);
        return { status: 200, body: { kind, id, roles: held, officerId } };
      },
    }),
    route({
      method: 'post',
      path: '/users',
      summary: '新建用户 / Create a user (leadership)',
      tags: ['auth'],
      access: ['leadership'],
      body: z.strictObject({
        username: z.string().trim().regex(/^[\w.-]{3,50}$/, '3–50 个字母、数字、._- / 3–50 letters, digits, . _ -'),
        displayName: z.string().trim().min(1).max(50),
        password: z.string().min(10, '至少 10 位 / at least 10 characters').max(200),
        roles: z.array(z.enum(roles)).min(1),
        officerId: z.uuid().optional(),
      }),
      responses: { 201: { description: 'created' }, 409: { description: 'user name taken' }, 422: { description: 'invalid fields' } },
      async handler({ body }) {
        if (body.roles.includes('officer') && !body.officerId) {
          throw new DomainError('invalid', '执法人员用户须关联执法人员名录 / an officer user must be linked to the officer directory', [
            { field: 'body.officerId', message: '必填 / required for the officer role' },
          ]);
        }
        return { status: 201, body: await createUser(db, body) };
      },
    }),
    route({
      method: 'post',
      path: '/users/:id/sessions/revoke',
      summary: '注销某用户的全部会话 / Revoke all sessions of a user (leadership)',
      tags: ['auth'],
      access: ['leadership'],
      params: idParams,
      responses: { 200: { description: 'how many sessions were revoked' } },
      async handler({ params }) {
        const { count } = await db.session.updateMany({ where: { userId: params.id, revokedAt: null }, data: { revokedAt: new Date() } });
        return { status: 200, body: { id: params.id, revoked: count } };
      },
    }),
    route({
      method: 'post',
      path: '/api-keys',
      summary: '新建服务账号 API 密钥（仅显示一次）/ Create a service API key (shown once)',
      tags: ['auth'],
      access: ['leadership'],
      body: z.strictObject({ name: z.string().trim().regex(/^[\w.-]{3,50}$/), roles: z.array(z.enum(roles)).min(1) }),
      responses: { 201: { description: 'the key, shown only now' } },
      async handler({ body }) {
        return { status: 201, body: await createApiKey(db, body.name, body.roles) };
      },
    }),
    route({
      method: 'delete',
      path: '/api-keys/:id',
      summary: '吊销 API 密钥 / Revoke an API key',
      tags: ['auth'],
      access: ['leadership'],
      params: idParams,
      responses: { 204: { description: 'revoked' }, 404: { description: 'no active key' } },
      async handler({ params }) {
        await revokeApiKey(db, params.id);
        return { status: 204 };
      },
    }),
  ];
}
