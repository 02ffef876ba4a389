import { randomUUID } from 'node:crypto';
import { addDays } from '@fupin/shared/date';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayInChinaString } from '../../jobs/time';
import { startTestApp, type Client, type TestApp } from '../../test/harness';
import { login, quickCadre, quickPairing, seedRegion, type Fixture } from '../test-fixtures';

let t: TestApp;
let f: Fixture;
let phone: Client; // cadre1's phone
let c1: number;
let c2: number;
const today = todayInChinaString();
const daysAgo = (n: number) => addDays(today, -n);

const visit = (over: Record<string, unknown> = {}) => ({
  clientId: randomUUID(),
  householdId: f.households.h1,
  visitDate: daysAgo(1),
  kind: 'home',
  checks: { food: true, clothing: true, schooling: true, medical: true, housing: true, water: true },
  satisfaction: 'very_satisfied',
  clientRecordedAt: new Date().toISOString(),
  ...over,
});

beforeAll(async () => {
  t = await startTestApp();
  f = await seedRegion(t);
  c1 = await quickCadre(t.db, { county: '341202', userId: f.users.cadre1, name: '张帮扶', unitOrgId: f.orgs.jt });
  c2 = await quickCadre(t.db, { county: '341202', userId: f.users.cadre2, name: '李帮扶', unitOrgId: f.orgs.jt });
  await quickPairing(t.db, { county: '341202', householdId: f.households.h1, cadreId: c1, start: daysAgo(100) });
  await quickPairing(t.db, { county: '341202', householdId: f.households.h2, cadreId: c1, start: daysAgo(100) });
  // same village, another cadre: must never reach cadre1's phone
  await quickPairing(t.db, { county: '341202', householdId: f.households.h3, cadreId: c2, start: daysAgo(100) });
  await t.db
    .insertInto('person')
    .values([
      { county_code: '341202', household_id: f.households.h1, area_code: '341202001001', name: '赵一', sex: 'M', id_number: '341202196501011234', birth_date: '1965-01-01', relation: 'head', health: 'chronic' },
      { county_code: '341202', household_id: f.households.h1, area_code: '341202001001', name: '赵小一', sex: 'F', id_number: '341202201203041240', birth_date: '2012-03-04', relation: 'daughter', schooling: 'junior' },
    ])
    .execute();
  phone = await login(t, 'cadre1');
});
afterAll(async () => {
  await t.close();
});

describe('download: the cadre’s own households only, with a bounded history', () => {
  it('sends exactly the cadre’s paired households with members (no ID numbers), due visits and the last N visits', async () => {
    for (let i = 1; i <= 5; i++) {
      const r = await phone.post('/api/visits/sync', { visits: [visit({ visitDate: daysAgo(i * 3) })] });
      expect(r.body.results[0].status).toBe('created');
    }
    const d = await phone.get('/api/visits/sync?recent=2');
    expect(d.status).toBe(200);
    expect(d.body.households.map((h: { headName: string }) => h.headName)).toEqual(['赵一', '钱二']);
    const h1 = d.body.households[0];
    expect(h1.recentVisits).toHaveLength(2);
    expect(h1.recentVisits.map((v: { visitDate: string }) => v.visitDate)).toEqual([daysAgo(3), daysAgo(6)]);
    expect(h1.lastVisitDate).toBe(daysAgo(3));
    expect(h1.phone).toBe('13912345678');
    expect(h1.members).toEqual([
      expect.objectContaining({ name: '赵一', relationLabel: '户主', healthLabel: '长期慢性病' }),
      expect.objectContaining({ name: '赵小一', relationLabel: '之女', schoolingLabel: '七年级至九年级' }),
    ]);
    expect(JSON.stringify(d.body)).not.toContain('341202196501011234');
    expect(h1.due).toMatchObject({ required: expect.any(Number), done: expect.any(Number) });
    expect(d.body.rule.minVisitsPerMonth).toBe(2);
    const none = await phone.get('/api/visits/sync?recent=0');
    expect(none.body.households[0].recentVisits).toEqual([]);
    const tooMany = await phone.get('/api/visits/sync?recent=500');
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toMatch(/最多 20 条/);
    const log = await t.db.selectFrom('audit_log').select('summary').where('action', '=', 'sync-download').execute();
    expect(log[0].summary).toMatch(/结对户 2 户/);
  });

  it('gives another cadre of the same village nothing of cadre1’s', async () => {
    const other = await login(t, 'cadre2');
    const d = await other.get('/api/visits/sync');
    expect(d.body.households.map((h: { headName: string }) => h.headName)).toEqual(['孙三']);
  });
});

