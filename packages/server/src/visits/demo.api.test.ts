import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../demo/generate';
import { todayInChinaString } from '../jobs/time';
import { startTestApp, type TestApp } from '../test/harness';
import { loadVisitDemo } from './demo';
import { addMonths, monthOf } from './rules';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await loadDemo(t.db, t.pool, { scale: 'township', seed: 5 });
});
afterAll(async () => {
  await t.close();
});

describe('visit demo data', () => {
  it('pairs every household that must be visited, about five to a cadre, and visits them at a realistic rate', async () => {
    const r = await loadVisitDemo(t.db, { seed: 5, months: 3 });
    expect(r.counties).toBe(1);
    const required = await t.db.selectFrom('household').select((eb) => eb.fn.countAll<number>().as('n')).where('status', 'in', ['identified', 'returned', 'monitored', 'exited']).executeTakeFirstOrThrow();
    expect(r.pairings).toBe(Number(required.n));
    expect(r.cadres).toBeGreaterThanOrEqual(Math.ceil(r.pairings / 5));
    expect(r.visits).toBeGreaterThan(r.pairings * 2);
    expect(r.teams).toBeGreaterThan(0);
    // the demo cadre login of a village has its households on the phone
    const login = await t.db.selectFrom('cadre').select(['user_id']).where('user_id', 'is not', null).executeTakeFirstOrThrow();
    expect(login.user_id).toEqual(expect.any(Number));

    const admin = await t.admin();
    const month = addMonths(monthOf(todayInChinaString()), -1);
    const rates = await admin.get(`/api/visits/rates?month=${month}&groupBy=county`);
    expect(rates.status).toBe(200);
    expect(rates.body.totals.rate).toBeGreaterThan(0.85);
    expect(rates.body.totals.rate).toBeLessThan(1);
    expect(rates.body.totals.unassigned).toBeGreaterThanOrEqual(0);
    const dash = await admin.get(`/api/visits/dashboard?year=${month.slice(0, 4)}`);
    expect(dash.body.counts.pairedHouseholds).toBe(r.pairings);

    // a second run leaves the county alone
    const again = await loadVisitDemo(t.db, { seed: 5, months: 3 });
    expect(again.counties).toBe(0);
  });
});
