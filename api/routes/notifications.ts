import { z } from 'zod';
import { actorOf, type ApiDependencies } from '../context';
import { route } from '../http';

const notificationSchema = z.object({
  id: z.string(),
  kind: z.string(),
  caseId: z.string().nullable(),
  message: z.string(),
  createdAt: z.iso.datetime(),
  readAt: z.iso.datetime().nullable(),
});

export function notificationRoutes({ db }: ApiDependencies) {
  return [
    route({
      method: 'get',
      path: '/me/notifications',
      summary: '我的通知：指派、期限提醒、督办 / My notifications: assignments, reminders, escalations',
      tags: ['notifications'],
      access: 'authenticated',
      query: z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
      responses: { 200: { description: 'newest first', schema: z.object({ items: z.array(notificationSchema) }) } },
      async handler({ query, req }) {
        const actor = actorOf(req);
        // An office's shared inbox (role:coordinator, role:leadership) is read by everyone in that role.
        const rows = await db.notification.findMany({
          where: { recipient: { in: [actor.id, ...actor.roles.map((role) => `role:${role}`)] } },
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
          take: query.limit,
        });
        return {
          status: 200,
          body: {
            items: rows.map((row) => ({
              id: String(row.id),
              kind: row.kind,
              caseId: row.caseId,
              message: row.message,
              createdAt: row.createdAt.toISOString(),
              readAt: row.readAt?.toISOString() ?? null,
            })),
          },
        };
      },
    }),
  ];
}
