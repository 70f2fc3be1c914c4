import { z } from 'zod';
import { listNotifications, markNotificationsRead, notificationCursor } from '../../services/notifications';
import { actorOf, type ApiDependencies } from '../context';
import { route } from '../http';

const notificationSchema = z.object({
  id: z.string().regex(/^[1-9]\d*$/).meta({ description: '通知编号（十进制字符串）/ the notification number, as a decimal string' }),
  kind: z.string().meta({
    description:
      '如 assigned、review_due、inspection_returned、rectification_reported、deadline_reminder、revisit_due、inspection_overdue、escalation、publication_overdue / e.g. assigned, review_due, …',
  }),
  caseId: z.uuid().nullable(),
  message: z.string().meta({ description: '中文 / English' }),
  createdAt: z.iso.datetime(),
  readAt: z.iso.datetime().nullable().meta({ description: '首次标为已读的时间；null 为未读 / when it was first marked read; null while unread' }),
});

const notificationId = z.string().regex(/^[1-9]\d{0,17}$/, '通知编号是数字 / a notification id is a number');

const markReadBody = z
  .strictObject({
    ids: z.array(notificationId).min(1, '至少一条 / at least one').max(200, '最多 200 条 / at most 200').optional(),
    all: z.literal(true).optional(),
  })
  .refine((body) => (body.ids === undefined) !== (body.all === undefined), {
    path: ['ids'],
    message: '给出 ids 或 all: true，二者取一 / give either ids or all: true',
  });

export function notificationRoutes({ db }: ApiDependencies) {
  return [
    route({
      method: 'get',
      path: '/me/notifications',
      summary: '我的通知：指派、期限提醒、督办 / My notifications: assignments, reminders, escalations',
      tags: ['notifications'],
      access: 'authenticated',
      query: z.strictObject({
        limit: z.coerce.number().int().min(1).max(200).default(50).describe('每页条数 / notices per page'),
        unread: z.enum(['true', 'false']).default('false').describe('只看未读 / unread only'),
        cursor: z
          .string()
          .regex(notificationCursor, '应为上一页的 nextCursor / must be the nextCursor of the page before')
          .optional()
          .describe('从上一页的 nextCursor 处接着列 / continue from the page before\'s nextCursor'),
      }),
      responses: {
        200: {
          description: '一页通知，新的在前，及未读数与下一页的位置 / a page, newest first, with the count of unread ones and where the next page starts',
          schema: z.object({
            items: z.array(notificationSchema),
            unreadCount: z.int().min(0),
            total: z.int().min(0).meta({ description: '符合条件的通知总数 / how many notices the list has in all' }),
            nextCursor: z.string().nullable().meta({ description: '下一页的 cursor；最后一页为 null / the cursor of the next page; null on the last' }),
          }),
        },
      },
      async handler({ query, req }) {
        const body = await listNotifications(db, actorOf(req), { limit: query.limit, unreadOnly: query.unread === 'true', cursor: query.cursor });
        return { status: 200, body };
      },
    }),
    route({
      method: 'post',
      path: '/me/notifications/read',
      summary: '标为已读 / Mark notifications read',
      tags: ['notifications'],
      access: 'authenticated',
      body: markReadBody,
      responses: {
        200: {
          description: '新标为已读的条数及剩余未读数 / how many were newly marked, and how many remain unread',
          schema: z.object({ marked: z.int().min(0), unreadCount: z.int().min(0) }),
        },
        404: { description: '某编号不是您的通知，未作任何标记 / an id is not among your notifications; nothing was marked' },
        422: { description: 'ids 与 all 须给且只给其一 / neither or both of ids and all' },
      },
      async handler({ body, req }) {
        const which = body.ids ? { ids: body.ids } : { all: true as const };
        return { status: 200, body: await markNotificationsRead(db, actorOf(req), which, new Date()) };
      },
    }),
  ];
}
