// 统一社会信用代码 (unified social credit code), GB 32100-2015: 18 characters from a 31-character alphabet,
// the last one a check character over the first 17.

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const REGISTRATION_AUTHORITIES = '123456789ABCDEFGY';

export type UsccProblem = 'length' | 'character' | 'authority' | 'division' | 'check';

export type UsccCheck = { valid: true; uscc: string } | { valid: false; problem: UsccProblem; message: string };

const messages: Record<UsccProblem, string> = {
  length: '统一社会信用代码应为18位 / must be 18 characters',
  character: '含有不允许的字符（不使用 I、O、S、V、Z）/ contains a character outside the code alphabet (no I, O, S, V, Z)',
  authority: '登记管理部门代码（第1位）无效 / the registration authority code (1st character) is not valid',
  division: '行政区划码（第3-8位）应为数字 / the administrative division code (characters 3-8) must be digits',
  check: '校验码不正确 / the check character does not match',
};

/** The check character for the first 17 characters of a code (already upper case, in the alphabet). */
export function usccCheckCharacter(first17: string): string {
  let sum = 0;
  for (let index = 0; index < 17; index += 1) {
    sum += ALPHABET.indexOf(first17[index]!) * WEIGHTS[index]!;
  }
  return ALPHABET[(31 - (sum % 31)) % 31]!;
}

export function checkUscc(input: string): UsccCheck {
  const uscc = input.trim().toUpperCase();
  const fail = (problem: UsccProblem): UsccCheck => ({ valid: false, problem, message: messages[problem] });
  if (uscc.length !== 18) return fail('length');
  if ([...uscc].some((character) => !ALPHABET.includes(character))) return fail('character');
  if (!REGISTRATION_AUTHORITIES.includes(uscc[0]!)) return fail('authority');
  if (!/^\d{6}$/.test(uscc.slice(2, 8))) return fail('division');
  if (usccCheckCharacter(uscc.slice(0, 17)) !== uscc[17]) return fail('check');
  return { valid: true, uscc };
}
