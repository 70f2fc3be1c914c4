// The double-random draw engine: pure and deterministic, node:crypto only (and a worker thread, if asked,
// for SnapshotBuilder's hashing). It needs Node, so it runs in activities or the API, never inside workflow
// code. The recipe for an independent re-implementation is in ALGORITHM.md next to this file.

export { ALGORITHM_VERSION, officerStatuses, riskFlags, riskFlagLabels, strata } from './types';
export type {
  DrawConflict,
  DrawOfficer,
  DrawPick,
  DrawRecord,
  DrawResult,
  DrawRules,
  DrawSnapshot,
  DrawTarget,
  DrawVerification,
  EffectiveDrawRules,
  OfficerParticipation,
  OfficerStatus,
  RiskFlag,
  Stratum,
} from './types';
export { canonicalJson, canonicalSnapshot, canonicalSnapshotJson, snapshotHash, type BuiltSnapshot } from './canonical';
export { SnapshotBuilder, TargetBatchWriter, type SnapshotBuilderOptions, type TargetBatch } from './builder';
export { commit, mixSeed } from './commitment';
export { DrawRandom } from './random';
export { effectiveRules, rulesHash } from './rules';
export { DrawInfeasibleError, type DrawShortage } from './errors';
export { drawnTargetIds, runDraw } from './engine';
export { verifyDraw, verifyPublicDraw, type PublicDrawRecord } from './verify';
