// Accounts (R18): my own password, and for leadership the bureau's users — disable, re-enable, reset a password.
import { get, post, query, rememberMe, session } from '../api';
import { formValues, h } from '../dom';
import { formatDateTime, tr } from '../i18n';
import { rerender } from '../router';
import { actionForm, field, showProblem, table } from '../ui';

const roleNames: Record<string, [string, string]> = {
  leadership: ['局领导', 'leadership'],
  coordinator: ['大队办公室', 'brigade office'],
  officer: ['执法人员', 'officer'],
  auditor: ['审计', 'auditor'],
};
const roleLabel = (role: string) => (roleNames[role] ? tr(...roleNames[role]) : role);

interface Account {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  active: boolean;
  mustChangePassword: boolean;
  createdAt: string;
}

/** Changing my own password; the first admin (and anyone after a reset) is sent here until they do. */
export async function accountPage(): Promise<Node> {
  const me = session()!.me;
  const done = h('div', { 'data-testid': 'password-changed' });
  const form = actionForm(
    tr('修改密码', 'Change my password'),
    [
      field(tr('当前密码', 'Current password'), h('input', { name: 'currentPassword', type: 'password', autocomplete: 'current-password', required: true })),
      field(tr('新密码', 'New password'), h('input', { name: 'newPassword', type: 'password', autocomplete: 'new-password', minlength: '10', required: true }), tr('至少 10 位', 'at least 10 characters')),
      field(tr('再输一次新密码', 'New password again'), h('input', { name: 'repeat', type: 'password', autocomplete: 'new-password', required: true })),
    ],
    async (element) => {
      const values = formValues(element);
      if (values.newPassword !== values.repeat) {
        throw new Error(tr('两次输入的新密码不一致', 'the two new passwords differ'));
      }
      await post('/me/password', { currentPassword: values.currentPassword ?? '', newPassword: values.newPassword ?? '' });
      rememberMe({ mustChangePassword: false });
      element.reset();
      done.replaceChildren(h('p', { class: 'notice' }, tr('密码已修改；其他设备上的登录已退出。', 'Password changed; sign-ins on other devices have ended.')));
    },
    { submitLabel: tr('修改密码', 'Change password'), testId: 'change-password' },
  );
  return h(
    'section',
    { class: 'account' },
    h('h1', null, tr('我的账号', 'My account')),
    me.mustChangePassword
      ? h('p', { class: 'problem', 'data-testid': 'must-change-password' }, tr('您的密码是他人设定的（初始密码或重置），请先修改。', 'Someone else chose your password (the first one, or a reset): change it first.'))
      : null,
    h('p', null, tr(`用户名：${me.username}`, `User name: ${me.username}`)),
    form,
    done,
  );
}

/** Leadership's list of users, with the actions on each. */
export async function usersPage(_params: Record<string, string>, search: URLSearchParams): Promise<Node> {
  const q = search.get('q') ?? '';
  const page = await get<{ items: Account[]; total: number }>(`/users${query({ q: q || undefined, pageSize: 200 })}`);
  const problems = h('div');
  const notice = h('div', { 'data-testid': 'user-notice' });
  const act = (path: string, after: (answer: any) => void) => async () => {
    problems.replaceChildren();
    try {
      after(await post(path, {}));
    } catch (error) {
      showProblem(problems, error);
    }
  };
  const searchForm = h(
    'form',
    { class: 'filters', onsubmit: (event: Event) => { event.preventDefault(); location.hash = `#/users${query({ q: formValues(event.target as HTMLFormElement).q || undefined })}`; } },
    field(tr('用户名或姓名', 'User name or name'), h('input', { name: 'q', value: q })),
    h('button', { type: 'submit', class: 'secondary' }, tr('查找', 'Search')),
  );
  return h(
    'section',
    { class: 'users' },
    h('h1', null, tr('用户管理', 'Users')),
    searchForm,
    problems,
    notice,
    table<Account>(
      [
        { label: tr('用户名', 'User name'), value: (row) => row.username },
        { label: tr('姓名', 'Name'), value: (row) => row.displayName },
        { label: tr('角色', 'Roles'), value: (row) => row.roles.map(roleLabel).join('、') },
        {
          label: tr('状态', 'Status'),
          value: (row) => (row.active ? tr('在用', 'active') : tr('已停用', 'disabled')),
          cell: (row) =>
            h('span', { class: row.active ? 'badge' : 'badge overdue' }, row.active ? tr('在用', 'active') : tr('已停用', 'disabled'), row.mustChangePassword ? ` · ${tr('待改密码', 'password to change')}` : ''),
        },
        { label: tr('创建时间', 'Created'), value: (row) => formatDateTime(row.createdAt) },
        {
          label: tr('操作', 'Actions'),
          value: () => '',
          cell: (row) =>
            h(
              'span',
              { class: 'actions' },
              row.active
                ? h('button', { type: 'button', class: 'link', 'data-testid': `disable-${row.username}`, onclick: act(`/users/${row.id}/disable`, () => rerender()) }, tr('停用', 'Disable'))
                : h('button', { type: 'button', class: 'link', 'data-testid': `enable-${row.username}`, onclick: act(`/users/${row.id}/enable`, () => rerender()) }, tr('启用', 'Enable')),
              ' ',
              h(
                'button',
                {
                  type: 'button',
                  class: 'link',
                  'data-testid': `reset-${row.username}`,
                  onclick: act(`/users/${row.id}/password-reset`, (answer: { temporaryPassword: string }) =>
                    notice.replaceChildren(
                      h(
                        'p',
                        { class: 'notice' },
                        tr(`${row.displayName}（${row.username}）的临时密码：`, `Temporary password of ${row.displayName} (${row.username}): `),
                        h('code', { 'data-testid': 'temporary-password' }, answer.temporaryPassword),
                        tr('。仅显示这一次，请当面交给本人；其登录后须修改。', '. Shown only now: hand it over in person; they must change it after signing in.'),
                      ),
                    ),
                  ),
                },
                tr('重置密码', 'Reset password'),
              ),
            ),
        },
      ],
      page.items,
      { empty: tr('没有用户', 'No users'), testId: 'users' },
    ),
    h('p', null, tr(`共 ${page.total} 个用户`, `${page.total} users`)),
  );
}
