// The words of the double-random draw (双随机): what goes in, what comes out. Everything here is plain,
// JSON-able data so that a draw can be published and re-run by anyone from its record (R20).

/**
 * Names the whole recipe: canonical form, seed mixing, random stream, weighting, strata and team rule.
 * Any change that can alter a result for the same inputs must change this string, or old records stop verifying.
 */
export const ALGORITHM_VERSION = 'ssj-draw/1';

/** The grounds R6 gives for inspecting an entity more often than R5 allows. */
export const riskFlags = ['complaints', 'safety_hazard', 'abnormal_operation', 'dishonest', 'violation_record'] as const;
export type RiskFlag = (typeof riskFlags)[number];

export const riskFlagLabels: Record<RiskFlag, { zh: string; en: string }> = {
  complaints: { zh: '投诉举报多', en: 'many complaints' },
  safety_hazard: { zh: '安全隐患大', en: 'large safety hazard' },
  abnormal_operation: { zh: '列入经营异常名录', en: 'on the abnormal-operation list' },
  dishonest: { zh: '有失信行为', en: 'dishonest behaviour' },
  violation_record: { zh: '有违法违规记录', en: 'violation record' },
};

/** An entity of the target directory (R1) as it stood when the draw was prepared. */
export interface DrawTarget {
  id: string;
  uscc: string;
  category: string;
  street: string;
  riskFlags: RiskFlag[];
  /** Random inspections already carried out this calendar year (R5 counts these, not complaint cases). */
  inspectionsThisYear: number;
}

/** An officer of the officer directory (R2). */
export interface DrawOfficer {
  id: string;
  specialties: string[];
  /** Last day the enforcement certificate is valid, `YYYY-MM-DD`. */
  certificateValidUntil: string;
  participationsThisYear: number;
}

/** A declared conflict of interest: the officer must recuse from this entity (R10). */
export interface DrawConflict {
  officerId: string;
  entityId: string;
}

/** The frozen directories a draw runs on. Its canonical hash is published before the seed is revealed. */
export interface DrawSnapshot {
  targets: DrawTarget[];
  officers: DrawOfficer[];
  conflicts: DrawConflict[];
}

export interface DrawRules {
  targetCount: number;
  /** At least 2 (R9). */
  teamSize: number;
  /** `YYYY-MM-DD`; certificates must be valid on this day (R2). */
  inspectionDate: string;
  requiredSpecialty?: string;
  /** R5's yearly cap on random inspections of one entity; 2 when not given. */
  maxRandomInspectionsPerYear?: number;
  /** R6 weights; a flag without a weight counts 1 (still lifts the R5 cap, adds no extra chance). */
  riskWeights: Partial<Record<RiskFlag, number>>;
  /** R5: draw from entities not yet inspected this year before any others. */
  coverageFirst: boolean;
  /** R7's share of officers on the roll who should take part; 0.8 when not given. */
  minParticipationShare?: number;
}

/** The rules with defaults applied; this is what the rules hash covers. */
export interface EffectiveDrawRules {
  targetCount: number;
  teamSize: number;
  inspectionDate: string;
  requiredSpecialty: string | null;
  maxRandomInspectionsPerYear: number;
  riskWeights: Partial<Record<RiskFlag, number>>;
  coverageFirst: boolean;
  minParticipationShare: number;
}

export const strata = ['not_yet_inspected', 'already_inspected'] as const;
export type Stratum = (typeof strata)[number];

export interface DrawPick {
  entityId: string;
  stratum: Stratum;
  weight: number;
  /** Why the entity could be drawn, `中文 / English`. */
  reason: string;
  /** Officer ids, sorted. */
  team: string[];
  /** Qualified officers kept off this team because of a declared conflict (R10), sorted. */
  recusals: string[];
}

export const officerStatuses = ['qualified', 'certificate_expired', 'specialty_missing'] as const;
export type OfficerStatus = (typeof officerStatuses)[number];

export interface OfficerParticipation {
  officerId: string;
  status: OfficerStatus;
  before: number;
  inThisDraw: number;
  after: number;
}

export interface DrawResult {
  algorithmVersion: string;
  snapshotHash: string;
  rulesHash: string;
  commitment: string;
  /** Hex of the mixed seed that keyed the random streams. */
  seedMix: string;
  /** In draw order: coverage stratum first when coverageFirst, then by descending sampling key. */
  picks: DrawPick[];
  eligibility: {
    targetsInSnapshot: number;
    eligible: number;
    /** At or over the R5 cap and therefore left out. */
    overLimitExcluded: number;
    /** At or over the R5 cap but eligible through an R6 risk flag. */
    overLimitRiskFlagged: number;
  };
  participation: {
    officersOnRoll: number;
    officersQualified: number;
    officersTakingPart: number;
    /** officersTakingPart ÷ officersOnRoll for this draw (R7). */
    share: number;
    /** Officers with any participation this year once this draw is counted. */
    officersTakingPartThisYear: number;
    shareThisYear: number;
    target: number;
    meetsTarget: boolean;
    /** Every officer on the roll, sorted by id. */
    perOfficer: OfficerParticipation[];
  };
  coverage: {
    notYetInspectedBefore: number;
    remainingAfter: number;
  };
}

/** Everything needed to check a draw after the fact; publishable as JSON. */
export interface DrawRecord {
  snapshot: DrawSnapshot;
  rules: DrawRules;
  seed: string;
  outsideRandomness?: string;
  commitment: string;
  snapshotHash: string;
  result: DrawResult;
}

export interface DrawVerification {
  valid: boolean;
  problems: string[];
}
