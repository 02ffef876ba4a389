import { describe, expect, it } from 'vitest';
import { changePasswordFormSchema, passwordProblems } from './password';

// The server's module needs Node (argon2, crypto); a non-literal import keeps it out of the
// browser type-check while vitest (Node) loads it as it is.
const serverModule = '../../../server/src/auth/password';
const { passwordProblems: serverRule } = (await import(serverModule)) as { passwordProblems: typeof passwordProblems };

// The browser's copy must refuse exactly what the server refuses, with the same message.
describe('password rule parity with the server', () => {
  const cases: [string, string | undefined][] = [
    ['', undefined],
    ['short1A', undefined],
    ['abcdefgh', undefined],
    ['abcdefg1', undefined],
    ['Abcdefg1', undefined],
    ['abcdef1!', undefined],
    ['ABCDEF1!', undefined],
    ['Zhang#2026', 'zhang'],
    ['Zhang#2026', 'ZHANG'],
    ['Fresh#Pass34', 'newbie'],
    ['密码密码密码密码1a', undefined],
    ['x'.repeat(129) + 'A1', undefined],
    ['Aa1' + '!'.repeat(125), undefined],
  ];
  it.each(cases)('%s (user %s)', (pw, user) => {
    expect(passwordProblems(pw, user)).toBe(serverRule(pw, user));
  });

  it('agrees on random strings', () => {
    const alphabet = 'aAbB1 2!#中zZ9_';
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 2000; i++) {
      const len = Math.floor(rnd() * 14);
      let pw = '';
      for (let j = 0; j < len; j++) pw += alphabet[Math.floor(rnd() * alphabet.length)];
      expect(passwordProblems(pw, 'aB1')).toBe(serverRule(pw, 'aB1'));
    }
  });
});

describe('change-password form schema', () => {
  const schema = changePasswordFormSchema('wang');
  it('accepts a good change', () => {
    expect(schema.safeParse({ oldPassword: 'Old#Pass1', newPassword: 'New#Pass2026', confirmPassword: 'New#Pass2026' }).success).toBe(true);
  });
  it('puts each problem on its field', () => {
    const r = schema.safeParse({ oldPassword: 'Same#Pass1', newPassword: 'Same#Pass1', confirmPassword: 'Other#Pass1' });
    expect(r.success).toBe(false);
    const byField = Object.fromEntries(r.error!.issues.map((i) => [String(i.path[0]), i.message]));
    expect(byField.confirmPassword).toBe('两次输入的新密码不一致');
    expect(byField.newPassword).toBe('新密码不能与原密码相同');
  });
  it('refuses a password containing the username', () => {
    const r = schema.safeParse({ oldPassword: 'x', newPassword: 'Wang#2026ab', confirmPassword: 'Wang#2026ab' });
    expect(r.error?.issues[0].message).toBe('密码不能包含用户名');
  });
});
