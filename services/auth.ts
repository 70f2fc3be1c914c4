// Sign-in (R18): users with scrypt-hashed passwords, short-lived signed access tokens tied to a revocable
// session, refresh tokens stored hashed, API keys for other programs, and a throttle on failed sign-ins.
import { createHash, createHmac, randomBytes, randomUUID, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { Db } from '../db/client';
import { prepared } from '../db/prepared';
import { DomainError } from '../domain/errors';
import { roles as allRoles, type Actor, type Role } from '../domain/inspectionCase';

const sessionValidity = prepared<{ valid: boolean }>(
  'session_validity',
  `select s."revokedAt" is null and u.active as valid from "Session" s join "User" u on u.id = s."userId" where s.id = $1::uuid`,
);

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;
// Memory-hard: 2^15 × 8 × 128 bytes = 32 MiB per hash, so guessing at scale is expensive.
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 32, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: SCRYPT.maxmem });
  return timingSafeEqual(actual, expected);
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const base64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');

export interface AuthSettings {
  tokenSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  loginMaxFailures: number;
  loginLockMinutes: number;
}

interface AccessClaims {
  sub: string;
  sid: string;
  roles: Role[];
  oid: string | null;
  iat: number;
  exp: number;
}

export function signAccessToken(secret: string, claims: AccessClaims): string {
  const head = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = base64url(JSON.stringify(claims));
  const signature = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${signature}`;
}

function readAccessToken(secret: string, token: string, now: Date): AccessClaims {
  const unauthenticated = (why: string) => new DomainError('unauthenticated', why);
  const [head, body, signature] = token.split('.');
  if (!head || !body || !signature) throw unauthenticated('令牌格式无效 / malformed token');
  const expected = createHmac('sha256', secret).update(`${head}.${body}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw unauthenticated('令牌签名无效 / invalid token signature');
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as AccessClaims;
  if (claims.exp * 1000 <= now.getTime()) throw unauthenticated('令牌已过期，请刷新或重新登录 / the token has expired: refresh or sign in again');
  return claims;
}

/** Who a request comes from, once authenticated. */
export interface Principal {
  kind: 'user' | 'service';
  id: string;
  roles: Role[];
  /** For an officer's user: their directory id, which case teams list. */
  officerId: string | null;
  sessionId?: string;
}

export function actorOfPrincipal(principal: Principal): Actor {
  return { id: principal.officerId ?? principal.id, roles: principal.roles };
}

const validRoles = (values: string[]) => values.filter((value): value is Role => (allRoles as readonly string[]).includes(value));

/** Failed sign-ins per user name: after too many, the name is locked for a while (in this process). */
export class LoginThrottle {
  private failures = new Map<string, { count: number; until: number }>();
  constructor(private readonly maxFailures: number, private readonly lockMs: number) {}

  check(username: string, now: number): void {
    const entry = this.failures.get(username);
    if (entry && entry.count >= this.maxFailures && entry.until > now) {
      const seconds = Math.ceil((entry.until - now) / 1000);
      throw Object.assign(new DomainError('rate_limited', `登录失败次数过多，请 ${seconds} 秒后再试 / too many failed sign-ins: try again in ${seconds} s`), {
        retryAfterSeconds: seconds,
      });
    }
  }

  fail(username: string, now: number): void {
    const entry = this.failures.get(username);
    const count = entry && entry.until > now ? entry.count + 1 : 1;
    this.failures.set(username, { count, until: now + this.lockMs });
  }

  succeed(username: string): void {
    this.failures.delete(username);
  }
}

export interface NewUser {
  username: string;
  displayName: string;
  password: string;
  roles: Role[];
  officerId?: string;
}

export async function createUser(db: Db, user: NewUser) {
  if (await db.user.findUnique({ where: { username: user.username }, select: { id: true } })) {
    throw new DomainError('conflict', '用户名已存在 / this user name is taken', [{ field: 'body.username', message: '已存在 / already exists' }]);
  }
  const created = await db.user.create({
    data: {
      id: randomUUID(),
      username: user.username,
      displayName: user.displayName,
      passwordHash: await hashPassword(user.password),
      roles: user.roles,
      officerId: user.officerId ?? null,
    },
  });
  return { id: created.id, username: created.username, displayName: created.displayName, roles: validRoles(created.roles), officerId: created.officerId };
}

