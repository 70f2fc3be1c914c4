// 我的通知: assignments, reminders and escalations as each person sees them, and marking them read.
import type { Db } from '../db/client';
import { DomainError } from '../domain/errors';
import type { Actor } from '../domain/inspectionCase';
import type { NotificationView } from '../domain/notification';


/**
 * The inboxes a person reads: their own, and their office's shared one (role:coordinator, role:leadership).
 * A shared notice marked read is read for the whole office, as with a shared mailbox: someone has seen to it.
 */
function inboxesOf(actor: Actor) {
  return { in: [actor.id, ...actor.roles.map((role) => `role:${role}`)] };
}

/** Where the next page starts: the last notice of this one, as `<createdAt ms>.<id>` (newest first, ties by id). */
export const notificationCursor = /^(\d{1,15})\.([1-9]\d{0,17})$/;

function afterCursor(cursor: string | undefined) {
  const match = cursor ? notificationCursor.exec(cursor) : null;
  if (!match) return {};
  const createdAt = new Date(Number(match[1]));
  const id = BigInt(match[2]!);
  return { OR: [{ createdAt: { lt: createdAt } }, { createdAt, id: { lt: id } }] };
}

/**
 * One page of a person's notices, newest first, and where the next begins (`nextCursor`, null on the last): a
 * cursor, not an offset, so that notices arriving while someone pages neither repeat nor hide older ones.
 */
export async function listNotifications(db: Db, actor: Actor, options: { limit: number; unreadOnly: boolean; cursor?: string }) {
  const mine = { recipient: inboxesOf(actor) };
  const listed = options.unreadOnly ? { ...mine, readAt: null } : mine;
  const [rows, unreadCount, total] = await db.$transaction([
    db.notification.findMany({
      where: { ...listed, ...afterCursor(options.cursor) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: options.limit + 1,
    }),
    db.notification.count({ where: { ...mine, readAt: null } }),
    db.notification.count({ where: listed }),
  ]);
  const page = rows.slice(0, options.limit);
  const last = page.at(-1);
  const items: NotificationView[] = page.map((row) => ({
    id: String(row.id),
    kind: row.kind,
    caseId: row.caseId,
    message: row.message,
    createdAt: row.createdAt.toISOString(),
    readAt: row.readAt?.toISOString() ?? null,
  }));
  return { items, unreadCount, total, nextCursor: rows.length > options.limit && last ? `${last.createdAt.getTime()}.${last.id}` : null };
}

/**
 * Marks the given notifications (or all of the person's unread ones) read. An id that is not in the person's
 * inboxes refuses the whole request and marks nothing. A notice already read keeps the time it was first read.
 */
export async function markNotificationsRead(db: Db, actor: Actor, which: { ids: string[] } | { all: true }, at: Date) {
  const mine = { recipient: inboxesOf(actor) };
  return db.$transaction(async (tx) => {
    let where: { recipient: ReturnType<typeof inboxesOf>; id?: { in: bigint[] } } = mine;
    if ('ids' in which) {
      const ids = which.ids.map(BigInt);
      const found = await tx.notification.findMany({ where: { ...mine, id: { in: ids } }, select: { id: true } });
      const foundIds = new Set(found.map((row) => String(row.id)));
      const missing = which.ids.flatMap((id, index) => (foundIds.has(id) ? [] : [{ id, index }]));
      if (missing.length > 0) {
        throw new DomainError(
          'not_found',
          `没有这些通知：${missing.map((m) => m.id).join(', ')} / no such notifications: ${missing.map((m) => m.id).join(', ')}`,
          missing.map(({ index }) => ({ field: `body.ids.${index}`, message: '不是您的通知 / not a notification of yours' })),
        );
      }
      where = { ...mine, id: { in: ids } };
    }
    const { count } = await tx.notification.updateMany({ where: { ...where, readAt: null }, data: { readAt: at } });
    const unreadCount = await tx.notification.count({ where: { ...mine, readAt: null } });
    return { marked: count, unreadCount };
  });
}
