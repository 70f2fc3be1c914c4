// Statistical checks of the draw's fairness. Every seed is fixed, so each test gives the same answer on
// every run: nothing here is flaky, a failure means the algorithm changed.
import { describe, expect, it } from 'vitest';
import { runDraw, type DrawRules, type DrawSnapshot, type DrawTarget } from '../../domain/draw';

const range = (count: number, from = 1) => Array.from({ length: count }, (_, index) => from + index);

function target(number: number, fields: Partial<DrawTarget> = {}): DrawTarget {
  return {
    id: `E${String(number).padStart(3, '0')}`,
    uscc: '91320482MA1M4QXX0U',
    category: 'catering',
    street: '金城镇',
    riskFlags: [],
    inspectionsThisYear: 0,
    ...fields,
  };
}

const officers = (count: number) =>
  range(count).map((n) => ({ id: `O${String(n).padStart(3, '0')}`, specialties: [], certificateValidUntil: '2030-01-01', participationsThisYear: 0 }));

const rules = (fields: Partial<DrawRules> = {}): DrawRules => ({
  targetCount: 1,
  teamSize: 2,
  inspectionDate: '2025-06-02',
  riskWeights: { complaints: 3, safety_hazard: 2 },
  coverageFirst: true,
  ...fields,
});

/** How often each id came up over `draws` seeds. */
function tally(draws: number, ids: (seed: string) => string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (let draw = 0; draw < draws; draw += 1) {
    for (const id of ids(`fairness-${draw}`)) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

// ln Γ(x) by the Lanczos approximation (g = 7, 9 coefficients), accurate to ~15 digits for x > 0.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let index = 1; index < LANCZOS.length; index += 1) sum += LANCZOS[index]! / (z + index);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/**
 * Q(a, x), the regularised upper incomplete gamma function: by its power series when x < a + 1, where
 * that converges fast, otherwise by its continued fraction (modified Lentz), as in Numerical Recipes §6.2.
 */
function upperGammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const front = Math.exp(-x + a * Math.log(x) - logGamma(a));
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 1000 && Math.abs(term) > Math.abs(sum) * 1e-15; n += 1) {
      term *= x / (a + n);
      sum += term;
    }
    return 1 - sum * front;
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let n = 1; n < 1000; n += 1) {
    const an = -n * (n - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return front * h;
}

/** P(χ²_df ≥ statistic). */
const chiSquareSurvival = (statistic: number, degreesOfFreedom: number) => upperGammaQ(degreesOfFreedom / 2, statistic / 2);

/**
 * Pearson's statistic for `draws` draws of k out of n equally likely items. One draw takes k distinct items,
 * so counts are not multinomial: each count has variance N·p(1−p) with p = k/n, and the covariance of two
 * counts is −N·p(1−p)/(n−1). Dividing the squared deviations by N·p(1−p)·n/(n−1) instead of by the
 * expectation makes the statistic χ² with n − 1 degrees of freedom (for large N), as for multinomial counts.
 */
function withoutReplacementChiSquare(counts: readonly number[], draws: number, k: number): { statistic: number; p: number } {
  const n = counts.length;
  const p = k / n;
  const expected = draws * p;
  const scale = draws * p * (1 - p) * (n / (n - 1));
  const statistic = counts.reduce((sum, count) => sum + (count - expected) ** 2, 0) / scale;
  return { statistic, p: chiSquareSurvival(statistic, n - 1) };
}

describe('R8 the draw is fair', () => {
  it('R8 the chi-square survival function used here matches published values', () => {
    expect(chiSquareSurvival(0, 5)).toBe(1);
    for (const x of [0.5, 3, 10, 40]) expect(chiSquareSurvival(x, 2)).toBeCloseTo(Math.exp(-x / 2), 12);
    // Critical values from standard tables: P = 0.05 and P = 0.001.
    expect(chiSquareSurvival(3.841459, 1)).toBeCloseTo(0.05, 6);
    expect(chiSquareSurvival(18.307038, 10)).toBeCloseTo(0.05, 6);
    expect(chiSquareSurvival(66.338649, 49)).toBeCloseTo(0.05, 6);
    expect(chiSquareSurvival(85.351, 49)).toBeCloseTo(0.001, 5);
    expect(chiSquareSurvival(27.877, 9)).toBeCloseTo(0.001, 5);
  });

  it('R8 over 2,000 draws of 10 from 50 equal entities, each entity is drawn equally often (chi-square p > 0.001)', () => {
    const snapshot: DrawSnapshot = { targets: range(50).map((n) => target(n)), officers: officers(4), conflicts: [] };
    const counts = tally(2_000, (seed) => runDraw(snapshot, rules({ targetCount: 10 }), seed).picks.map((pick) => pick.entityId));
    expect(counts.size).toBe(50);
    const { p } = withoutReplacementChiSquare([...counts.values()], 2_000, 10);
    expect(p).toBeGreaterThan(0.001);
  });

  it('R8 among officers with equal workloads, each is put on a team equally often (chi-square p > 0.001)', () => {
    const snapshot: DrawSnapshot = { targets: [target(1)], officers: officers(10), conflicts: [] };
    const counts = tally(2_000, (seed) => runDraw(snapshot, rules(), seed).picks.flatMap((pick) => pick.team));
    expect(counts.size).toBe(10);
    const { p } = withoutReplacementChiSquare([...counts.values()], 2_000, 2);
    expect(p).toBeGreaterThan(0.001);
  });

  it('R8 the equal-frequency check does catch a biased draw', () => {
    // The same statistic on counts skewed 20% towards the first ten entities must fail.
    const skewed = range(50).map((n) => (n <= 10 ? 480 : 380));
    expect(withoutReplacementChiSquare(skewed, 2_000, 10).p).toBeLessThan(0.001);
  });

  it('R6 a risk weight of 3 makes an entity about 3 times as likely to be the single pick', () => {
    const snapshot: DrawSnapshot = {
      targets: range(20).map((n) => target(n, { riskFlags: n === 7 ? ['complaints'] : [] })),
      officers: officers(4),
      conflicts: [],
    };
    const draws = 4_000;
    const counts = tally(draws, (seed) => runDraw(snapshot, rules(), seed).picks.map((pick) => pick.entityId));
    const flagged = counts.get('E007') ?? 0;
    const others = (draws - flagged) / 19;
    // Exactly 3/22 against 1/22; the tolerance is about three standard errors of the ratio.
    expect(flagged / draws).toBeGreaterThan((3 / 22) * 0.87);
    expect(flagged / draws).toBeLessThan((3 / 22) * 1.13);
    expect(flagged / others).toBeGreaterThan(2.5);
    expect(flagged / others).toBeLessThan(3.5);
  });

  it('R6 weighted sampling without replacement matches the probabilities of successive weighted picks', () => {
    // Weights 1, 2 and 3; drawing 2 leaves out A with probability (2/6)(3/4) + (3/6)(2/3) = 7/12.
    const snapshot: DrawSnapshot = {
      targets: [target(1), target(2, { riskFlags: ['safety_hazard'] }), target(3, { riskFlags: ['complaints'] })],
      officers: officers(4),
      conflicts: [],
    };
    const draws = 3_000;
    const counts = tally(draws, (seed) => runDraw(snapshot, rules({ targetCount: 2 }), seed).picks.map((pick) => pick.entityId));
    const inclusion = {
      E001: 5 / 12,
      E002: 1 - ((1 / 6) * (3 / 5) + (3 / 6) * (1 / 3)), // left out when A then C, or C then A
      E003: 1 - ((1 / 6) * (2 / 5) + (2 / 6) * (1 / 4)),
    };
    for (const [id, probability] of Object.entries(inclusion)) {
      const observed = (counts.get(id) ?? 0) / draws;
      const standardError = Math.sqrt((probability * (1 - probability)) / draws);
      expect(Math.abs(observed - probability)).toBeLessThan(4 * standardError);
    }
  });
});
