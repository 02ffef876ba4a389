import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../test/harness';

let t: TestApp;
let admin: Client;
beforeAll(async () => {
  t = await startTestApp();
  admin = await t.admin();
});
afterAll(async () => {
  await t.close();
});

describe('params', () => {
  it('lists parameters with descriptions', async () => {
    const r = await admin.get('/api/params');
    expect(r.body.items.find((p: { key: string }) => p.key === 'auth.maxFailedLogins')).toMatchObject({ value: 5, description: '连续登录失败多少次后临时锁定账号' });
  });

  it('validates each key and logs the change once', async () => {
    const cases: [string, unknown, RegExp][] = [
      ['auth.maxFailedLogins', 0, /参数值：连续登录失败次数不能小于 1 次/],
      ['auth.maxFailedLogins', 21, /不能大于 20 次/],
      ['auth.maxFailedLogins', 2.5, /必须是整数/],
      ['auth.maxFailedLogins', '3', /必须是数字/],
      ['registry.noticeDays', 3, /公示期不能小于 5 天/],
    ];
    for (const [key, value, msg] of cases) {
      const r = await admin.patch(`/api/params/${key}`, { value });
      expect(r.status, `${key}=${JSON.stringify(value)}`).toBe(400);
      expect(r.body.error.message).toMatch(msg);
    }
    expect((await admin.patch('/api/params/auth.maxFailedLogins', { value: 3, extra: 1 })).body.error.message).toMatch(/不允许的字段 extra/);
    expect((await admin.patch('/api/params/no.such.key', { value: 3 })).status).toBe(404);
    const ok = await admin.patch('/api/params/auth.maxFailedLogins', { value: 3 });
    expect(ok.status).toBe(200);
    expect(ok.body.value).toBe(3);
    const logs = await t.db.selectFrom('audit_log').selectAll().where('entity', '=', 'sys_param').execute();
    expect(logs).toHaveLength(1);
    expect(logs[0].summary).toBe('修改参数 auth.maxFailedLogins（连续登录失败多少次后临时锁定账号）：5 → 3');
    expect(logs[0].before).toEqual({ value: 5 });
  });

  it('takes effect: the login lock now follows the new value', async () => {
    await admin.post('/api/users', { username: 'lockme', name: '锁', dataScope: 'all', roleCodes: [], password: 'Right#Pass12' });
    const c = t.client();
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await c.post('/api/auth/login', { username: 'lockme', password: 'wrong-pass' })).status);
    expect(statuses).toEqual([401, 401, 429]);
  });
});
