import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCalendar } from '@fupin/shared/calendar';
import { addDays } from '@fupin/shared/date';
import { startTestApp, type TestApp } from '../../test/harness';
import { addMonths, previousQuarter, quarterEnd, quarterOf, quarterStart, reportDueDate } from '../rules';
import { as, COUNTY, disbursedLoan, EAST, seedCounty, setupYear, TODAY, WEST } from '../test-fixtures';

let t: TestApp;
const cal = createCalendar();
const CUR = quarterOf(TODAY);
const PREV = previousQuarter(CUR);
type Item = { kind: string; actor: string; detail: string; townshipCode: string; year: number; quarter: number; dueDate: string; workingDaysLeft: number; overdue: boolean; remind: boolean; amountFen: number; title: string; link: string };
const todo = async (user: string, query = '') => (await (await as(t, user)).get(`/api/loans/funds/todo${query}`)).body as { items: Item[]; total: number; overdue: number; counts: { kind: string; count: number; overdue: number }[]; rules: string[] };
const find = (items: Item[], kind: string, q: { year: number; quarter: number }, township = EAST) => items.find((i) => i.kind === kind && i.year === q.year && i.quarter === q.quarter && i.townshipCode === township);
const loans: { id: number; principalFen: number; maturityDate: string; subsidy: { amountFen: number } }[] = [];

beforeAll(async () => {
  t = await startTestApp();
  await seedCounty(t);
  await setupYear(t);
  // two loans falling due in the finished quarter, one in the current quarter (lent a year before)
  for (const d of [3, 30]) loans.push((await disbursedLoan(t, { disbursedOn: addMonths(addDays(quarterStart(PREV), d), -12), amountFen: 1_000_000 })).loan);
  loans.push((await disbursedLoan(t, { disbursedOn: addMonths(quarterEnd(CUR), -12), amountFen: 2_000_000 })).loan);
});
afterAll(async () => {
  await t.close();
});

