// The regime's health as leadership reads it (R19): how the year's figures compare with the rules of R5 and R7.

export interface ParticipationThresholds {
  /** Share of the officers on the roll who must take part in the year (R7: 80%). */
  minOfficersShare: number;
  /** Share of the year's inspection tasks each officer must join (R7: 20%). */
  minTaskShare: number;
}

export interface OfficerYear {
  id: string;
  name: string;
  unit: string | null;
  /**
   * Cases of any origin at whose inspection or revisit the officer was recorded as present this year. Being on
   * the team is not enough: R7 counts the officers who actually took part (实际参与执法).
   */
  casesJoined: number;
  /** This year's drawn inspection tasks (one per draw) at one of whose inspections or revisits the officer was present. */
  tasksJoined: number;
}

export interface OfficerParticipation extends OfficerYear {
  taskShare: number | null;
  belowLine: boolean;
  tookPart: boolean;
}

export interface ParticipationReport {
  officersOnRoll: number;
  officersTakingPart: number;
  officersShare: number | null;
  meetsOfficersShare: boolean;
  tasksCarriedOut: number;
  thresholds: ParticipationThresholds;
  officers: OfficerParticipation[];
  /** Officers below the per-officer line (R7), named so that leadership can act. */
  belowLine: OfficerParticipation[];
}

/**
 * R7 per officer: tasks joined ÷ tasks carried out. An officer present at no inspection or revisit this year is
 * below the line whenever any task was carried out; with no task yet, nobody is below it.
 */
export function participationReport(officers: OfficerYear[], tasksCarriedOut: number, thresholds: ParticipationThresholds): ParticipationReport {
  const rows = officers.map((officer) => {
    const taskShare = tasksCarriedOut === 0 ? null : officer.tasksJoined / tasksCarriedOut;
    return {
      ...officer,
      taskShare,
      tookPart: officer.casesJoined > 0,
      belowLine: taskShare !== null && taskShare < thresholds.minTaskShare,
    };
  });
  const officersTakingPart = rows.filter((row) => row.tookPart).length;
  const officersShare = rows.length === 0 ? null : officersTakingPart / rows.length;
  return {
    officersOnRoll: rows.length,
    officersTakingPart,
    officersShare,
    meetsOfficersShare: officersShare !== null && officersShare >= thresholds.minOfficersShare,
    tasksCarriedOut,
    thresholds,
    officers: rows,
    belowLine: rows.filter((row) => row.belowLine).sort((a, b) => (a.taskShare ?? 0) - (b.taskShare ?? 0) || a.name.localeCompare(b.name, 'zh')),
  };
}

export interface CoverageReport {
  entitiesOperating: number;
  entitiesInspected: number;
  share: number | null;
  remaining: number;
  /** R5: every entity in a year. */
  goal: 1;
}

export function coverageReport(entitiesOperating: number, entitiesInspected: number): CoverageReport {
  return {
    entitiesOperating,
    entitiesInspected,
    share: entitiesOperating === 0 ? null : Math.min(1, entitiesInspected / entitiesOperating),
    remaining: Math.max(0, entitiesOperating - entitiesInspected),
    goal: 1,
  };
}

/** The bureau's year runs on China Standard Time. */
export function yearBounds(year: number): { from: Date; to: Date } {
  return { from: new Date(`${year}-01-01T00:00:00+08:00`), to: new Date(`${year + 1}-01-01T00:00:00+08:00`) };
}

export function currentYear(now: Date): number {
  return new Date(now.getTime() + 8 * 3_600_000).getUTCFullYear();
}
