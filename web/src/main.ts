// The web application: one page for the bureau's staff (hash routes) and the public disclosure site.
import { session, signOut } from './api';
import { h, replaceChildren } from './dom';
import { currentLanguage, setLanguage, tr } from './i18n';
import { loading, showProblem } from './ui';
import { casePage } from './pages/case';
import { caseListPage } from './pages/cases';
import { dashboardPage } from './pages/dashboard';
import { documentPage } from './pages/documents';
import { entitiesPage, itemsPage, officersPage } from './pages/directories';
import { drawPage, drawsPage } from './pages/draws';
import { loginPage } from './pages/login';
import { planPage, plansPage } from './pages/plans';
import { publicDrawsPage } from './pages/publicDraws';
import { publicSite } from './pages/publicSite';
import { workbenchPage } from './pages/workbench';
import { accountPage, usersPage } from './pages/accounts';

export type Page = (params: Record<string, string>, query: URLSearchParams) => Promise<Node>;

const routes: Array<[RegExp, Page, string[]?]> = [
  [/^\/workbench$/, workbenchPage],
  [/^\/dashboard$/, dashboardPage, ['leadership', 'coordinator', 'auditor']],
  [/^\/cases$/, caseListPage],
  [/^\/cases\/(?<id>[0-9a-f-]{36})$/, casePage],
  [/^\/cases\/(?<id>[0-9a-f-]{36})\/documents\/(?<kind>[a-z-]+)$/, documentPage],
  [/^\/entities$/, entitiesPage, ['leadership', 'coordinator', 'auditor']],
  [/^\/officers$/, officersPage, ['leadership', 'coordinator', 'auditor']],
  [/^\/items$/, itemsPage],
  [/^\/plans$/, plansPage, ['leadership', 'coordinator', 'auditor']],
  [/^\/plans\/(?<id>[0-9a-f-]{36})$/, planPage, ['leadership', 'coordinator', 'auditor']],
  [/^\/draws$/, drawsPage, ['leadership', 'coordinator', 'auditor']],
  [/^\/draws\/(?<id>[0-9a-f-]{36})$/, drawPage, ['leadership', 'coordinator', 'auditor']],
  [/^\/account$/, accountPage],
  [/^\/users$/, usersPage, ['leadership']],
];

function homeOf(roles: string[]): string {
  if (roles.includes('leadership')) return '#/dashboard';
  if (roles.includes('coordinator')) return '#/cases';
  if (roles.includes('auditor')) return '#/draws';
  return '#/workbench';
}

function navigation(roles: string[]): HTMLElement {
  const staff = roles.some((role) => role !== 'officer');
  const links: Array<[string, string, boolean]> = [
    ['#/workbench', tr('我的案件', 'My cases'), roles.includes('officer')],
    ['#/dashboard', tr('驾驶舱', 'Dashboard'), staff],
    ['#/cases', tr('案件', 'Cases'), staff],
    ['#/plans', tr('计划', 'Plans'), staff],
    ['#/draws', tr('抽取', 'Draws'), staff],
    ['#/entities', tr('检查对象', 'Entities'), staff],
    ['#/officers', tr('执法人员', 'Officers'), staff],
    ['#/items', tr('抽查事项', 'Items'), true],
    ['#/users', tr('用户', 'Users'), roles.includes('leadership')],
    ['#/account', tr('账号', 'Account'), true],
    ['/disclosure', tr('公示', 'Public site'), true],
  ];
  const current = location.hash.split('?')[0];
  return h(
    'nav',
    { class: 'main-nav' },
    links.filter(([, , shown]) => shown).map(([href, label]) => h('a', { href, class: href === current ? 'active' : null }, label)),
  );
}

function languageSwitch(): HTMLElement {
  const other = currentLanguage() === 'zh' ? 'en' : 'zh';
  return h(
    'button',
    { type: 'button', class: 'link', 'data-testid': 'language', onclick: () => { setLanguage(other); void render(); } },
    other === 'en' ? 'English' : '中文',
  );
}

function header(): HTMLElement {
  const current = session();
  return h(
    'header',
    { class: 'top' },
    h('a', { href: current ? homeOf(current.me.roles) : '/disclosure', class: 'brand' }, tr('双随机一公开', 'Double random, one public'), h('small', null, tr('金坛区商务局', 'Jintan Commerce Bureau'))),
    current ? navigation(current.me.roles) : null,
    h(
      'div',
      { class: 'who' },
      languageSwitch(),
      current
        ? [
            h('span', { 'data-testid': 'signed-in-as', title: current.me.username }, current.me.displayName || current.me.username),
            h('button', { type: 'button', class: 'link', onclick: async () => { await signOut(); location.hash = '#/login'; } }, tr('退出', 'Sign out')),
          ]
        : null,
    ),
  );
}

async function render(): Promise<void> {
  document.documentElement.lang = currentLanguage() === 'zh' ? 'zh-CN' : 'en';
  const root = document.getElementById('app')!;
  const main = h('main', null, loading());
  replaceChildren(root, header(), main);

  try {
    if (location.pathname.startsWith('/disclosure/draws')) {
      replaceChildren(main, await publicDrawsPage(new URLSearchParams(location.search)));
      return;
    }
    if (location.pathname.startsWith('/disclosure')) {
      replaceChildren(main, await publicSite(new URLSearchParams(location.search)));
      return;
    }
    const [path, search] = (location.hash.slice(1) || '/').split('?') as [string, string | undefined];
    const current = session();
    if (path === '/login' || !current) {
      if (path !== '/login') location.hash = '#/login';
      replaceChildren(main, await loginPage());
      return;
    }
    // A password someone else chose (the first admin's, a reset) is changed before anything else.
    if (current.me.mustChangePassword && path !== '/account') {
      location.hash = '#/account';
      return;
    }
    if (path === '/') {
      location.hash = homeOf(current.me.roles);
      return;
    }
    for (const [pattern, page, roles] of routes) {
      const match = pattern.exec(path);
      if (!match) continue;
      if (roles && !current.me.roles.some((role) => roles.includes(role))) {
        replaceChildren(main, h('p', { class: 'problem' }, tr('您无权查看此页面', 'You may not open this page')));
        return;
      }
      replaceChildren(main, await page(match.groups ?? {}, new URLSearchParams(search)));
      return;
    }
    replaceChildren(main, h('p', { class: 'problem' }, tr('页面不存在', 'No such page')));
  } catch (error) {
    const box = h('div');
    showProblem(box, error);
    replaceChildren(main, box);
  }
}

window.addEventListener('hashchange', () => void render());
window.addEventListener('app:render', () => void render());
void render();
