import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../test/harness';
import { loadCalendar } from './service';

let t: TestApp;
let admin: Client;
beforeAll(async () => {
  t = await startTestApp();
  admin = await t.admin();
});
afterAll(async () => {
  await t.close();
});

describe('working-day calendar', () => {
  it("lists a year's exceptions from the published schedule", async () => {
    const r = await admin.get('/api/calendar?year=2026');
    expect(r.status).toBe(200);
    expect(r.body.published).toBe(true);
    const byDate = new Map(r.body.days.map((d: { date: string }) => [d.date, d]));
    expect(byDate.get('2026-10-01')).toEqual({ date: '2026-10-01', kind: 'holiday', note: '国庆节', source: 'builtin' });
    expect(byDate.get('2026-10-10')).toMatchObject({ kind: 'workday', source: 'builtin' }); // adjusted working Saturday
    expect(byDate.has('2026-10-12')).toBe(false); // a plain Monday is no exception
    const future = await admin.get('/api/calendar?year=2027');
    expect(future.body).toEqual({ year: 2027, published: false, days: [] });
    expect((await admin.get('/api/calendar?year=1999')).body.error.message).toMatch(/年份：年份不能早于 2004/);
  });

  it('adds working days across the National Day holiday', async () => {
    const r = await admin.get('/api/calendar/add-working-days?date=2026-09-28&n=5');
    expect(r.body).toEqual({ date: '2026-09-28', n: 5, result: '2026-10-10' });
    const bad = await admin.get('/api/calendar/add-working-days?date=2026-02-30&n=5');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/日期/);
  });

  it('applies overrides at once (cache invalidated), logs them, and deletes them', async () => {
    const base = await admin.get('/api/calendar/add-working-days?date=2027-01-01&n=1');
    expect(base.body.result).toBe('2027-01-04'); // Friday 1 Jan → Monday
    const put = await admin.put('/api/calendar/overrides/2027-01-04', { kind: 'holiday', note: '元旦补休' });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect((await admin.get('/api/calendar/add-working-days?date=2027-01-01&n=1')).body.result).toBe('2027-01-05');
    expect((await loadCalendar(t.db)).isWorkingDay('2027-01-04')).toBe(false);
    const year = await admin.get('/api/calendar?year=2027');
    expect(year.body.days).toEqual([{ date: '2027-01-04', kind: 'holiday', note: '元旦补休', source: 'override' }]);
    const upd = await admin.put('/api/calendar/overrides/2027-01-04', { kind: 'workday', note: '更正' });
    expect(upd.status).toBe(200);
    expect((await admin.delete('/api/calendar/overrides/2027-01-04')).status).toBe(200);
    expect((await admin.get('/api/calendar/add-working-days?date=2027-01-01&n=1')).body.result).toBe('2027-01-04');
    expect((await admin.delete('/api/calendar/overrides/2027-01-04')).status).toBe(404);
    const logs = await t.db.selectFrom('audit_log').select('summary').where('entity', '=', 'calendar_override').orderBy('id').execute();
    expect(logs.map((l) => l.summary)).toEqual([
      '工作日历：将 2027-01-04 设为放假（元旦补休）',
      '工作日历：将 2027-01-04 设为上班（更正），原为放假',
      '工作日历：删除 2027-01-04 的调整（原设为上班），恢复为国家安排的上班日',
    ]);
  });

  it('validates override bodies and refuses a no-op', async () => {
    const kind = await admin.put('/api/calendar/overrides/2027-01-05', { kind: 'day-off' });
    expect(kind.status).toBe(400);
    expect(kind.body.error.message).toMatch(/类型：类型只能是 workday/);
    expect((await admin.put('/api/calendar/overrides/2027-13-01', { kind: 'holiday' })).status).toBe(400);
    const noop = await admin.put('/api/calendar/overrides/2027-01-05', { kind: 'workday' });
    expect(noop.status).toBe(409);
    expect(noop.body.error.message).toMatch(/本来就是上班日/);
  });
});
