import { describe, expect, it } from 'vitest';
import { checkDispositionMove, initialDispositionStatus } from '../../domain/dispositions';

describe('R14 R15 a disposition moves forward one step at a time', () => {
  it('R14 a penalty starts filed, then is decided, then executed', () => {
    expect(initialDispositionStatus('penalty')).toBe('filed');
    expect(checkDispositionMove('penalty', 'filed', 'decided', '坛商罚决〔2026〕12号')).toBeUndefined();
    expect(checkDispositionMove('penalty', 'decided', 'executed')).toBeUndefined();
  });

  it('R15 a transfer or police referral starts sent, then is accepted, then concluded; rows from before count as sent', () => {
    expect(initialDispositionStatus('police_referral')).toBe('sent');
    expect(checkDispositionMove('transfer', 'recorded', 'accepted')).toBeUndefined();
    expect(checkDispositionMove('police_referral', 'accepted', 'concluded', '公安机关已立案侦查')).toBeUndefined();
  });

  it('R14 R15 a decision or an answer is recorded with a note saying what it was', () => {
    expect(checkDispositionMove('penalty', 'filed', 'decided', ' ')).toMatchObject({ kind: 'invalid', field: 'note' });
    expect(checkDispositionMove('transfer', 'accepted', 'concluded')).toMatchObject({ kind: 'invalid', field: 'note' });
  });

  it('R14 R15 skipping, going back, repeating and moving past the end are refused as conflicts; another kind\'s step is invalid', () => {
    expect(checkDispositionMove('penalty', 'filed', 'executed')).toMatchObject({ kind: 'conflict', message: expect.stringContaining('decided') });
    expect(checkDispositionMove('penalty', 'decided', 'decided', '重复')).toMatchObject({ kind: 'conflict', field: 'status' });
    expect(checkDispositionMove('transfer', 'concluded', 'concluded', '重复')).toMatchObject({ kind: 'conflict', message: expect.stringContaining('last step') });
    expect(checkDispositionMove('transfer', 'sent', 'decided')).toMatchObject({ kind: 'invalid' });
  });
});
