import { z } from '../lib/zod';

/**
 * A copy of packages/server/src/auth/password.ts `passwordProblems` — keep the two identical
 * (same order of checks, same messages), so the form refuses exactly what the server
 * refuses. The server stays the authority; this only saves a round trip.
 */
export function passwordProblems(pw: string, username?: string): string | null {
  if (pw.length < 8) return '密码至少 8 位';
  if (pw.length > 128) return '密码不能超过 128 位';
  const kinds = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((r) => r.test(pw)).length;
  if (kinds < 3) return '密码须包含大写字母、小写字母、数字、符号中的至少三类';
  if (username && pw.toLowerCase().includes(username.toLowerCase())) return '密码不能包含用户名';
  return null;
}

export const PASSWORD_RULE_TEXT = '至少 8 位，包含大写字母、小写字母、数字、符号中的至少三类，且不能包含用户名';

/** A new password for `username`, checked like the server does. */
export const newPasswordSchema = (username?: string) =>
  z.string({ error: '请输入新密码' }).superRefine((pw, ctx) => {
    const p = passwordProblems(pw, username);
    if (p) ctx.addIssue({ code: 'custom', message: p });
  });

export const loginSchema = z.object({
  username: z.string({ error: '请输入用户名' }).trim().min(1, '请输入用户名').max(64, '用户名不能超过 64 个字符'),
  password: z.string({ error: '请输入密码' }).min(1, '请输入密码').max(128, '密码不能超过 128 位'),
});

/** POST /api/auth/password plus the confirmation field that only the form has. */
export const changePasswordFormSchema = (username?: string) =>
  z
    .object({
      oldPassword: z.string({ error: '请输入原密码' }).min(1, '请输入原密码').max(128),
      newPassword: newPasswordSchema(username),
      confirmPassword: z.string({ error: '请再次输入新密码' }).min(1, '请再次输入新密码'),
    })
    .superRefine((v, ctx) => {
      if (v.newPassword !== v.confirmPassword)
        ctx.addIssue({ code: 'custom', path: ['confirmPassword'], message: '两次输入的新密码不一致' });
      if (v.oldPassword && v.newPassword === v.oldPassword)
        ctx.addIssue({ code: 'custom', path: ['newPassword'], message: '新密码不能与原密码相同' });
    });
