// Accounts (R18): a user changes their own password; leadership lists users, disables and re-enables them, and
// resets a password. Passwords are only ever kept as scrypt hashes (services/auth.ts).
import { randomBytes } from 'node:crypto';
import type { Db } from '../db/client';
import { paged, type PageRequest } from '../db/paged';
import { DomainError } from '../domain/errors';
import { roles as allRoles, type Role } from '../domain/inspectionCase';
import { hashPassword, verifyPassword } from './auth';

export const MIN_PASSWORD_LENGTH = 10;

const userView = (user: { id: string; username: string; displayName: string; roles: string[]; officerId: string | null; active: boolean; mustChangePassword: boolean; createdAt: Date }) => ({
  id: user.id,
  username: user.username,
  displayName: user.displayName,
  roles: user.roles.filter((role): role is Role => (allRoles as readonly string[]).includes(role)),
  officerId: user.officerId,
  active: user.active,
  mustChangePassword: user.mustChangePassword,
  createdAt: user.createdAt.toISOString(),
});

export type UserView = ReturnType<typeof userView>;

export async function listUsers(db: Db, request: PageRequest & { q?: string; active?: boolean }) {
  const where = {
    ...(request.active === undefined ? {} : { active: request.active }),
    ...(request.q ? { OR: [{ username: { contains: request.q } }, { displayName: { contains: request.q } }] } : {}),
  };
  return paged(db, request, { count: db.user.count({ where }), findMany: (window) => db.user.findMany({ where, orderBy: { username: 'asc' }, ...window }) }, userView);
}

async function userOrNotFound(db: Db, id: string) {
  const user = await db.user.findUnique({ where: { id } });
  if (!user) throw new DomainError('not_found', `没有用户 ${id} / no user ${id}`);
  return user;
}

/**
 * The user's own change: the current password proves it is them (a stolen access token alone cannot change it).
 * Their other sessions end; the one they are using goes on.
 */
export async function changeOwnPassword(db: Db, userId: string, currentSessionId: string | undefined, change: { currentPassword: string; newPassword: string }) {
  const user = await userOrNotFound(db, userId);
  if (!(await verifyPassword(change.currentPassword, user.passwordHash))) {
    throw new DomainError('invalid', '当前密码不正确 / the current password is wrong', [{ field: 'body.currentPassword', message: '不正确 / wrong' }]);
  }
  if (change.newPassword === change.currentPassword) {
    throw new DomainError('invalid', '新密码须与当前密码不同 / the new password must differ from the current one', [{ field: 'body.newPassword', message: '与当前密码相同 / same as the current one' }]);
  }
  const passwordHash = await hashPassword(change.newPassword);
  const current = currentSessionId ? await db.session.findUnique({ where: { id: currentSessionId }, select: { familyId: true } }) : null;
  await db.$transaction([
    db.user.update({ where: { id: userId }, data: { passwordHash, mustChangePassword: false } }),
    db.session.updateMany({
      where: { userId, revokedAt: null, ...(current ? { NOT: { familyId: current.familyId } } : {}) },
      data: { revokedAt: new Date() },
    }),
  ]);
}

export async function setUserActive(db: Db, actorUserId: string, id: string, active: boolean) {
  const user = await userOrNotFound(db, id);
  if (!active) {
    if (id === actorUserId) throw new DomainError('conflict', '不能停用自己的账号 / you cannot disable your own account');
    if (user.active && user.roles.includes('leadership')) {
      const otherLeaders = await db.user.count({ where: { active: true, roles: { has: 'leadership' }, NOT: { id } } });
      if (otherLeaders === 0) throw new DomainError('conflict', '这是最后一个在用的局领导账号，不能停用 / this is the last active leadership account: it cannot be disabled');
    }
  }
  const [updated] = await db.$transaction([
    db.user.update({ where: { id }, data: { active } }),
    // A disabled user's sessions end at once (the session check also reads `active`).
    ...(active ? [] : [db.session.updateMany({ where: { userId: id, revokedAt: null }, data: { revokedAt: new Date() } })]),
  ]);
  return { user: userView(updated), before: { active: user.active } };
}

/**
 * A new random password, shown once to the leader who reset it, to hand over; the user must change it, and every
 * session of theirs ends.
 */
export async function resetPassword(db: Db, id: string) {
  await userOrNotFound(db, id);
  const temporaryPassword = randomBytes(12).toString('base64url');
  const [updated] = await db.$transaction([
    db.user.update({ where: { id }, data: { passwordHash: await hashPassword(temporaryPassword), mustChangePassword: true } }),
    db.session.updateMany({ where: { userId: id, revokedAt: null }, data: { revokedAt: new Date() } }),
  ]);
  return { user: userView(updated), temporaryPassword };
}

export async function mustChangePassword(db: Db, userId: string): Promise<boolean> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { mustChangePassword: true } });
  return user?.mustChangePassword ?? false;
}
