// Commit and reveal. Before the draw the brigade publishes commit(seed) and the snapshot hash; the seed is
// revealed with the result. Because the commitment pins the seed before the snapshot and any outside
// randomness (e.g. a lottery number drawn later) are known, nobody can shop for a seed that suits them.

import { sha256Hex } from './canonical';
import { ALGORITHM_VERSION } from './types';

/** SHA-256 (hex) of the seed's UTF-8 bytes: checkable with any sha256sum. */
export function commit(seed: string): string {
  return sha256Hex(seed);
}

/**
 * The key material of the draw. The JSON array keeps the two parts apart (no seed/outside pair can
 * spell another's bytes), the tag keeps this hash from being mistaken for any other use of the seed.
 * An absent outside randomness is `null`, distinct from an empty string.
 */
export function mixSeed(seed: string, outsideRandomness?: string): string {
  return sha256Hex(`${ALGORITHM_VERSION}:seed-mix\n${JSON.stringify([seed, outsideRandomness ?? null])}`);
}
