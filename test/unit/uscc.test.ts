import { describe, expect, it } from 'vitest';
import { checkUscc, usccCheckCharacter } from '../../domain/uscc';

describe('R1 unified social credit code (GB 32100-2015)', () => {
  it.each(['9144030071526726XG', '91330100799655058B', '91110108551385082Q', '91350100M000100Y43'])(
    'R1 accepts the real, published code %s',
    (code) => {
      expect(checkUscc(code)).toEqual({ valid: true, uscc: code });
    },
  );

  it('R1 normalises case and surrounding spaces', () => {
    expect(checkUscc(' 9144030071526726xg ')).toEqual({ valid: true, uscc: '9144030071526726XG' });
  });

  it('R1 computes the check character from the weighted sum modulo 31', () => {
    expect(usccCheckCharacter('9144030071526726X')).toBe('G');
    expect(usccCheckCharacter('91350100M000100Y4')).toBe('3');
  });

  it('R1 refuses a wrong check character', () => {
    const result = checkUscc('9144030071526726XA');
    expect(result).toMatchObject({ valid: false, problem: 'check' });
    if (!result.valid) expect(result.message).toContain('校验码');
  });

  it('R1 refuses a wrong length, naming the length', () => {
    expect(checkUscc('91320482MA1M4QXX0')).toMatchObject({ valid: false, problem: 'length' });
    expect(checkUscc('91320482MA1M4QXX0UU')).toMatchObject({ valid: false, problem: 'length' });
  });

  it('R1 refuses letters outside the code alphabet (I, O, S, V, Z)', () => {
    expect(checkUscc('91320482MA1M4QXXOU')).toMatchObject({ valid: false, problem: 'character' });
  });

  it('R1 refuses a non-numeric administrative division code', () => {
    const first17 = '913204A2MA1M4QXX0';
    expect(checkUscc(first17 + usccCheckCharacter(first17))).toMatchObject({ valid: false, problem: 'division' });
  });
});
