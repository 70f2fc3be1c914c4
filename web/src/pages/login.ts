import { signIn } from '../api';
import { formValues, h } from '../dom';
import { tr } from '../i18n';
import { navigate } from '../router';
import { actionForm, field } from '../ui';

export async function loginPage(): Promise<Node> {
  const form = actionForm(
    tr('登录', 'Sign in'),
    [
      field(tr('用户名', 'User name'), h('input', { name: 'username', autocomplete: 'username', required: true })),
      field(tr('密码', 'Password'), h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
    ],
    async (element) => {
      const values = formValues(element);
      await signIn(values.username ?? '', values.password ?? '');
      navigate('#/');
    },
    { submitLabel: tr('登录', 'Sign in'), testId: 'login' },
  );
  return h('section', { class: 'login' }, form, h('p', null, h('a', { href: '/disclosure' }, tr('查看公示信息（无需登录）', 'Published results (no sign-in needed)'))));
}
