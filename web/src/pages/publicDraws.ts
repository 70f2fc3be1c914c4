// The public's view of the draws (R8, R20): from commitment on, what was fixed in advance — the commitment to the
// seed, the pool's hash, the rules, the public value to be mixed in and when; once drawn, the seed, that value and
// the 抽查名单 (each entity drawn with its team), with the record anyone can re-run. Public endpoints only.
import { getPublic, query } from '../api';
import { h } from '../dom';
import { formatDateTime, tr } from '../i18n';

interface PublicDraw {
  id: string;
  name: string;
  status: string;
  commitment: string;
  snapshotHash: string;
  drawAt: string | null;
  randomnessSource: { kind: 'drand'; round: number; publishedAt: string; url: string } | { kind: 'named'; description: string; publishedAt: string } | null;
  committedAt: string;
  drawnAt: string | null;
  seed: string | null;
  outsideRandomness: string | null;
  picks: number;
  rules: { targetCount: number; teamSize: number; inspectionDate: string };
}

function namedRandomness(source: PublicDraw['randomnessSource']): Node | string {
  if (!source) return '—';
  if (source.kind === 'drand') {
    return h('span', null, tr(`drand 第 ${source.round} 轮（${formatDateTime(source.publishedAt)} 公布）`, `drand round ${source.round} (published ${formatDateTime(source.publishedAt)})`), ' ', h('a', { href: source.url, rel: 'noopener noreferrer' }, tr('查看', 'look it up')));
  }
  return `${source.description}（${formatDateTime(source.publishedAt)}）`;
}

function drawCard(draw: PublicDraw): HTMLElement {
  const drawn = draw.seed !== null;
  return h(
    'li',
    { 'data-testid': 'public-draw' },
    h('h2', null, draw.name, ' ', h('small', null, drawn ? tr(`已抽取 ${draw.picks} 户`, `${draw.picks} drawn`) : tr('已承诺，待抽取', 'committed, not yet drawn'))),
    h(
      'dl',
      { class: 'facts' },
      h('dt', null, tr('承诺时间', 'Committed')),
      h('dd', null, formatDateTime(draw.committedAt)),
      h('dt', null, tr('计划抽取时间', 'To run at')),
      h('dd', null, formatDateTime(draw.drawAt)),
      h('dt', null, tr('抽取规则', 'Rules')),
      h('dd', null, tr(`抽取 ${draw.rules.targetCount} 户，每组 ${draw.rules.teamSize} 人，检查日 ${draw.rules.inspectionDate}`, `${draw.rules.targetCount} targets, teams of ${draw.rules.teamSize}, inspection day ${draw.rules.inspectionDate}`)),
      h('dt', null, tr('种子承诺值', 'Seed commitment')),
      h('dd', null, h('code', null, draw.commitment)),
      h('dt', null, tr('名录快照哈希', 'Pool hash')),
      h('dd', null, h('code', null, draw.snapshotHash)),
      h('dt', null, tr('指定的外部随机数', 'Named outside randomness')),
      h('dd', null, namedRandomness(draw.randomnessSource)),
      ...(drawn
        ? [
            h('dt', null, tr('种子', 'Seed')),
            h('dd', null, h('code', null, draw.seed!)),
            h('dt', null, tr('外部随机数', 'Outside value')),
            h('dd', null, h('code', null, draw.outsideRandomness ?? '—')),
            h('dt', null, tr('抽查名单与记录', 'List and record')),
            h(
              'dd',
              null,
              h('a', { href: `/disclosure/draws${query({ id: draw.id })}` }, tr('抽查名单', 'the list drawn')),
              ' · ',
              h('a', { href: `/public/draws/${draw.id}/record`, download: `draw-${draw.id}.json` }, tr('下载记录以复核', 'download the record to re-run it')),
            ),
          ]
        : []),
    ),
  );
}

async function drawnList(id: string): Promise<Node> {
  const draw = await getPublic<PublicDraw & { drawn: Array<{ entityName: string; entityUscc: string; team: string[] }> }>(`/public/draws/${id}`);
  return h(
    'div',
    { class: 'public-site' },
    h('p', null, h('a', { href: '/disclosure/draws' }, tr('← 全部抽取', '← all draws'))),
    h('ul', { class: 'public-results' }, drawCard(draw)),
    h('h2', null, tr('抽查名单', 'The list drawn')),
    h(
      'ol',
      { 'data-testid': 'public-drawn-list' },
      draw.drawn.map((pick) => h('li', null, `${pick.entityName}（${pick.entityUscc}）`, ' — ', tr(`检查人员：${pick.team.join('、')}`, `officers: ${pick.team.join(', ')}`))),
    ),
  );
}

export async function publicDrawsPage(search: URLSearchParams): Promise<Node> {
  const id = search.get('id');
  if (id) return drawnList(id);
  const answer = await getPublic<{ total: number; items: PublicDraw[] }>(`/public/draws${query({ pageSize: 50 })}`);
  return h(
    'div',
    { class: 'public-site' },
    h('h1', null, tr('“双随机”抽取公示', 'The draws, published')),
    h(
      'p',
      { class: 'lede' },
      tr(
        '每次抽取在进行前公布种子承诺值、名录快照哈希、规则和将要混入的公开随机数；抽取后公布种子与抽查名单，任何人可下载记录重新计算核对。',
        'Before each draw: the seed commitment, the pool hash, the rules and the public value it will mix in. After it: the seed and the list drawn, with a record anyone can re-run.',
      ),
    ),
    h('p', null, h('a', { href: '/disclosure' }, tr('抽查结果公示', 'Published results'))),
    answer.items.length ? h('ul', { class: 'public-results', 'data-testid': 'public-draws' }, answer.items.map(drawCard)) : h('p', { class: 'empty' }, tr('尚无抽取', 'No draws yet')),
  );
}
