// The officer's workbench: my open cases with their next step and deadline, overdue first; my notifications.
import { get, post, query, session } from '../api';
import { h } from '../dom';
import { bilingual, formatDate, formatDateTime, nextStepLabel, tr } from '../i18n';
import { rerender } from '../router';
import { showProblem, statusBadge, table } from '../ui';
import type { NotificationView } from '../../../domain/notification';
import type { CaseRow } from './cases';

const openStatuses = ['awaiting_inspection', 'under_review', 'awaiting_rectification_order', 'rectifying', 'awaiting_revisit', 'awaiting_disposition', 'publishing'];

/** The date that matters next for a case, and whether it has passed. */
export function nextDeadline(row: CaseRow, now = Date.now()): { at: string | null; overdue: boolean } {
  const at =
    row.status === 'awaiting_inspection' ? row.inspectionDueAt : row.status === 'rectifying' ? row.rectificationDeadline : row.status === 'awaiting_revisit' ? row.revisitDueAt : null;
  return { at, overdue: (at !== null && new Date(at).getTime() < now) || (row.status === 'awaiting_revisit' && row.escalationLevel > 0) };
}

export async function workbenchPage(): Promise<Node> {
  const me = session()!.me;
  const [cases, notifications] = await Promise.all([
    get<{ items: CaseRow[] }>(`/cases${query({ officerId: me.officerId ?? undefined, pageSize: 200 })}`),
    get<NotificationPage>('/me/notifications?limit=30'),
  ]);
  const open = cases.items
    .filter((row) => openStatuses.includes(row.status))
    .map((row) => ({ ...row, deadline: nextDeadline(row) }))
    .sort((a, b) => Number(b.deadline.overdue) - Number(a.deadline.overdue) || (a.deadline.at ?? '9').localeCompare(b.deadline.at ?? '9'));

  return h(
    'div',
    { class: 'workbench' },
    h('h1', null, tr('我的案件', 'My cases')),
    table(
      [
        { label: tr('检查对象', 'Entity'), value: (row) => row.entity.name, cell: (row) => h('a', { href: `#/cases/${row.id}` }, row.entity.name) },
        { label: tr('状态', 'Status'), value: (row) => row.status, cell: (row) => statusBadge(row.status) },
        { label: tr('下一步', 'Next step'), value: (row) => nextStepLabel(row.status) },
        {
          label: tr('期限', 'Deadline'),
          value: (row) => row.deadline.at ?? '',
          cell: (row) =>
            h('span', { class: row.deadline.overdue ? 'overdue' : null }, formatDate(row.deadline.at), row.deadline.overdue ? ` ${tr('已逾期', 'overdue')}` : ''),
        },
      ],
      open,
      { empty: tr('没有待办案件', 'No open cases'), testId: 'my-cases', exportAs: tr('我的案件', 'my cases') },
    ),
    notificationList(notifications),
  );
}

interface NotificationPage {
  items: NotificationView[];
  unreadCount: number;
  total: number;
  nextCursor: string | null;
}

/** Unread notices stand out and can be marked read one by one or all at once; older ones come page by page. */
function notificationList({ items, unreadCount, total, nextCursor }: NotificationPage): Node {
  const problems = h('div');
  const markRead = (body: { ids: string[] } | { all: true }) => async () => {
    try {
      await post('/me/notifications/read', body);
      rerender();
    } catch (error) {
      showProblem(problems, error);
    }
  };
  const entry = (item: NotificationView) =>
    h(
      'li',
      { class: item.readAt ? 'read' : 'unread' },
      h('time', null, formatDateTime(item.createdAt)),
      ' ',
      item.caseId ? h('a', { href: `#/cases/${item.caseId}` }, bilingual(item.message)) : bilingual(item.message),
      item.readAt ? null : h('button', { type: 'button', class: 'link', onclick: markRead({ ids: [item.id] }) }, tr('标为已读', 'Mark read')),
    );
  const list = h('ul', { class: 'notifications', 'data-testid': 'notifications' }, items.map(entry));
  let cursor = nextCursor;
  const more: HTMLButtonElement = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      'data-testid': 'more-notifications',
      onclick: async () => {
        if (!cursor) return;
        more.disabled = true;
        try {
          const next = await get<NotificationPage>(`/me/notifications${query({ limit: 50, cursor })}`);
          list.append(...next.items.map(entry));
          cursor = next.nextCursor;
          more.hidden = !cursor;
        } catch (error) {
          showProblem(problems, error);
        } finally {
          more.disabled = false;
        }
      },
    },
    tr(`更早的通知（共 ${total} 条）`, `Older notifications (${total} in all)`),
  );
  more.hidden = !cursor;
  return h(
    'section',
    null,
    h(
      'h2',
      null,
      tr('我的通知', 'My notifications'),
      unreadCount ? h('span', { class: 'badge unread-count', 'data-testid': 'unread-count' }, tr(`${unreadCount} 条未读`, `${unreadCount} unread`)) : null,
    ),
    unreadCount ? h('button', { type: 'button', class: 'secondary', 'data-testid': 'mark-all-read', onclick: markRead({ all: true }) }, tr('全部标为已读', 'Mark all read')) : null,
    problems,
    items.length ? [list, more] : h('p', { class: 'empty' }, tr('暂无通知', 'No notifications')),
  );
}
