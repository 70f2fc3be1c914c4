// Sign-in, token refresh, sign-out; user and API-key administration (R18).
import { z } from 'zod';
import { roles } from '../../domain/inspectionCase';
import { appendAudit } from '../../services/audit';
import { changeOwnPassword, listUsers, MIN_PASSWORD_LENGTH, resetPassword, setUserActive } from '../../services/accounts';
import { createApiKey, createUser, login, refresh, revokeApiKey, revokeSession } from '../../services/auth';
import { DomainError } from '../../domain/errors';
import { principalOf, type ApiDependencies } from '../context';
import { pageOf, pageQuery, route } from '../http';
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

const accountSchema = userSchema.extend({
  active: z.boolean().meta({ description: '停用的用户不能登录 / a disabled user cannot sign in' }),
  mustChangePassword: z.boolean(),
  createdAt: z.iso.datetime(),
});

const newPassword = z
  .string({ error: '必填 / required' })
  .min(MIN_PASSWORD_LENGTH, `至少 ${MIN_PASSWORD_LENGTH} 位 / at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(200);

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
      secret: true,
      body: credentials,
      responses: {
        200: { description: '已登录 / signed in', schema: tokensSchema },
        401: { description: '用户名或密码错误 / wrong user name or password' },
        429: { description: '登录失败次数过多或请求过于频繁（见 Retry-After）/ too many failed sign-ins, or too many requests (see Retry-After)' },
      },
      async handler({ body, req }) {
        try {
          const { user, tokens } = await login(db, auth, throttle, { ...body, address: req.ip ?? 'unknown' });
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
      secret: true,
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
            displayName: z.string().nullable().meta({ description: '用户的姓名或职务；服务账号为 null / the user\'s name or title; null for a service account' }),
            mustChangePassword: z.boolean().meta({ description: '密码由他人设定（首个管理员、重置），应尽快修改 / someone else chose the password (the first admin\'s, a reset): change it' }),
          }),
        },
      },
      async handler({ req }) {
        const { kind, id, roles: held, officerId } = principalOf(req);
        const user = kind === 'user' ? await db.user.findUnique({ where: { id }, select: { displayName: true, mustChangePassword: true } }) : null;
        return { status: 200, body: { kind, id, roles: held, officerId, displayName: user?.displayName ?? null, mustChangePassword: user?.mustChangePassword ?? false } };
      },
    }),
    route({
      method: 'post',
      path: '/me/password',
      summary: '修改自己的密码 / Change my own password',
      tags: ['auth'],
      access: 'authenticated',
      secret: true,
      body: z.strictObject({
        currentPassword: z.string({ error: '必填 / required' }).min(1).max(200),
        newPassword: newPassword,
      }),
      responses: {
        204: { description: '已修改；其他会话已注销，本会话继续有效 / changed; other sessions are revoked, this one goes on' },
        403: { description: '服务账号没有密码 / a service account has no password' },
        422: { description: '当前密码不正确，或新密码不合要求 / the current password is wrong, or the new one is not acceptable' },
      },
      async handler({ body, req }) {
        const principal = principalOf(req);
        if (principal.kind !== 'user') throw new DomainError('refused', '服务账号没有密码 / a service account has no password');
        await changeOwnPassword(db, principal.id, principal.sessionId, body);
        return { status: 204 };
      },
    }),
    route({
      method: 'get',
      path: '/users',
      summary: '用户列表 / List users (leadership)',
      tags: ['auth'],
      access: ['leadership'],
      query: z.strictObject({
        q: z.string().trim().max(100).optional().meta({ description: '用户名或姓名 / user name or display name' }),
        active: z.enum(['true', 'false']).optional().transform((value) => (value === undefined ? undefined : value === 'true')),
        ...pageQuery(200),
      }),
      responses: { 200: { description: '一页用户，按用户名排序 / a page of users, by user name', schema: pageOf(accountSchema) } },
      async handler({ query }) {
        return { status: 200, body: await listUsers(db, query) };
      },
    }),
    route({
      method: 'post',
      path: '/users/:id/disable',
      summary: '停用用户（其会话随即注销）/ Disable a user; their sessions end at once (leadership)',
      tags: ['auth'],
      access: ['leadership'],
      params: idParams,
      body: z.strictObject({ reason: z.string().trim().min(1).max(500).optional() }),
      responses: {
        200: { description: '已停用 / disabled', schema: accountSchema },
        409: { description: '不能停用自己，或最后一个在用的局领导 / not yourself, nor the last active leadership account' },
      },
      async handler({ params, req }) {
        const { user, before } = await setUserActive(db, principalOf(req).id, params.id, false);
        return { status: 200, body: user, audit: { before, after: { active: false } } };
      },
    }),
    route({
      method: 'post',
      path: '/users/:id/enable',
      summary: '重新启用用户 / Re-enable a user (leadership)',
      tags: ['auth'],
      access: ['leadership'],
      params: idParams,
      body: z.strictObject({ reason: z.string().trim().min(1).max(500).optional() }),
      responses: { 200: { description: '已启用 / enabled', schema: accountSchema } },
      async handler({ params, req }) {
        const { user, before } = await setUserActive(db, principalOf(req).id, params.id, true);
        return { status: 200, body: user, audit: { before, after: { active: true } } };
      },
    }),
    route({
      method: 'post',
      path: '/users/:id/password-reset',
      summary: '重置用户密码（临时密码仅显示一次）/ Reset a user\'s password: a temporary one, shown once (leadership)',
      tags: ['auth'],
      access: ['leadership'],
      secret: true,
      params: idParams,
      responses: {
        200: {
          description: '临时密码，仅此一次显示；用户登录后须修改，其会话均已注销 / the temporary password, shown only now; the user must change it, and their sessions are revoked',
          schema: z.object({ user: accountSchema, temporaryPassword: z.string() }),
        },
      },
      async handler({ params }) {
        return { status: 200, body: await resetPassword(db, params.id) };
      },
    }),
    route({
      method: 'post',
      path: '/users',
      summary: '新建用户 / Create a user (leadership)',
      tags: ['auth'],
      access: ['leadership'],
      secret: true,
      body: z.strictObject({
        username: z.string().trim().regex(/^[\w.-]{3,50}$/, '3–50 个字母、数字、._- / 3–50 letters, digits, . _ -'),
        displayName: z.string().trim().min(1).max(50),
        password: newPassword,
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
      secret: true,
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
