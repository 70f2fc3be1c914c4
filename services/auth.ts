// Sign-in (R18): users with scrypt-hashed passwords, short-lived signed access tokens tied to a revocable
// session (jose), refresh tokens stored hashed and rotated, API keys for other programs, and a throttle on failed
// sign-ins shared by every API process.
import { createHash, randomBytes, randomUUID, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { RateLimiterPostgres } from 'rate-limiter-flexible';
import { z } from 'zod';
import { poolOf, type Db } from '../db/client';
import { prepared } from '../db/prepared';
import { DomainError } from '../domain/errors';
import { roles as allRoles, type Actor, type Role } from '../domain/inspectionCase';
import { appendAudit } from './audit';

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

const claimsSchema = z.object({
  sub: z.string().min(1),
  sid: z.string(),
  roles: z.array(z.string()),
  oid: z.string().nullable(),
  iat: z.number(),
  exp: z.number(),
});

const signingKeys = new Map<string, Uint8Array>();
const keyOf = (secret: string) => {
  let key = signingKeys.get(secret);
  if (!key) signingKeys.set(secret, (key = new TextEncoder().encode(secret)));
  return key;
};

/** An HS256 JWT, signed with jose. */
export function signAccessToken(secret: string, claims: AccessClaims): Promise<string> {
  const { sub, iat, exp, ...rest } = claims;
  return new SignJWT(rest).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(sub).setIssuedAt(iat).setExpirationTime(exp).sign(keyOf(secret));
}

/**
 * Only HS256 with this secret, with an expiry, subject and session, and a JSON payload of the right shape: any
 * other token is a 401, never an error of the server.
 */
async function readAccessToken(secret: string, token: string, now: Date): Promise<AccessClaims> {
  const unauthenticated = (why: string) => new DomainError('unauthenticated', why);
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, keyOf(secret), { algorithms: ['HS256'], requiredClaims: ['exp', 'iat', 'sub', 'sid'], currentDate: now, clockTolerance: 0 }));
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw unauthenticated('令牌已过期，请刷新或重新登录 / the token has expired: refresh or sign in again');
    if (error instanceof joseErrors.JWSSignatureVerificationFailed) throw unauthenticated('令牌签名无效 / invalid token signature');
    throw unauthenticated('令牌无效 / invalid token');
  }
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) throw unauthenticated('令牌内容无效 / the token\'s claims are invalid');
  return { ...claims.data, roles: validRoles(claims.data.roles) };
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

/**
 * Failed sign-ins, counted per user name *and* address in PostgreSQL (so every API process sees the same count):
 * after `freeFailures` of them, each further failure makes that address wait before its next try, 1 s, 2 s, 4 s …
 * up to `longestDelaySeconds`. Nobody is locked out: a stranger's failures slow the stranger, and the user signs
 * in from their own address as before.
 */
export class LoginThrottle {
  private readonly failures: RateLimiterPostgres;
  private readonly delays: RateLimiterPostgres;
  constructor(
    db: Db,
    private readonly freeFailures: number,
    private readonly longestDelaySeconds: number,
  ) {
    const store = { storeClient: poolOf(db), storeType: 'pool', tableName: 'RateLimit', tableCreated: true };
    // A failure is forgotten a day after the last one.
    this.failures = new RateLimiterPostgres({ ...store, keyPrefix: 'sign-in-failures', points: 1_000_000, duration: 86_400 });
    this.delays = new RateLimiterPostgres({ ...store, keyPrefix: 'sign-in-delay', points: 1, duration: 1 });
  }

  private static key(username: string, address: string): string {
    return `${username.slice(0, 100)}|${address}`;
  }

  async check(username: string, address: string): Promise<void> {
    const waiting = await this.delays.get(LoginThrottle.key(username, address));
    if (waiting && waiting.consumedPoints > 1 && waiting.msBeforeNext > 0) {
      const seconds = Math.ceil(waiting.msBeforeNext / 1000);
      throw Object.assign(new DomainError('rate_limited', `登录失败次数过多，请 ${seconds} 秒后再试 / too many failed sign-ins: try again in ${seconds} s`), {
        retryAfterSeconds: seconds,
      });
    }
  }

  async fail(username: string, address: string): Promise<void> {
    const key = LoginThrottle.key(username, address);
    const { consumedPoints } = await this.failures.consume(key);
    if (consumedPoints >= this.freeFailures) {
      const delay = Math.min(2 ** Math.min(consumedPoints - this.freeFailures, 30), this.longestDelaySeconds);
      await this.delays.block(key, delay);
    }
  }

