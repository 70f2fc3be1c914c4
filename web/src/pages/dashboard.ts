// Leadership's dashboard (R19): cases by status, coverage (R5), participation (R7), overdue work and
// escalations by team, per-item results. Every number opens the cases behind it.
import { get, query } from '../api';
import { h } from '../dom';
import { formatShare, statusLabel, tr } from '../i18n';
import { navigate } from '../router';
import { barChart, gauge } from '../charts';
import { caseListLink, table } from '../ui';
import { finishedStatuses, type CaseStatus } from '../../../domain/inspectionCase';

interface Dashboard {
  year: number;
  byStatus: Array<{ status: string; cases: number }>;
  coverage: { entitiesOperating: number; entitiesInspected: number; share: number | null; remaining: number; goal: number };
  participation: {
    officersOnRoll: number;
    officersTakingPart: number;
    officersShare: number | null;
    meetsOfficersShare: boolean;
    tasksCarriedOut: number;
    thresholds: { minOfficersShare: number; minTaskShare: number };
    belowLine: Array<{ id: string; name: string; unit: string | null; casesJoined: number; tasksJoined: number; taskShare: number | null }>;
  };
  backlog: {
    rectifying: number;
    overdueRevisits: number;
    escalatedToCoordinator: number;
    escalatedToLeadership: number;
    teams: Array<{ members: Array<{ id: string; name: string }>; rectifying: number; overdueRevisits: number; escalatedToCoordinator: number; escalatedToLeadership: number }>;
  };
  perItem: Array<{ itemCode: string; name: string | null; inspected: number; failed: number }>;
}

