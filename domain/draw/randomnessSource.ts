// The outside randomness a draw mixes into its seed (R8, R20), named when the draw is committed, before the value
// exists, so that no one in the bureau — not the person who runs the draw, not the auditor who enters the value —
// can choose it. By default it is a round of drand's "quicknet" beacon (League of Entropy: a new value every 3 s,
// published by independent operators and checkable by anyone at the round's URL); a draw may instead name another
// public source (a welfare-lottery issue, say) in words, with the time its value is due.
// Plain data and arithmetic: workflow code uses it too.

/** drand's quicknet chain (https://drand.love): its chain hash, first round's time (Unix seconds) and period. */
export const DRAND_QUICKNET = {
  chainHash: '52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971',
  genesisTime: 1_692_803_367,
  periodSeconds: 3,
} as const;

export type RandomnessSource =
  | {
      kind: 'drand';
      chain: 'quicknet';
      round: number;
      /** When the round's value is published, ISO 8601. */
      publishedAt: string;
      /** Where anyone reads the value: its `randomness` field. */
      url: string;
    }
  | {
      kind: 'named';
      /** The public source and which of its values, e.g. 中国福利彩票双色球 2026140 期开奖号码. */
      description: string;
      /** When that value is published, ISO 8601. */
      publishedAt: string;
    };

/** The first quicknet round published at or after `at`: its value cannot be known at `at`. */
export function drandRoundAt(at: Date): Extract<RandomnessSource, { kind: 'drand' }> {
  const { genesisTime, periodSeconds, chainHash } = DRAND_QUICKNET;
  const seconds = Math.max(at.getTime() / 1000, genesisTime);
  const round = Math.ceil((seconds - genesisTime) / periodSeconds) + 1;
  const publishedAt = new Date((genesisTime + (round - 1) * periodSeconds) * 1000).toISOString();
  return { kind: 'drand', chain: 'quicknet', round, publishedAt, url: `https://api.drand.sh/${chainHash}/public/${round}` };
}

/** Why a value cannot be the one the source named, or undefined when it can (its form; its truth is public). */
export function publicValueProblem(source: RandomnessSource, value: string): string | undefined {
  const trimmed = value.trim();
  if (source.kind === 'drand') {
    return /^[0-9a-f]{64}$/.test(trimmed)
      ? undefined
      : `应为 drand 第 ${source.round} 轮的 randomness（64 位小写十六进制）/ must be the randomness of drand round ${source.round} (64 lowercase hex digits)`;
  }
  return trimmed.length > 0 && trimmed.length <= 500 ? undefined : '不能为空，最多 500 字 / must not be empty, at most 500 characters';
}

/** Whether the named value can exist yet: not before its publication time. */
export function isPublished(source: RandomnessSource, now: Date): boolean {
  return now.getTime() >= Date.parse(source.publishedAt);
}

export function describeSource(source: RandomnessSource): string {
  return source.kind === 'drand'
    ? `drand quicknet 第 ${source.round} 轮（${source.publishedAt} 公布，${source.url}）/ drand quicknet round ${source.round} (published ${source.publishedAt}, ${source.url})`
    : `${source.description}（${source.publishedAt} 公布）/ ${source.description} (published ${source.publishedAt})`;
}
