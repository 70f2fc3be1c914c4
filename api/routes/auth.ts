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
  accessToken: z.string().meta({ description: '访问令牌（JWT）/ the access token, a JWT' }),
  tokenType: z.literal('Bearer'),
  expiresIn: z.int().min(1).meta({ description: '访问令牌有效秒数 / seconds the access token is valid' }),
  refreshToken: z.string().meta({ description: '刷新令牌，仅可用一次 / the refresh token, good for one refresh' }),
});

const roleList = z.array(z.enum(roles));

const userSchema = z.object({
  id: z.uuid(),
  username: z.string(),
  displayName: z.string(),
  roles: roleList,
  officerId: z.uuid().nullable().meta({ description: '关联的执法人员 / the officer directory entry of an officer\'s user' }),
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
        200: { description: '已登录 / signed in', schema: tokensSchema },
        401: { description: '用户名或密码错误 / wrong user name or password' },
        429: { description: '登录失败次数过多或请求过于频繁（见 Retry-After）/ too many failed sign-ins, or too many requests (see Retry-After)' },
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
      responses: {
        200: { description: '新令牌；原刷新令牌失效 / new tokens; the old refresh token stops working', schema: tokensSchema },
        401: { description: '刷新令牌无效、过期或已注销 / the refresh token is invalid, expired or revoked' },
      },
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
      responses: { 204: { description: '会话已注销 / the session is revoked' } },
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
      responses: {
        200: {
          description: '当前登录者 / the signed-in principal',
          schema: z.object({
            kind: z.enum(['user', 'service']).meta({ description: '用户或服务账号（API 密钥）/ a user, or a service account (API key)' }),
            id: z.string().meta({ description: '用户 id，或 `service:名称` / the user id, or `service:<name>`' }),
            roles: roleList,
            officerId: z.uuid().nullable(),
          }),
        },
      },
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
      responses: {
        201: { description: '已创建 / created', schema: userSchema },
        409: { description: '用户名已存在，或该执法人员已有用户 / the user name is taken, or the officer already has a user' },
        422: { description: '字段无效，或执法人员用户未关联执法人员 / invalid fields, or an officer user without an officer' },
      },
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
      responses: {
        200: {
          description: '注销的会话数 / how many sessions were revoked',
          schema: z.object({ id: z.uuid(), revoked: z.int().min(0).meta({ description: '注销的会话数；未知用户为 0 / sessions revoked; 0 for an unknown user' }) }),
        },
      },
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
      responses: {
        201: {
          description: '密钥，仅此一次显示 / the key, shown only now',
          schema: z.object({
            id: z.uuid(),
            name: z.string(),
            roles: roleList,
            key: z.string().meta({ description: '放在 X-API-Key 请求头中；不再显示 / send it as the X-API-Key header; it is not shown again' }),
          }),
        },
      },
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
      responses: { 204: { description: '已吊销 / revoked' }, 404: { description: '没有该有效密钥 / no such active key' } },
      async handler({ params }) {
        await revokeApiKey(db, params.id);
        return { status: 204 };
      },
    }),
  ];
}