export async function dashboardPage(_params: Record<string, string>, search: URLSearchParams): Promise<Node> {
  const year = Number(search.get('year')) || undefined;
  const data = await get<Dashboard>(`/dashboard${query({ year })}`);
  const casesOf = (filter: Record<string, string | number | boolean | undefined>) => `#/cases${query({ year: data.year, ...filter })}`;
  const finished = (status: string) => finishedStatuses.includes(status as CaseStatus);
  // A finished status counts the year's cases; an open one every case still in it, whatever year it was opened.
  const casesInStatus = (status: string) => (finished(status) ? casesOf({ status }) : `#/cases${query({ status })}`);
  const open = data.byStatus.filter((row) => !finished(row.status) && row.cases > 0);
  const { participation, coverage, backlog } = data;
  const revisitsEscalatedTo = (escalationLevel: 1 | 2, team?: string) => ({ status: 'awaiting_revisit', escalationLevel, team });
  const teamOf = (row: { members: Array<{ id: string }> }) => row.members.map((member) => member.id).join(',');

  const tile = (label: string, value: number | string, href: string, testId: string, tone?: string) =>
    h('a', { class: `tile ${tone ?? ''}`, href, 'data-testid': testId }, h('strong', null, String(value)), h('span', null, label));

  const yearPicker = h('input', { type: 'number', value: data.year, class: 'year', 'aria-label': tr('年度', 'year') });
  yearPicker.addEventListener('change', () => navigate(`#/dashboard?year=${yearPicker.value}`));

  return h(
    'div',
    { class: 'dashboard' },
    h('h1', null, tr('领导驾驶舱', 'Dashboard'), ' ', yearPicker),
    h(
      'div',
      { class: 'tiles' },
      tile(tr('整改中', 'Pending rectification'), backlog.rectifying, `#/cases${query({ status: 'rectifying' })}`, 'tile-rectifying'),
      tile(tr('回访逾期', 'Revisits overdue'), backlog.overdueRevisits, `#/cases${query({ status: 'awaiting_revisit', overdue: true })}`, 'tile-overdue', backlog.overdueRevisits ? 'warn' : ''),
      tile(tr('督办至大队', 'Escalated to the office'), backlog.escalatedToCoordinator, `#/cases${query(revisitsEscalatedTo(1))}`, 'tile-escalated-office', backlog.escalatedToCoordinator ? 'warn' : ''),
      tile(tr('督办至局领导', 'Escalated to leadership'), backlog.escalatedToLeadership, `#/cases${query(revisitsEscalatedTo(2))}`, 'tile-escalated-leadership', backlog.escalatedToLeadership ? 'warn' : ''),
    ),
    h(
      'section',
      { class: 'panel' },
      h('h2', null, tr('案件状态', 'Cases by status')),
      barChart(
        data.byStatus.filter((row) => row.cases > 0).map((row) => ({ label: statusLabel(row.status), value: row.cases, href: casesInStatus(row.status) })),
        { title: tr(`${data.year} 年立案及在办案件`, `Cases opened in ${data.year}, and still open`), testId: 'status-chart' },
      ),
      h('p', null, tr('在办：', 'Open: '), open.map((row) => caseListLink({ status: row.status }, `${statusLabel(row.status)} ${row.cases}`)).flatMap((link, index) => (index ? [' · ', link] : [link]))),
    ),
    h(
      'section',
      { class: 'panel', 'data-testid': 'coverage' },
      h('h2', null, tr('全覆盖进度（R5）', 'Coverage of the year (R5)')),
      gauge(coverage.share, coverage.goal, tr('覆盖率', 'coverage')),
      h(
        'p',
        null,
        caseListLink({ origin: 'random', year: data.year, inspected: true }, tr(`已随机抽查 ${coverage.entitiesInspected} 户`, `${coverage.entitiesInspected} entities randomly inspected`)),
        tr(` / 在营 ${coverage.entitiesOperating} 户（${formatShare(coverage.share)}），尚余 ${coverage.remaining} 户`, ` of ${coverage.entitiesOperating} operating (${formatShare(coverage.share)}); ${coverage.remaining} to go`),
      ),
    ),
    h(
      'section',
      { class: 'panel', 'data-testid': 'participation' },
      h('h2', null, tr('执法人员参与率（R7）', 'Officer participation (R7)')),
      gauge(participation.officersShare, participation.thresholds.minOfficersShare, tr('参与率', 'participation')),
      h(
        'p',
        null,
        tr(
          `实际参与检查 ${participation.officersTakingPart} / 在册 ${participation.officersOnRoll} 人（${formatShare(participation.officersShare)}，要求 ≥ ${formatShare(participation.thresholds.minOfficersShare)}）；本年抽查任务 ${participation.tasksCarriedOut} 项`,
          `${participation.officersTakingPart} of ${participation.officersOnRoll} officers were present at an inspection or revisit (${formatShare(participation.officersShare)}, rule ≥ ${formatShare(participation.thresholds.minOfficersShare)}); ${participation.tasksCarriedOut} drawn tasks this year`,
        ),
      ),
      h('h3', null, tr(`参与任务不足 ${formatShare(participation.thresholds.minTaskShare)} 的人员`, `Officers below ${formatShare(participation.thresholds.minTaskShare)} of the tasks`)),
      table(
        [
          { label: tr('姓名', 'Name'), value: (row) => row.name, cell: (row) => caseListLink({ officerId: row.id, year: data.year }, row.name) },
          { label: tr('单位', 'Unit'), value: (row) => row.unit ?? '' },
          { label: tr('参与任务', 'Tasks joined'), value: (row) => `${row.tasksJoined} / ${participation.tasksCarriedOut}` },
          { label: tr('占比', 'Share'), value: (row) => formatShare(row.taskShare) },
          { label: tr('到场检查案件', 'Cases present at'), value: (row) => row.casesJoined },
        ],
        participation.belowLine,
        { empty: tr('无人低于要求', 'Nobody is below the line'), testId: 'below-line', exportAs: tr('参与率不足人员', 'officers below the line') },
      ),
    ),
    h(
      'section',
      { class: 'panel' },
      h('h2', null, tr('整改与回访：按检查组', 'Rectifications and revisits by team')),
      table(
        [
          { label: tr('检查组', 'Team'), value: (row) => row.members.map((member) => member.name).join('、') },
          { label: tr('整改中', 'Rectifying'), value: (row) => row.rectifying, cell: (row) => caseListLink({ team: teamOf(row), status: 'rectifying' }, String(row.rectifying)) },
          { label: tr('回访逾期', 'Revisits overdue'), value: (row) => row.overdueRevisits, cell: (row) => caseListLink({ team: teamOf(row), status: 'awaiting_revisit', overdue: true }, String(row.overdueRevisits)) },
          {
            label: tr('督办（大队/局领导）', 'Escalated (office/leadership)'),
            value: (row) => `${row.escalatedToCoordinator}/${row.escalatedToLeadership}`,
            cell: (row) =>
              h(
                'span',
                null,
                caseListLink(revisitsEscalatedTo(1, teamOf(row)), String(row.escalatedToCoordinator)),
                ' / ',
                caseListLink(revisitsEscalatedTo(2, teamOf(row)), String(row.escalatedToLeadership)),
              ),
          },
        ],
        backlog.teams,
        { empty: tr('没有整改或待回访案件', 'No rectifications or revisits pending'), testId: 'backlog', exportAs: tr('整改与回访', 'rectifications and revisits') },
      ),
    ),
    h(
      'section',
      { class: 'panel' },
      h('h2', null, tr('分事项检查结果', 'Results per inspection item')),
      barChart(
        data.perItem.flatMap((item) => [
          { label: `${item.name ?? item.itemCode} ${tr('已查', 'inspected')}`, value: item.inspected, href: casesOf({ itemCode: item.itemCode }) },
          { label: `${item.name ?? item.itemCode} ${tr('有问题', 'failed')}`, value: item.failed, href: casesOf({ itemCode: item.itemCode, itemResult: 'failed' }), tone: 'warn' as const },
        ]),
        { title: tr('各事项：检查户数与发现问题户数', 'Per item: inspected and with a failed checkpoint'), testId: 'item-chart' },
      ),
    ),
  );
}
