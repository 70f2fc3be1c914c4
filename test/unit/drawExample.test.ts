// The worked example of domain/draw/ALGORITHM.md (R8, R20): a re-implementation written from the document alone
// must reach these values; this test holds the reference engine to them.
import { describe, expect, it } from 'vitest';
import { drawnTargetIds, runDraw } from '../../domain/draw';

const target = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
const officer = (n: number) => `00000000-0000-4000-8000-0000000000a${n}`;

const snapshot = {
  targets: [1, 2, 3, 4, 5, 6].map((n) => ({
    id: target(n),
    uscc: `91320482MA00000${n}XX`,
    category: 'retail',
    street: '金城镇',
    inspectionsThisYear: 0,
    riskFlags: n === 3 ? ['dishonest' as const] : [],
  })),
  officers: [1, 2, 3, 4].map((n) => ({ id: officer(n), specialties: [], certificateValidUntil: '2030-12-31', participationsThisYear: 0 })),
  conflicts: [{ officerId: officer(1), entityId: target(1) }],
};
const rules = { targetCount: 2, teamSize: 2, inspectionDate: '2026-12-06', riskWeights: { dishonest: 3 }, coverageFirst: true };
const seed = 'a1'.repeat(32);
const outside = '5e'.repeat(32);

describe('R8 R20 the worked example of ALGORITHM.md', () => {
  it('R20 gives the documented commitment, hashes, mixed seed, picks and teams', () => {
    const result = runDraw(snapshot, rules, seed, outside);
    expect(result).toMatchObject({
      commitment: '3490f80401886d12f3861ec190f5c16419b26345497a92bc4530e22f5d8b4295',
      snapshotHash: '3970a7426d33e48662cba8be093ff41970d7d78f8718c80fb02b36bc5a994372',
      rulesHash: '1c4a66eb7b9d6bc2f87e9f598922b261e2743429ec64b49fdaa34969cfbb8ac6',
      seedMix: 'd5a781565ce2dcf37d306f441e97667c18b8fa385a632ed3768eb0f339ec6c78',
    });
    expect(result.picks.map((pick) => ({ entityId: pick.entityId, team: pick.team }))).toEqual([
      { entityId: target(3), team: [officer(2), officer(3)] },
      { entityId: target(5), team: [officer(1), officer(4)] },
    ]);
  });

  it('R20 the entities drawn follow from the targets alone, as the public record allows', () => {
    expect(drawnTargetIds(snapshot.targets, rules, seed, `  ${outside}\n`.trim())).toEqual([target(3), target(5)]);
    // Another outside value draws otherwise: the value is not decoration.
    expect(drawnTargetIds(snapshot.targets, rules, seed, '5f'.repeat(32))).not.toEqual([target(3), target(5)]);
  });
});
