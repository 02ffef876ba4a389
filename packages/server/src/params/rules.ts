import { z } from 'zod';

/**
 * Validation per parameter key. Modules that add their own sys_param rows register a rule here
 * (registerParamRule) at import time; a key without a rule keeps the JSON type of its current
 * value (a number stays a finite number, a string a string, …).
 */
const int = (label: string, min: number, max: number, unit = '') =>
  z
    .number({ error: `${label}必须是数字` })
    .int(`${label}必须是整数`)
    .min(min, `${label}不能小于 ${min}${unit}`)
    .max(max, `${label}不能大于 ${max}${unit}`);

const RULES = new Map<string, z.ZodType>([
  ['auth.maxFailedLogins', int('连续登录失败次数', 1, 20, ' 次')],
  ['auth.lockMinutes', int('锁定时长', 1, 1440, ' 分钟')],
  ['auth.sessionHours', int('会话有效期', 1, 168, ' 小时')],
  // Monitoring notices must run at least 5 days (domain.md); a month is plenty for any notice.
  ['registry.noticeDays', int('公示期', 5, 30, ' 天')],
]);

export function registerParamRule(key: string, schema: z.ZodType) {
  RULES.set(key, schema);
}

export function paramRule(key: string): z.ZodType | undefined {
  return RULES.get(key);
}

/** A rule that keeps the current value's JSON type, for keys nobody registered. */
export function sameTypeAs(current: unknown): z.ZodType {
  if (typeof current === 'number') return z.number({ error: '参数值必须是数字' }).finite();
  if (typeof current === 'boolean') return z.boolean({ error: '参数值必须是 true 或 false' });
  if (typeof current === 'string') return z.string({ error: '参数值必须是文本' }).max(2000, '参数值不能超过 2000 个字');
  if (Array.isArray(current)) return z.array(z.unknown(), { error: '参数值必须是数组' });
  if (current && typeof current === 'object') return z.record(z.string(), z.unknown(), { error: '参数值必须是对象' });
  return z.unknown();
}
