import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, loadDemo } from '../demo/generate';
import { todayInChinaString } from '../jobs/time';
import { startTestApp, type TestApp } from '../test/harness';
import { loadVisitDemo } from './demo';
import { addMonths, monthOf } from './rules';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  // the demo generator loads the visit demo itself (the last three months of visits)
  await loadDemo(t.db, t.pool, { scale: 'township', seed: 5 });
});
afterAll(async () => {
  await t.close();
});

describe('visit demo data', () => {
  it('pairs every household that must be visited, about five to a cadre, and visits them at a realistic rate', async () => {
    const count = async (table: 'cadre' | 'pairing' | 'visit' | 'resident_team') =>
      Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const r = { cadres: await count('cadre'), pairings: await count('pairing'), visits: await count('visit'), teams: await count('resident_team') };
    const required = await t.db.selectFrom('household').select((eb) => eb.fn.countAll<number>().as('n')).where('status', 'in', ['identified', 'returned', 'monitored', 'exited']).executeTakeFirstOrThrow();
    expect(r.pairings).toBe(Number(required.n));
    expect(r.cadres).toBeGreaterThanOrEqual(Math.ceil(r.pairings / 5));
    expect(r.visits).toBeGreaterThan(r.pairings * 2);
    expect(r.teams).toBeGreaterThan(0);
    // the last three months have visits, this one included
    const months = await t.db.selectFrom('visit_day_tally').select('month').distinct().orderBy('month').execute();
    expect(months.map((m) => m.month.slice(0, 7))).toEqual([-2, -1, 0].map((k) => addMonths(monthOf(todayInChinaString()), k)));

    // the demo cadre login of a village (cd + village code) has its own households on the phone, and only those
    const login = await t.db
      .selectFrom('cadre as c')
      .innerJoin('app_user as u', 'u.id', 'c.user_id')
      .select(['u.username', 'c.id'])
      .where('u.username', 'like', 'cd%')
      .orderBy('u.username')
      .executeTakeFirstOrThrow();
    const mine = await t.db.selectFrom('pairing').select('household_id').where('cadre_id', '=', login.id).where('end_date', 'is', null).execute();
    expect(mine.length).toBeGreaterThanOrEqual(3);
    const phone = t.client();
    await phone.login(login.username, DEMO_PASSWORD);
    const down = await phone.get('/api/visits/sync');
    expect(down.status).toBe(200);
    expect(down.body.households.map((h: { id: number }) => h.id).sort()).toEqual(mine.map((m) => m.household_id).sort());

    const admin = await t.admin();
    const month = addMonths(monthOf(todayInChinaString()), -1);
    const rates = await admin.get(`/api/visits/rates?month=${month}&groupBy=county`);
    expect(rates.status, JSON.stringify(rates.body)).toBe(200);
    expect(rates.body.totals.rate).toBeGreaterThan(0.85);
    expect(rates.body.totals.rate).toBeLessThan(1);
    expect(rates.body.totals.unassigned).toBeGreaterThanOrEqual(0);
    const dash = await admin.get(`/api/visits/dashboard?year=${month.slice(0, 4)}`);
    expect(dash.body.counts.pairedHouseholds).toBe(r.pairings);

    // a second run leaves the county alone
    const again = await loadVisitDemo(t.db, { seed: 5, months: 3 });
    expect(await count('visit')).toBe(r.visits);
    expect(again.counties).toBe(0);
  });
});
