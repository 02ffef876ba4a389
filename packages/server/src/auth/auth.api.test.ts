import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from './password';
import { startTestApp, TEST_ADMIN_PASSWORD, type TestApp } from '../test/harness';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('auth', () => {
  it('logs in, sets an HttpOnly cookie and returns the CSRF token and permissions', async () => {
    const c = t.client();
    const r = await c.post('/api/auth/login', { username: 'admin', password: TEST_ADMIN_PASSWORD });
    expect(r.status).toBe(200);
    const setCookie = r.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/fupin_sid=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(r.body.csrfToken.length).toBeGreaterThan(20);
    expect(r.body.user.username).toBe('admin');
    expect(r.body.user.permissions).toContain('*');
    const me = await c.get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.csrfToken).toBe(r.body.csrfToken);
  });

  it('refuses a wrong password with 401 and a Chinese message, without revealing whether the user exists', async () => {
    const c = t.client();
    const wrong = await c.post('/api/auth/login', { username: 'admin', password: 'nope-nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message).toMatch(/用户名或密码错误/);
    const ghost = await c.post('/api/auth/login', { username: 'nobody', password: 'nope-nope' });
    expect(ghost.status).toBe(401);
    expect(ghost.body.error.code).toBe(wrong.body.error.code);
  });

  it('locks an account after repeated failures (429) and keeps it locked even with the right password', async () => {
    await t.db
      .insertInto('app_user')
      .values({ username: 'locktest', name: '锁定测试', password_hash: await hashPassword('Right#Pass1'), data_scope: 'all', must_change_password: false })
      .execute();
    const c = t.client();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await c.post('/api/auth/login', { username: 'locktest', password: 'bad-pass-x' })).status);
    expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
    expect(statuses[4]).toBe(429);
    const right = await c.post('/api/auth/login', { username: 'locktest', password: 'Right#Pass1' });
    expect(right.status).toBe(429);
    expect(right.body.error.message).toMatch(/锁定/);
  });

  it('requires the CSRF header on state-changing requests', async () => {
    const c = await t.admin();
    const saved = c.csrf;
    c.csrf = '';
    const r = await c.post('/api/auth/password', { oldPassword: TEST_ADMIN_PASSWORD, newPassword: 'Another#Pass9' });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('E1104');
    c.csrf = saved;
  });

  it('rejects anonymous access with 401 and malformed bodies with a Chinese 400', async () => {
    const anon = t.client();
    expect((await anon.get('/api/auth/me')).status).toBe(401);
    const bad = await anon.req('POST', '/api/auth/login', '{"username": ', { 'content-type': 'application/json' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/JSON/);
    const extra = await anon.post('/api/auth/login', { username: 'a', password: 'b', role: 'admin' });
    expect(extra.status).toBe(400);
    expect(extra.body.error.message).toMatch(/role/);
    const types = await anon.post('/api/auth/login', { username: 5, password: 'b' });
    expect(types.status).toBe(400);
    expect(types.body.error.message).toMatch(/username/);
  });

  it('forces a first-login password change before anything else', async () => {
    await t.db
      .insertInto('app_user')
      .values({ username: 'newbie', name: '新用户', password_hash: await hashPassword('Temp#Pass12'), data_scope: 'all', must_change_password: true })
      .execute();
    const c = t.client();
    await c.login('newbie', 'Temp#Pass12');
    const blocked = await c.get('/api/openapi.json');
    expect(blocked.status).toBe(200); // public
    const weak = await c.post('/api/auth/password', { oldPassword: 'Temp#Pass12', newPassword: 'abcdefgh' });
    expect(weak.status).toBe(400);
    expect(weak.body.error.message).toMatch(/新密码/);
    const ok = await c.post('/api/auth/password', { oldPassword: 'Temp#Pass12', newPassword: 'Fresh#Pass34' });
    expect(ok.status).toBe(200);
    const me = await c.get('/api/auth/me');
    expect(me.body.user.mustChangePassword).toBe(false);
    const audit = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'change-password').execute();
    expect(audit.map((a) => a.username)).toContain('newbie');
  });

  it('logs out and the cookie no longer works', async () => {
    const c = await t.admin();
    expect((await c.post('/api/auth/logout')).status).toBe(200);
    expect((await c.get('/api/auth/me')).status).toBe(401);
  });
});
