// R10: who replaces a recused officer. The load is shared (the officers with the fewest open cases), and among
// them chance decides, so that nobody can arrange who will inspect an entity by declaring a conflict.

export interface ReplacementCandidate {
  id: string;
  openCases: number;
}

/** `randomIndex(n)` answers a uniformly random whole number below n (crypto.randomInt in production). */
export function pickReplacement(candidates: readonly ReplacementCandidate[], randomIndex: (count: number) => number): string | undefined {
  if (candidates.length === 0) return undefined;
  const fewest = Math.min(...candidates.map((candidate) => candidate.openCases));
  const leastLoaded = candidates.filter((candidate) => candidate.openCases === fewest).map((candidate) => candidate.id).sort();
  return leastLoaded[randomIndex(leastLoaded.length)];
}