  async succeed(username: string, address: string): Promise<void> {
    const key = LoginThrottle.key(username, address);
    await Promise.all([this.failures.delete(key), this.delays.delete(key)]);
  }
}

export interface NewUser {
  username: string;
  displayName: string;
  password: string;
  roles: Role[];
  officerId?: string;
  /** Someone other than the user chose this password (the first admin's): the user is asked to change it. */
  mustChangePassword?: boolean;
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
      mustChangePassword: user.mustChangePassword ?? false,
    },
  });
  return { id: created.id, username: created.username, displayName: created.displayName, roles: validRoles(created.roles), officerId: created.officerId };
}

async function issueTokens(db: Db, settings: AuthSettings, user: { id: string; roles: string[]; officerId: string | null }, now: Date, familyId?: string) {
  const refreshToken = `ssr_${randomBytes(32).toString('base64url')}`;
  const id = randomUUID();
  const session = await db.session.create({
    data: {
      id,
      familyId: familyId ?? id,
      userId: user.id,
      refreshTokenHash: sha256(refreshToken),
      createdAt: now,
      expiresAt: new Date(now.getTime() + settings.refreshTokenTtlDays * 86_400_000),
    },
  });
  const iat = Math.floor(now.getTime() / 1000);
  const accessToken = await signAccessToken(settings.tokenSecret, {
    sub: user.id,
    sid: session.id,
    roles: validRoles(user.roles),
    oid: user.officerId,
    iat,
    exp: iat + settings.accessTokenTtlSeconds,
  });
  return { accessToken, tokenType: 'Bearer' as const, expiresIn: settings.accessTokenTtlSeconds, refreshToken, sessionId: session.id };
}

export async function login(
  db: Db,
  settings: AuthSettings,
  throttle: LoginThrottle,
  credentials: { username: string; password: string; address: string },
  now = new Date(),
) {
  await throttle.check(credentials.username, credentials.address);
  const user = await db.user.findUnique({ where: { username: credentials.username } });
  // The same answer whether the name or the password was wrong: names are not to be probed.
  if (!user || !user.active || !(await verifyPassword(credentials.password, user.passwordHash))) {
    await throttle.fail(credentials.username, credentials.address);
    throw new DomainError('unauthenticated', '用户名或密码错误 / wrong user name or password');
  }
  await throttle.succeed(credentials.username, credentials.address);
  return { user, tokens: await issueTokens(db, settings, user, now) };
}

const refreshRefused = () => new DomainError('unauthenticated', '刷新令牌无效或已失效 / the refresh token is invalid, expired or revoked');

/**
 * Exchanges a refresh token for new tokens; the old refresh token stops working (rotation). A spent token that
 * comes back means two holders, one of them a thief: every session of that sign-in is revoked, so both must
 * sign in again, and the audit log says so.
 */
export async function refresh(db: Db, settings: AuthSettings, refreshToken: string, now = new Date()) {
  const session = await db.session.findUnique({ where: { refreshTokenHash: sha256(refreshToken) }, include: { user: true } });
  if (!session) throw refreshRefused();
  const revokeFamily = async () => {
    const { count } = await db.session.updateMany({ where: { familyId: session.familyId, revokedAt: null }, data: { revokedAt: now } });
    if (count > 0) {
      await appendAudit(db, {
        actor: 'system',
        action: 'SESSION FAMILY REVOKED',
        target: session.userId,
        reason: '已轮换的刷新令牌被再次使用 / a rotated refresh token was used again',
        data: { familyId: session.familyId, revoked: count },
      });
    }
  };
  if (session.revokedAt) {
    await revokeFamily();
    throw refreshRefused();
  }
  if (session.expiresAt <= now || !session.user.active) throw refreshRefused();
  const { count } = await db.session.updateMany({ where: { id: session.id, revokedAt: null }, data: { revokedAt: now } });
  if (count === 0) {
    // Another request spent it a moment ago: the same token twice, as above.
    await revokeFamily();
    throw refreshRefused();
  }
  return issueTokens(db, settings, session.user, now, session.familyId);
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
  const claims = await readAccessToken(settings.tokenSecret, token, now);
  // Every signed-in request asks this: a prepared statement.
  const session = UUID.test(claims.sid) ? (await sessionValidity(db, [claims.sid]))[0] : undefined;
  if (!session?.valid) {
    throw new DomainError('unauthenticated', '会话已注销 / the session has been revoked');
  }
  return { kind: 'user', id: claims.sub, roles: claims.roles, officerId: claims.oid, sessionId: claims.sid };
}