describe('the finance office’s to-dos as a deadline queue', () => {
  it('lists the pre-payments due at quarter start and the settlements due at quarter end, with working days left, overdue first', async () => {
    const r = await todo('czs1');
    const prevPrepay = find(r.items, 'prepayment', PREV)!;
    expect(prevPrepay).toMatchObject({ overdue: true, amountFen: loans[0].subsidy.amountFen + loans[1].subsidy.amountFen, dueDate: reportDueDate(cal, previousQuarter(PREV), 5) });
    expect(prevPrepay.workingDaysLeft).toBeLessThan(0);
    expect(prevPrepay.title).toMatch(/东乡镇.*季初预拨/);
    expect(prevPrepay.link).toBe(`/loans/subsidy?township=${EAST}&year=${PREV.year}&quarter=${PREV.quarter}`);
    const prevSettle = find(r.items, 'settlement', PREV)!;
    expect(prevSettle).toMatchObject({ overdue: true, dueDate: cal.workingDayOnOrAfter(quarterEnd(PREV)) });
    const curSettle = find(r.items, 'settlement', CUR)!;
    expect(curSettle.dueDate).toBe(cal.workingDayOnOrAfter(quarterEnd(CUR)));
    expect(curSettle.overdue).toBe(TODAY > curSettle.dueDate);
    expect(curSettle.workingDaysLeft).toBe(cal.workingDaysBetween(TODAY, curSettle.dueDate));
    const curPrepay = find(r.items, 'prepayment', CUR)!;
    expect(curPrepay.dueDate).toBe(reportDueDate(cal, PREV, 5));
    expect(curPrepay.amountFen).toBe(loans[2].subsidy.amountFen);
    // overdue first, then by deadline
    const firstOnTime = r.items.findIndex((i) => !i.overdue);
    expect(r.items.slice(firstOnTime === -1 ? r.items.length : firstOnTime).every((i) => !i.overdue)).toBe(true);
    for (let i = 1; i < r.items.length; i++) if (r.items[i].overdue === r.items[i - 1].overdue) expect(r.items[i].dueDate >= r.items[i - 1].dueDate).toBe(true);
    expect(r.overdue).toBe(r.items.filter((i) => i.overdue).length);
    expect(r.counts.find((c) => c.kind === 'prepayment')!.count).toBe(2);
    expect(r.rules.join('')).toMatch(/5 日前/);
    // another township's finance office has nothing of ours; the county finance bureau sees every township
    expect((await todo('czs2')).items.some((i) => i.townshipCode === EAST)).toBe(false);
    expect((await todo('czj')).items.filter((i) => i.townshipCode === EAST && i.actor === 'finance_office')).toHaveLength(r.items.length);
    // the finance office does not see the bureau's own work
    expect(r.items.every((i) => i.actor === 'finance_office')).toBe(true);
  });

  it('each item leaves the queue when its work is done: pre-payment, settlement, then the claim on the filed roster appears and goes', async () => {
    const fo = await as(t, 'czs1');
    expect((await fo.post('/api/loans/funds/budget', { countyCode: COUNTY, amountFen: 1, docNo: 'x' })).status).toBe(403);
    await (await as(t, 'czj')).post('/api/loans/funds/budget', { countyCode: COUNTY, amountFen: 500_000, docNo: 'YS-1', onDate: quarterStart(PREV) });
    await (await as(t, 'czj')).post('/api/loans/funds/allocations', { townshipCode: EAST, year: PREV.year, quarter: PREV.quarter, amountFen: 300_000, docNo: 'BF-1', onDate: quarterStart(PREV) });
    expect((await fo.post('/api/loans/funds/prepayments', { townshipCode: EAST, year: PREV.year, quarter: PREV.quarter, docNo: 'YB-1', onDate: quarterStart(PREV) })).status).toBe(200);
    let r = await todo('czs1');
    expect(find(r.items, 'prepayment', PREV)).toBeUndefined();
    expect(find(r.items, 'settlement', PREV)!.amountFen).toBeGreaterThan(0);

    const coop = await as(t, 'xys1');
    await coop.post(`/api/loans/loans/${loans[0].id}/repayments`, { paidOn: loans[0].maturityDate, principalFen: loans[0].principalFen });
    expect((await coop.post(`/api/loans/loans/${loans[0].id}/subsidy-payment`, { paidOn: loans[0].maturityDate, voucherNo: 'PZ-1' })).status).toBe(200);
    expect((await fo.post('/api/loans/funds/settlements', { townshipCode: EAST, year: PREV.year, quarter: PREV.quarter, mode: 'carry_over', docNo: 'JS-1' })).status).toBe(200);
    r = await todo('czs1');
    expect(find(r.items, 'settlement', PREV)).toBeUndefined();
    expect(find(r.items, 'claim', PREV)).toBeUndefined();

    expect((await coop.post('/api/loans/funds/rosters', { townshipCode: EAST, year: PREV.year, quarter: PREV.quarter })).status).toBe(200);
    r = await todo('czs1');
    const claim = find(r.items, 'claim', PREV)!;
    expect(claim).toMatchObject({ dueDate: reportDueDate(cal, PREV, 5), overdue: TODAY > reportDueDate(cal, PREV, 5), amountFen: loans[0].subsidy.amountFen });
    const rosters = (await fo.get(`/api/loans/funds/rosters?townshipCode=${EAST}`)).body.items;
    expect((await fo.post('/api/loans/funds/claims', { townshipCode: EAST, rosterIds: rosters.map((x: { id: number }) => x.id) })).status).toBe(200);
    expect(find((await todo('czs1')).items, 'claim', PREV)).toBeUndefined();
    void WEST;
  });

  it('the county finance bureau’s queue: allocations due and claims waiting for its approval, overdue in red; each leaves when done', async () => {
    let r = await todo('czj');
    // the previous quarter was allocated in the test before; the current quarter's loan still needs money
    expect(find(r.items, 'allocation', PREV)).toBeUndefined();
    const alloc = find(r.items, 'allocation', CUR)!;
    const allocDue = cal.workingDayOnOrAfter(quarterStart(CUR));
    expect(alloc).toMatchObject({ actor: 'finance_bureau', actorLabel: '县财政局', dueDate: allocDue, overdue: TODAY > allocDue, amountFen: loans[2].subsidy.amountFen });
    expect(alloc.workingDaysLeft).toBe(cal.workingDaysBetween(TODAY, allocDue));
    // the claim submitted in the test before waits for the bureau: 10 working days from submission
    const claims = (await (await as(t, 'czj')).get(`/api/loans/funds/claims?townshipCode=${EAST}`)).body.items as { id: number; claimNo: string; submittedOn: string; version: number }[];
    const claim = claims[0];
    const review = r.items.find((i) => i.kind === 'claim_review')!;
    expect(review).toMatchObject({ actor: 'finance_bureau', townshipCode: EAST, dueDate: cal.addWorkingDays(claim.submittedOn, 10), overdue: false, link: `/loans/subsidy?township=${EAST}&tab=claims` });
    expect(review.title).toContain(claim.claimNo);
    expect(r.counts.find((c) => c.kind === 'claim_review')).toMatchObject({ count: 1, overdue: 0 });
    // the finance office has none of it
    expect((await todo('czs1')).items.some((i) => i.kind === 'claim_review' || i.kind === 'allocation')).toBe(false);

    // a claim left waiting past its deadline is overdue, first in the list
    await t.db.updateTable('loan_reimbursement_claim').set({ submitted_on: addDays(TODAY, -40) }).where('id', '=', claim.id).execute();
    r = await todo('czj');
    const late = r.items.find((i) => i.kind === 'claim_review')!;
    expect(late.overdue).toBe(true);
    expect(late.workingDaysLeft).toBeLessThan(0);
    expect(r.items[0].overdue).toBe(true);

    // the home page's to-do shows the bureau its own work only
    const home = (await (await as(t, 'czj')).get('/api/home/todo')).body as { sections: { key: string; count: number; overdue: number; items: { key: string }[] }[] };
    const funds = home.sections.find((s) => s.key === 'loanFunds')!;
    expect(funds.count).toBe(r.items.filter((i) => i.actor === 'finance_bureau').length);
    expect(funds.overdue).toBeGreaterThan(0);
    expect(funds.items.every((i) => /^loan_funds:(allocation|claim_review):/.test(i.key))).toBe(true);

    expect((await (await as(t, 'czj')).post(`/api/loans/funds/claims/${claim.id}/decide`, { version: claim.version, approve: true })).status).toBe(200);
    await (await as(t, 'czj')).post('/api/loans/funds/allocations', { townshipCode: EAST, year: CUR.year, quarter: CUR.quarter, amountFen: 1_000, docNo: 'BF-CUR' });
    r = await todo('czj');
    expect(r.items.some((i) => i.kind === 'claim_review')).toBe(false);
    expect(find(r.items, 'allocation', CUR)).toBeUndefined();
  });

  it('refuses a malformed township code with the field named', async () => {
    const r = await (await as(t, 'czs1')).get('/api/loans/funds/todo?townshipCode=12');
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/乡镇/);
  });
});
