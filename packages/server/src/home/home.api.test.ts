import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, todayInChina } from '@fupin/shared';
import { as, certified, EAST_V2, seedCounty, setupYear } from '../loans/test-fixtures';
import { householdBody, ok, REGION, seedRegistryWorld, type RegistryWorld } from '../registry/test-fixtures';
import { startTestApp, type Client, type TestApp } from '../test/harness';
import type { TodoResponse } from './schemas';

let t: TestApp;
let w: RegistryWorld;
beforeAll(async () => {
  t = await startTestApp();
  await seedCounty(t);
  await setupYear(t);
  w = await seedRegistryWorld(t);
});
afterAll(async () => {
  await t.close();
});

const ago = (n: number) => addDays(todayInChina(), -n);
async function todo(c: Client) {
  const r = await c.get<TodoResponse>('/api/home/todo');
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}
const section = (b: TodoResponse, key: string) => b.sections.find((s) => s.key === key);

async function apply(user: string, village?: string) {
  const h = await certified(t, village ? { village } : {});
  const r = await (await as(t, user)).post('/api/loans/applications', {
    householdId: h.householdId,
    projectName: '种植油茶',
    industry: 'livestock',
    production: true,
    amountFen: 800_000,
    termMonths: 12,
    purpose: '购买苗木',
  });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as { id: number; appNo: string };
}

describe('GET /api/home/todo', () => {
  it('a village clerk sees only their own village’s registry cases, overdue marked, each linking to where it is done', async () => {
    const hA = await ok(w.clerkA.post('/api/registry/households', householdBody()));
    const hB = await ok(w.clerkB.post('/api/registry/households', householdBody({ areaCode: REGION.villageB })));
    // started 30 days ago: the 10-working-day appraisal deadline has passed
    const late = await ok(w.clerkA.post('/api/registry/workflows', { householdId: hA.id, kind: 'identification', date: ago(30) }));
    const other = await ok(w.clerkB.post('/api/registry/workflows', { householdId: hB.id, kind: 'identification', date: ago(1) }));

    const a = section(await todo(w.clerkA), 'registry')!;
    expect(a).toMatchObject({ count: 1, overdue: 1, link: '/registry/workflows?state=appraisal,notice' });
    expect(a.items).toHaveLength(1);
    expect(a.items[0]).toMatchObject({ key: `registry_workflow:${late.id}`, overdue: true, daysKind: 'working', link: `/registry/workflows?open=${late.id}` });
    expect(a.items[0].daysLeft).toBeLessThan(0);

    const b = section(await todo(w.clerkB), 'registry')!;
    expect(b.items.map((i) => i.key)).toEqual([`registry_workflow:${other.id}`]);
    expect(b).toMatchObject({ count: 1, overdue: 0 });
    expect(b.items[0].overdue).toBe(false);

    // the township station acts on township review only: nothing waits for it yet
    expect(section(await todo(w.stationA), 'registry')).toMatchObject({ count: 0, items: [] });
    // quality counts come with the registry's quality permission
    expect(section(await todo(w.clerkA), 'quality')).toMatchObject({ link: '/registry/quality' });
  });

  it('loan applications wait for the village committee of their own village only', async () => {
    const mine = await apply('cun1');
    const theirs = await apply('cun2', EAST_V2);
    const one = section(await todo(await as(t, 'cun1')), 'loans')!;
    expect(one.items.map((i) => i.key)).toEqual([`loan_application:${mine.id}`]);
    expect(one.items[0]).toMatchObject({ title: expect.stringContaining(mine.appNo), link: `/loans/applications?open=${mine.id}`, daysKind: 'working', overdue: false });
    const two = section(await todo(await as(t, 'cun2')), 'loans')!;
    expect(two.items.map((i) => i.key)).toEqual([`loan_application:${theirs.id}`]);
    // the station's queue is empty until the village has reviewed
    expect(section(await todo(await as(t, 'zhan1')), 'loans')).toMatchObject({ count: 0 });
    // a finance office has no review step: no loans section at all
    expect(section(await todo(await as(t, 'czs1')), 'loans')).toBeUndefined();
    // …but its subsidy work, from the loans module's finance queue
    expect(section(await todo(await as(t, 'czs1')), 'loanFunds')).toMatchObject({ link: '/loans/subsidy' });
    // the county finance bureau gets its own part of that queue (allocations, claims to review)
    expect(section(await todo(await as(t, 'czj')), 'loanFunds')).toMatchObject({ link: '/loans/todo' });
    expect(section(await todo(await as(t, 'cun1')), 'loanFunds')).toBeUndefined();
  });

  it('needs a login', async () => {
    expect((await t.client().get('/api/home/todo')).status).toBe(401);
  });
});
