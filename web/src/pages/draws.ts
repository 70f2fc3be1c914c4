// Draws (R8–R10, R20): each with its commitment and snapshot hash, its verification, and the teams drawn.
import { get, query } from '../api';
import { h } from '../dom';
import { bilingual, formatDateTime, tr } from '../i18n';
import { table } from '../ui';

interface DrawRow {
  id: string;
  name: string;
  planId: string | null;
  status: string;
  algorithmVersion: string;
  snapshotHash: string;
  commitment: string;
  cases: number;
  createdAt: string;
  drawAt: string | null;
  drawnAt: string | null;
}

const statusLabel = (status: string) =>
  status === 'drawn' ? tr('已抽取', 'drawn') : status === 'opening' ? tr('已抽取，立案中', 'drawn, opening cases') : tr('已承诺，待抽取', 'committed');

/** The public value the draw mixes in, named before it existed, with where anyone can read it. */
function randomnessSourceFact(source: any): Node | string {
  if (!source) return '—';
  if (source.kind === 'drand') {
    return h('span', null, tr(`drand quicknet 第 ${source.round} 轮，${formatDateTime(source.publishedAt)} 公布 `, `drand quicknet round ${source.round}, published ${formatDateTime(source.publishedAt)} `), h('a', { href: source.url, rel: 'noopener noreferrer' }, source.url));
  }
  return `${source.description}（${formatDateTime(source.publishedAt)}）`;
}

const strataLabels: Record<string, [string, string]> = {
  not_yet_inspected: ['本年未抽查', 'not yet inspected this year'],
  already_inspected: ['本年已抽查', 'already inspected this year'],
};
const stratumLabel = (stratum: string) => {
  const label = strataLabels[stratum];
  return label ? tr(label[0], label[1]) : stratum;
};

export async function drawsPage(): Promise<Node> {
  const answer = await get<{ total: number; items: DrawRow[] }>('/draws?pageSize=200');
  return h(
    'div',
    null,
    h('h1', null, tr('抽取记录', 'Draws'), h('small', null, ` ${answer.total}`)),
    table(
      [
        { label: tr('名称', 'Name'), value: (row) => row.name, cell: (row) => h('a', { href: `#/draws/${row.id}` }, row.name) },
        { label: tr('状态', 'Status'), value: (row) => statusLabel(row.status) },
        { label: tr('计划抽取时间', 'To run at'), value: (row) => formatDateTime(row.drawAt) },
        { label: tr('抽取时间', 'Drawn at'), value: (row) => formatDateTime(row.drawnAt) },
        { label: tr('案件', 'Cases'), value: (row) => row.cases },
        { label: tr('名录快照哈希', 'Pool hash'), value: (row) => row.snapshotHash.slice(0, 16), cell: (row) => h('code', null, `${row.snapshotHash.slice(0, 16)}…`) },
      ],
      answer.items,
      { testId: 'draw-list', exportAs: tr('抽取记录', 'draws') },
    ),
  );
}

interface DrawProgress {
  status: string;
  casesOpened: number;
  casesToOpen: number;
}

const progressText = ({ status, casesOpened, casesToOpen }: DrawProgress) =>
  `${statusLabel(status)}${casesToOpen ? tr(`（已立案 ${casesOpened} / ${casesToOpen}）`, ` (${casesOpened} of ${casesToOpen} cases open)`) : ''}`;

/** The status, and while the draw opens its cases, how far it has come: polled until every case is open. */
function statusFact(id: string, status: string, progress: { casesOpened: number; casesToOpen: number }): Node {
  const fact = h('dd', { 'data-testid': 'draw-status' }, progressText({ status, ...progress }));
  if (status === 'opening') {
    // One request at a time; a failed one is tried again at the next turn. A page left behind stops asking.
    const poll = () =>
      setTimeout(() => {
        if (!fact.isConnected) return;
        get<DrawProgress>(`/draws/${id}/progress`)
          .then((now) => {
            fact.textContent = progressText(now);
            // Every case open: the page again, with the verification it can now show.
            if (now.status === 'opening') poll();
            else if (fact.isConnected) window.dispatchEvent(new HashChangeEvent('hashchange'));
          })
          .catch(poll);
      }, 3_000);
    poll();
  }
  return fact;
}

export async function drawPage({ id }: Record<string, string>): Promise<Node> {
  const [draw, verification] = await Promise.all([get<any>(`/draws/${id}`), get<{ valid: boolean; problems?: string[] }>(`/draws/${id}/verification`).catch(() => null)]);
  const picks: Array<{ entityId: string; team: string[]; stratum: string; weight: number; reason: string }> = draw.result?.picks ?? [];
  return h(
    'article',
    null,
    h('h1', null, draw.name),
    h(
      'p',
      { class: verification?.valid ? 'verified' : 'problem', 'data-testid': 'verification' },
      verification === null || draw.status !== 'drawn'
        ? tr('尚未抽取，无法复核', 'Not drawn yet: nothing to verify')
        : verification.valid
          ? tr('✓ 复核通过：由记录重算结果一致', '✓ Verified: recomputing from the record gives the same result')
          : `${tr('✗ 复核不通过', '✗ Verification failed')}：${(verification.problems ?? []).join('；')}`,
    ),
    h(
      'dl',
      { class: 'facts' },
      h('dt', null, tr('状态', 'Status')),
      statusFact(id!, draw.status, draw.progress),
      h('dt', null, tr('计划抽取时间', 'To run at')),
      h('dd', null, formatDateTime(draw.drawAt)),
      h('dt', null, tr('指定的外部随机数', 'Named outside randomness')),
      h('dd', null, randomnessSourceFact(draw.randomnessSource)),
      h('dt', null, tr('算法版本', 'Algorithm')),
      h('dd', null, draw.algorithmVersion),
      h('dt', null, tr('名录快照哈希', 'Pool hash')),
      h('dd', null, h('code', null, draw.snapshotHash)),
      h('dt', null, tr('种子承诺', 'Seed commitment')),
      h('dd', null, h('code', null, draw.commitment)),
      h('dt', null, tr('种子', 'Seed')),
      h('dd', null, h('code', null, draw.seed ?? tr('（抽取后公开）', '(revealed at the draw)'))),
      h('dt', null, tr('外部随机数', 'Outside randomness')),
      h('dd', null, draw.outsideRandomness ?? '—'),
      h('dt', null, tr('名录', 'Pool')),
      h('dd', null, tr(`对象 ${draw.pool.targets}，人员 ${draw.pool.officers}，回避关系 ${draw.pool.conflicts}`, `${draw.pool.targets} targets, ${draw.pool.officers} officers, ${draw.pool.conflicts} conflicts`)),
    ),
    draw.caseIds?.length ? h('p', null, h('a', { href: `#/cases${query({ planId: draw.planId ?? draw.id })}` }, tr(`抽中 ${draw.caseIds.length} 户，查看案件`, `${draw.caseIds.length} drawn: open the cases`))) : null,
    picks.length
      ? table(
          [
            { label: tr('对象', 'Target'), value: (row) => draw.entityNames?.[row.entityId] ?? row.entityId },
            { label: tr('检查组', 'Team'), value: (row) => row.team.map((id) => draw.officerNames?.[id] ?? id).join('、') },
            { label: tr('层', 'Stratum'), value: (row) => stratumLabel(row.stratum) },
            { label: tr('权重', 'Weight'), value: (row) => row.weight },
            { label: tr('入选理由', 'Why eligible'), value: (row) => bilingual(row.reason) },
          ],
          picks,
          { testId: 'draw-picks', exportAs: tr('抽取结果', 'draw result') },
        )
      : null,
  );
}
