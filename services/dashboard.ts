// Leadership's dashboard (R19): the year's figures, read from the case projection and the directories.
// Every figure names the case filter behind it, so a reader can open the cases it counts.
import type { Db } from '../db/client';
import { caseStatuses, finishedStatuses } from '../domain/inspectionCase';
import {
  coverageReport,
  participationReport,
  yearBounds,
  type ParticipationThresholds,
} from '../domain/oversight';

export async function dashboard(db: Db, year: number, thresholds: ParticipationThresholds, now = new Date()) {
  const { from, to } = yearBounds(year);
  const [byStatus, coverage, participation, backlog, perItem] = await Promise.all([
    casesByStatus(db, from, to),
    coverageOfYear(db, from, to),
    participationOfYear(db, from, to, thresholds),
    backlogByTeam(db, now),
    resultsPerItem(db, from, to),
  ]);
  return { year, generatedAt: now.toISOString(), byStatus, coverage, participation, backlog, perItem };
}

/** Cases opened in the year, and older ones still open: what the bureau is carrying now. */
async function casesByStatus(db: Db, from: Date, to: Date) {
  const rows = await db.$queryRaw<Array<{ status: string; cases: number }>>`
    select status, count(*)::int as cases from "InspectionCase"
    where ("openedAt" >= ${from} and "openedAt" < ${to}) or status <> all(${[...finishedStatuses]})
    group by status`;
  const counts = new Map(rows.map((row) => [row.status, row.cases]));
  return caseStatuses.map((status) => ({ status, cases: counts.get(status) ?? 0 }));
}

async function coverageOfYear(db: Db, from: Date, to: Date) {
  const [row] = await db.$queryRaw<Array<{ operating: number; inspected: number }>>`
    select
      (select count(*)::int from "Entity" where "legalStatus" = 'operating') as operating,
      (select count(distinct c."entityId")::int from "InspectionCase" c
        where c.origin = 'random' and c."openedAt" >= ${from} and c."openedAt" < ${to}
          and exists (select from "CaseRecord" r where r."caseId" = c.id and r.kind = 'inspection')) as inspected`;
  return coverageReport(row?.operating ?? 0, row?.inspected ?? 0);
}

/**
 * R7: the roll is the active officers whose certificate was valid at some point of the year. Taking part means
 * being recorded as present at an inspection or a revisit ("实际参与执法"): being on a team that someone else
 * went out for is not taking part, for the officers' share as for each officer's share of the drawn tasks.
 */
async function participationOfYear(db: Db, from: Date, to: Date, thresholds: ParticipationThresholds) {
  const officers = await db.$queryRaw<Array<{ id: string; name: string; unit: string | null; casesJoined: number; tasksJoined: number }>>`
    with presence as (
      select r."caseId" as case_id, r."recordedAt" as at, officer
      from "CaseRecord" r, jsonb_array_elements_text(r.data->'officersPresent') as officer
      where r.kind in ('inspection', 'revisit')
    ), joined_cases as (
      select officer, count(distinct case_id)::int as cases from presence where at >= ${from} and at < ${to} group by officer
    ), task_cases as (
      select d.id as draw_id, unnest(d."caseIds")::uuid as case_id from "Draw" d
      where d.status <> 'committed' and d."drawnAt" >= ${from} and d."drawnAt" < ${to}
    ), joined_tasks as (
      -- A task of this year's draws is joined whenever its inspection or revisit takes place, even next January.
      select p.officer, count(distinct t.draw_id)::int as tasks from task_cases t join presence p on p.case_id = t.case_id
      group by p.officer
    )
    select o.id, o.name, o.unit,
      coalesce(jc.cases, 0) as "casesJoined", coalesce(jt.tasks, 0) as "tasksJoined"
    from "Officer" o
    left join joined_cases jc on jc.officer = o.id::text
    left join joined_tasks jt on jt.officer = o.id::text
    where o.active and o."certificateValidUntil" >= ${from}::date and (o."certificateValidFrom" is null or o."certificateValidFrom" < ${to}::date)
    order by o.name`;
  const [tasks] = await db.$queryRaw<Array<{ carriedOut: number }>>`
    select count(*)::int as "carriedOut" from "Draw" where status <> 'committed' and "drawnAt" >= ${from} and "drawnAt" < ${to}`;
  return participationReport(officers, tasks?.carriedOut ?? 0, thresholds);
}

/**
 * Rectifications and revisits by team: pending, past their time, escalated (R13, R19). A team is named by its
 * members so that dereliction is visible ("失职渎职或消极不作为").
 */
async function backlogByTeam(db: Db, now: Date) {
  const rows = await db.$queryRaw<
    Array<{ team: string[]; rectifying: number; overdueRevisits: number; escalatedToCoordinator: number; escalatedToLeadership: number }>
  >`
    select (select array_agg(t order by t) from unnest(team) as t) as team,
      count(*) filter (where status = 'rectifying')::int as rectifying,
      count(*) filter (where status = 'awaiting_revisit' and "revisitDueAt" < ${now})::int as "overdueRevisits",
      count(*) filter (where status = 'awaiting_revisit' and "escalationLevel" = 1)::int as "escalatedToCoordinator",
      count(*) filter (where status = 'awaiting_revisit' and "escalationLevel" = 2)::int as "escalatedToLeadership"
    from "InspectionCase"
    where status in ('rectifying', 'awaiting_revisit')
    group by 1`;
  const officerIds = [...new Set(rows.flatMap((row) => row.team))];
  const names = new Map(
    (await db.officer.findMany({ where: { id: { in: officerIds } }, select: { id: true, name: true } })).map((officer) => [officer.id, officer.name]),
  );
  const teams = rows
    .map((row) => ({ ...row, members: row.team.map((id) => ({ id, name: names.get(id) ?? id })) }))
    .sort((a, b) => b.escalatedToLeadership - a.escalatedToLeadership || b.overdueRevisits - a.overdueRevisits || b.rectifying - a.rectifying);
  const sum = (key: 'rectifying' | 'overdueRevisits' | 'escalatedToCoordinator' | 'escalatedToLeadership') =>
    teams.reduce((total, team) => total + team[key], 0);
  return {
    rectifying: sum('rectifying'),
    overdueRevisits: sum('overdueRevisits'),
    escalatedToCoordinator: sum('escalatedToCoordinator'),
    escalatedToLeadership: sum('escalatedToLeadership'),
    teams: teams.map(({ team: _ids, ...team }) => team),
  };
}

/** Per inspection item: how many cases' latest inspection result covered it, and in how many a checkpoint failed. */
async function resultsPerItem(db: Db, from: Date, to: Date) {
  return db.$queryRaw<Array<{ itemCode: string; name: string | null; inspected: number; failed: number }>>`
    with latest as (
      select distinct on (r."caseId") r.data from "CaseRecord" r
      join "InspectionCase" c on c.id = r."caseId"
      where r.kind = 'inspection' and c."openedAt" >= ${from} and c."openedAt" < ${to}
      order by r."caseId", r.id desc
    ), items as (
      select item->>'itemCode' as code,
        exists (select 1 from jsonb_array_elements(item->'checkpoints') cp where (cp->>'passed')::boolean = false) as failed
      from latest, jsonb_array_elements(latest.data->'items') as item
    )
    select items.code as "itemCode", i.name, count(*)::int as inspected, count(*) filter (where items.failed)::int as failed
    from items left join "InspectionItem" i on i.code = items.code
    group by items.code, i.name
    order by items.code`;
}
