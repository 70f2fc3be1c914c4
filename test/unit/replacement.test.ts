import { describe, expect, it } from 'vitest';
import { pickReplacement } from '../../domain/replacement';

describe('R10 a recused officer is replaced by chance among the least-loaded eligible officers', () => {
  const candidates = [
    { id: 'c', openCases: 1 },
    { id: 'a', openCases: 3 },
    { id: 'b', openCases: 1 },
    { id: 'd', openCases: 1 },
  ];

  it('R10 only officers with the fewest open cases can be picked, and chance picks among them', () => {
    const asked: number[] = [];
    const picks = [0, 1, 2].map((index) => pickReplacement(candidates, (count) => (asked.push(count), index)));
    expect(asked).toEqual([3, 3, 3]);
    expect(picks).toEqual(['b', 'c', 'd']);
  });

  it('R10 every least-loaded officer is picked over many draws, the busier one never', () => {
    const seen = new Map<string, number>();
    for (let draw = 0; draw < 3_000; draw += 1) {
      const picked = pickReplacement(candidates, (count) => Math.floor(Math.random() * count))!;
      seen.set(picked, (seen.get(picked) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual(['b', 'c', 'd']);
    for (const count of seen.values()) expect(count).toBeGreaterThan(800);
  });

  it('R10 nobody eligible: no pick', () => {
    expect(pickReplacement([], () => 0)).toBeUndefined();
  });
});