describe('upload: idempotent, out of order, conflicts reported', () => {
  it('records the same visit sent three times exactly once', async () => {
    const v = visit({ visitDate: daysAgo(2) });
    const r1 = await phone.post('/api/visits/sync', { visits: [v] });
    const r2 = await phone.post('/api/visits/sync', { visits: [v] });
    const r3 = await phone.post('/api/visits/sync', { visits: [v] });
    expect(r1.body.results[0].status).toBe('created');
    expect(r2.body.results[0]).toMatchObject({ status: 'duplicate', visitId: r1.body.results[0].visitId });
    expect(r3.body.results[0]).toMatchObject({ status: 'duplicate', visitId: r1.body.results[0].visitId });
    const rows = await t.db.selectFrom('visit').select('id').where('client_id', '=', v.clientId).execute();
    expect(rows).toHaveLength(1);
    // twice inside one batch too
    const w = visit({ visitDate: daysAgo(2) });
    const both = await phone.post('/api/visits/sync', { visits: [w, w] });
    expect(both.body.results.map((x: { status: string }) => x.status)).toEqual(['created', 'duplicate']);
    expect(both.body.results[1].visitId).toBe(both.body.results[0].visitId);
    expect(both.body.summary).toEqual({ created: 1, duplicate: 1, conflict: 0, rejected: 0 });
  });

  it('handles concurrent retries of the same visit without a duplicate', async () => {
    const v = visit({ visitDate: daysAgo(4) });
    const all = await Promise.all([1, 2, 3].map(() => phone.post('/api/visits/sync', { visits: [v] })));
    const statuses = all.map((r) => r.body.results[0].status).sort();
    expect(statuses.filter((s) => s === 'created')).toHaveLength(1);
    expect(new Set(all.map((r) => r.body.results[0].visitId)).size).toBe(1);
    expect(await t.db.selectFrom('visit').select('id').where('client_id', '=', v.clientId).execute()).toHaveLength(1);
  });

  it('orders by visit date, not arrival: an older visit arriving last does not become the latest', async () => {
    const newer = visit({ householdId: f.households.h2, visitDate: daysAgo(1) });
    const older = visit({ householdId: f.households.h2, visitDate: daysAgo(20) });
    expect((await phone.post('/api/visits/sync', { visits: [newer] })).body.results[0].status).toBe('created');
    expect((await phone.post('/api/visits/sync', { visits: [older] })).body.results[0].status).toBe('created');
    const d = await phone.get('/api/visits/sync?recent=5');
    const h2 = d.body.households.find((h: { headName: string }) => h.headName === '钱二');
    expect(h2.lastVisitDate).toBe(daysAgo(1));
    expect(h2.recentVisits.map((v: { visitDate: string }) => v.visitDate)).toEqual([daysAgo(1), daysAgo(20)]);
  });

  it('accepts a visit made before the household was re-paired, uploaded after it', async () => {
    const station = await login(t, 'station_a');
    const offline = visit({ householdId: f.households.h2, visitDate: daysAgo(5) });
    const re = await station.post('/api/visits/pairings', { householdId: f.households.h2, cadreId: c2, startDate: daysAgo(3), reason: '工作调整', replace: true });
    expect(re.status).toBe(200);
    const up = await phone.post('/api/visits/sync', { visits: [offline] });
    expect(up.body.results[0].status).toBe('created');
    const row = await t.db.selectFrom('visit').select(['cadre_id']).where('client_id', '=', offline.clientId).executeTakeFirstOrThrow();
    expect(row.cadre_id).toBe(c1);
    // but not one dated after the hand-over
    const late = await phone.post('/api/visits/sync', { visits: [visit({ householdId: f.households.h2, visitDate: daysAgo(1) })] });
    expect(late.body.results[0].status).toBe('rejected');
    expect(late.body.results[0].error.code).toBe('E4202');
    // and the household is no longer on cadre1's phone
    expect((await phone.get('/api/visits/sync')).body.households.map((h: { headName: string }) => h.headName)).toEqual(['赵一']);
  });

  it('reports a conflict when the household changed since the phone’s copy, keeps the visit and never overwrites', async () => {
    const d = await phone.get('/api/visits/sync');
    const copy = d.body.households.find((h: { id: number }) => h.id === f.households.h1);
    // meanwhile the station corrects the household in the registry
    await t.db.updateTable('household').set({ phone: '13511112222', version: copy.version + 1 }).where('id', '=', f.households.h1).execute();
    const v = visit({ householdVersion: copy.version, householdChanges: { phone: '13600000000' }, problems: '电话已换号' });
    const up = await phone.post('/api/visits/sync', { visits: [v] });
    const res = up.body.results[0];
    expect(res.status).toBe('conflict');
    expect(res.visitId).toEqual(expect.any(Number));
    expect(res.household).toMatchObject({ id: f.households.h1, version: copy.version + 1, phone: '13511112222' });
    const hh = await t.db.selectFrom('household').select(['phone', 'version']).where('id', '=', f.households.h1).executeTakeFirstOrThrow();
    expect(hh).toEqual({ phone: '13511112222', version: copy.version + 1 });
    const saved = await phone.get(`/api/visits/${res.visitId}`);
    expect(saved.body).toMatchObject({ householdConflict: true, changesStatus: 'conflict', problems: '电话已换号' });
    // a retry of the same queued visit is a duplicate, not a second conflict
    const retry = await phone.post('/api/visits/sync', { visits: [v] });
    expect(retry.body.results[0]).toMatchObject({ status: 'duplicate', visitId: res.visitId });
    // with a fresh copy the change applies
    const fresh = await phone.post('/api/visits/sync', { visits: [visit({ householdVersion: copy.version + 1, householdChanges: { phone: '13600000000' } })] });
    expect(fresh.body.results[0].status).toBe('created');
    expect((await t.db.selectFrom('household').select('phone').where('id', '=', f.households.h1).executeTakeFirstOrThrow()).phone).toBe('13600000000');
  });

  it('judges each queued visit alone: a bad one or someone else’s household is rejected, the rest recorded', async () => {
    const good = visit();
    const up = await phone.post('/api/visits/sync', {
      visits: [visit({ kind: 'letter' }), visit({ householdId: f.households.h3 }), good, visit({ visitDate: addDays(today, 2) })],
    });
    expect(up.status).toBe(200);
    expect(up.body.results.map((r: { status: string }) => r.status)).toEqual(['rejected', 'rejected', 'created', 'rejected']);
    expect(up.body.results[0].error.message).toMatch(/走访方式/);
    expect(up.body.results[1].error.code).toBe('E1004');
    expect(up.body.results[3].error.code).toBe('E4201');
    expect(up.body.results[2].clientId).toBe(good.clientId);
  });

  it('refuses oversized batches and logins without the record permission', async () => {
    const big = await phone.post('/api/visits/sync', { visits: Array.from({ length: 201 }, () => visit()) });
    expect(big.status).toBe(400);
    expect(big.body.error.message).toMatch(/最多 200 条/);
    const unit = await login(t, 'unit_jt');
    expect((await unit.post('/api/visits/sync', { visits: [visit()] })).status).toBe(403);
  });

  it('writes one operation-log row per upload, naming the visits', async () => {
    const before = await t.db.selectFrom('audit_log').select('id').where('action', '=', 'sync').execute();
    await phone.post('/api/visits/sync', { visits: [visit({ visitDate: daysAgo(7) }), visit({ visitDate: daysAgo(8) })] });
    const after = await t.db.selectFrom('audit_log').select(['summary']).where('action', '=', 'sync').orderBy('id', 'desc').execute();
    expect(after.length).toBe(before.length + 1);
    expect(after[0].summary).toMatch(/离线同步走访记录 2 条：赵一/);
  });
});