async function issueTokens(db: Db, settings: AuthSettings, user: { id: string; roles: string[]; officerId: string | null }, now: Date) {
  const refreshToken = `ssr_${randomBytes(32).toString('base64url')}`;
  const session = await db.session.create({
    data: {
      id: randomUUID(),
      userId: user.id,
      refreshTokenHash: sha256(refreshToken),
      createdAt: now,
      expiresAt: new Date(now.getTime() + settings.refreshTokenTtlDays * 86_400_000),
    },
  });
  const iat = Math.floor(now.getTime() / 1000);
  const accessToken = signAccessToken(settings.tokenSecret, {
    sub: user.id,
    sid: session.id,
    roles: validRoles(user.roles),
    oid: user.officerId,
    iat,
    exp: iat + settings.accessTokenTtlSeconds,
  });
  return { accessToken, tokenType: 'Bearer' as const, expiresIn: settings.accessTokenTtlSeconds, refreshToken, sessionId: session.id };
}

export async function login(db: Db, settings: AuthSettings, throttle: LoginThrottle, credentials: { username: string; password: string }, now = new Date()) {
  throttle.check(credentials.username, now.getTime());
  const user = await db.user.findUnique({ where: { username: credentials.username } });
  // The same answer whether the name or the password was wrong: names are not to be probed.
  if (!user || !user.active || !(await verifyPassword(credentials.password, user.passwordHash))) {
    throttle.fail(credentials.username, now.getTime());
    throw new DomainError('unauthenticated', '用户名或密码错误 / wrong user name or password');
  }
  throttle.succeed(credentials.username);
  return { user, tokens: await issueTokens(db, settings, user, now) };
}

/** Exchanges a refresh token for new tokens; the old refresh token stops working (rotation). */
export async function refresh(db: Db, settings: AuthSettings, refreshToken: string, now = new Date()) {
  const session = await db.session.findUnique({ where: { refreshTokenHash: sha256(refreshToken) }, include: { user: true } });
  if (!session || session.revokedAt || session.expiresAt <= now || !session.user.active) {
    throw new DomainError('unauthenticated', '刷新令牌无效或已失效 / the refresh token is invalid, expired or revoked');
  }
  await db.session.update({ where: { id: session.id }, data: { revokedAt: now } });
  return issueTokens(db, settings, session.user, now);
}

export async function revokeSession(db: Db, sessionId: string, now = new Date()): Promise<void> {
  await db.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: now } });
}

export async function createApiKey(db: Db, name: string, keyRoles: Role[], now = new Date()) {
  const key = `ssk_${randomBytes(32).toString('base64url')}`;
  const created = await db.apiKey.create({ data: { id: randomUUID(), name, keyHash: sha256(key), roles: keyRoles, createdAt: now } });
  return { id: created.id, name, roles: keyRoles, key };
}

export async function revokeApiKey(db: Db, id: string, now = new Date()): Promise<void> {
  const { count } = await db.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: now } });
  if (count === 0) throw new DomainError('not_found', `没有有效的 API 密钥 ${id} / no active API key ${id}`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads the credentials of a request: a Bearer access token (checked against its session) or an API key. */
export async function authenticate(
  db: Db,
  settings: AuthSettings,
  credentials: { authorization?: string; apiKey?: string },
  now = new Date(),
): Promise<Principal | undefined> {
  if (credentials.apiKey) {
    const key = await db.apiKey.findUnique({ where: { keyHash: sha256(credentials.apiKey) } });
    if (!key || key.revokedAt) throw new DomainError('unauthenticated', 'API 密钥无效或已吊销 / invalid or revoked API key');
    return { kind: 'service', id: `service:${key.name}`, roles: validRoles(key.roles), officerId: null };
  }
  if (!credentials.authorization) return undefined;
  const [scheme, token] = credentials.authorization.split(' ');
  if (scheme?.toLowerCase() !== 'bearer' || !token) {
    throw new DomainError('unauthenticated', '应使用 Bearer 令牌 / use a Bearer token');
  }
  const claims = readAccessToken(settings.tokenSecret, token, now);
  // Every signed-in request asks this: a prepared statement.
  const session = UUID.test(claims.sid) ? (await sessionValidity(db, [claims.sid]))[0] : undefined;
  if (!session?.valid) {
    throw new DomainError('unauthenticated', '会话已注销 / the session has been revoked');
  }
  return { kind: 'user', id: claims.sub, roles: claims.roles, officerId: claims.oid, sessionId: claims.sid };
}
