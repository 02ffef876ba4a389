import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../demo/generate';
import { startTestApp, type TestApp } from '../test/harness';
import { loadLoanDemo } from './demo';
import { previousQuarter, quarterOf } from './rules';
import { TODAY } from './test-fixtures';

let t: TestApp;
let county: string;
beforeAll(async () => {
  t = await startTestApp();
  // the register and visits only: this file loads and checks the loans itself
  const d = await loadDemo(t.db, t.pool, { scale: 'township', seed: 5, loans: false });
  county = d.users.find((u) => u.role === 'county_office')!.areaCode;
});
afterAll(async () => {
  await t.close();
});

const count = async (table: 'loan' | 'loan_application' | 'loan_certificate' | 'loan_subsidy_payment' | 'loan_settlement' | 'loan_roster') =>
  Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('county_code', '=', county).executeTakeFirstOrThrow()).n);

describe('loan demo data', () => {
  it('fills a county with schemes, certificates, applications at every stage, loans in every state and a settled quarter whose money reconciles', async () => {
    const loaded = await loadLoanDemo(t.db, { seed: 5, counties: [county] });
    expect(loaded.counties).toBe(1);
    const r = { loans: await count('loan'), applications: await count('loan_application'), subsidyPayments: await count('loan_subsidy_payment') };
    expect(loaded).toMatchObject({ loans: r.loans, applications: r.applications, subsidyPayments: r.subsidyPayments });
    expect(r.loans).toBeGreaterThan(50);
    expect(r.applications).toBeGreaterThan(r.loans);
    expect(r.subsidyPayments).toBeGreaterThan(0);
    expect(await count('loan_certificate')).toBeGreaterThan(r.applications);

    const admin = await t.admin();
    const statuses = new Set((await t.db.selectFrom('loan_application').select('status').where('county_code', '=', county).execute()).map((x) => x.status));
    expect([...statuses].sort()).toEqual(['approved', 'rejected', 'returned', 'submitted']);
    const stages = new Set((await t.db.selectFrom('loan_application').select('stage').where('status', '=', 'submitted').where('county_code', '=', county).execute()).map((x) => x.stage));
    expect([...stages].sort()).toEqual(['coop', 'station', 'village']);
    const loans = (await admin.get(`/api/loans/loans?pageSize=200&areaCode=${county}`)).body;
    for (const status of ['active', 'closed_on_time', 'closed_late', 'overdue']) {
      const page = (await admin.get(`/api/loans/loans?pageSize=5&areaCode=${county}&status=${status}`)).body;
      expect(page.total, status).toBeGreaterThan(0);
      expect(page.items[0].lifecycleStatus).toBe(status);
    }

    // the settled quarter went the whole way: prepaid, paid, settled, rostered, reimbursed
    const settledQ = previousQuarter(previousQuarter(quarterOf(TODAY)));
    const s = await t.db.selectFrom('loan_settlement').selectAll().where('county_code', '=', county).execute();
    expect(s.length).toBeGreaterThan(0);
    expect(s.every((x) => x.year === settledQ.year && x.quarter === settledQ.quarter)).toBe(true);
    expect(await count('loan_roster')).toBe(s.length);
    const reimbursed = await t.db.selectFrom('loan_subsidy').select('loan_id').where('county_code', '=', county).where('status', '=', 'reimbursed').execute();
    expect(reimbursed.length).toBe(r.subsidyPayments);
    const recon = (await admin.get(`/api/loans/funds/reconciliation?countyCode=${county}`)).body;
    expect(recon.ok, JSON.stringify(recon)).toBe(true);
    // every loan's stored subsidy matches a fresh computation (the services' own recompute changes nothing)
    const one = loans.items.find((l: { lifecycleStatus: string }) => l.lifecycleStatus === 'closed_on_time');
    const detail = (await admin.get(`/api/loans/loans/${one.id}`)).body;
    expect(detail.subsidy.formula).toMatch(/元 × 2\.58% × \d+天 ÷ 360 = /);

    // the previous quarter is the finance office's open work, overdue in its queue; this quarter's prepayment is waiting
    const prev = previousQuarter(quarterOf(TODAY));
    const cur = quarterOf(TODAY);
    const todo = (await admin.get(`/api/loans/funds/todo?countyCode=${county}`)).body;
    expect(todo.items.some((i: { kind: string; year: number; quarter: number }) => i.kind === 'prepayment' && i.year === cur.year && i.quarter === cur.quarter)).toBe(true);
    expect(todo.items.some((i: { kind: string; year: number; quarter: number; overdue: boolean }) => i.kind === 'settlement' && i.year === prev.year && i.quarter === prev.quarter && i.overdue)).toBe(true);

    // numbering continues after the demo's serials
    const maxNo = await t.db.selectFrom('loan_application').select('app_no').where('county_code', '=', county).orderBy('app_no', 'desc').executeTakeFirstOrThrow();
    const seq = await t.db.selectFrom('loan_number_seq').select('last').where('county_code', '=', county).where('kind', '=', 'SQ').where('year', '=', Number(maxNo.app_no.slice(9, 13))).executeTakeFirstOrThrow();
    expect(seq.last).toBeGreaterThanOrEqual(Number(maxNo.app_no.slice(-5)));

    // a second run leaves the county alone
    expect((await loadLoanDemo(t.db, { seed: 5, counties: [county] })).counties).toBe(0);
  });
});
