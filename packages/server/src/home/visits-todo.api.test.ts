import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '@fupin/shared/date';
import { todayInChinaString } from '../jobs/time';
import { startTestApp, type TestApp } from '../test/harness';
import { login, quickCadre, quickPairing, seedRegion, type Fixture } from '../visits/test-fixtures';
import type { TodoResponse } from './schemas';

// The visits fixtures share usernames with the registry's, so this part has its own database.
let t: TestApp;
let f: Fixture;
const C = '341202';
const today = todayInChinaString();
beforeAll(async () => {
  t = await startTestApp();
  f = await seedRegion(t);
  const c1 = await quickCadre(t.db, { county: C, userId: f.users.cadre1, name: '张帮扶', unitOrgId: f.orgs.jt });
  await quickPairing(t.db, { county: C, householdId: f.households.h1, cadreId: c1, start: `${Number(today.slice(0, 4)) - 1}-01-01` });
  // an open follow-up in 二村, past its deadline, and one in 一村 still running
  const task = (householdId: number, area: string, deadline: string, problem: string) =>
    t.db
      .insertInto('visit_task')
      .values({ county_code: C, household_id: householdId, area_code: area, problem, category: 'housing', deadline, owner_user_id: f.users.clerk, created_by: f.users.stationA })
      .execute();
  await task(f.households.h3, '341202001002', addDays(today, -3), '屋顶漏雨未修');
  await task(f.households.h1, '341202001001', addDays(today, 10), '饮水管道老化');
});
afterAll(async () => {
  await t.close();
});

const todo = async (username: string) => {
  const r = await (await login(t, username)).get<TodoResponse>('/api/home/todo');
  expect(r.status).toBe(200);
  return r.body;
};

describe('home to-do: visits and follow-up tasks', () => {
  it('a cadre sees their own paired household still due this month; a cadre without pairings gets no visits section', async () => {
    const mine = (await todo('cadre1')).sections.find((s) => s.key === 'visits')!;
    expect(mine.count).toBe(1);
    expect(mine.items[0]).toMatchObject({ title: expect.stringContaining('赵一'), link: '/visits/field', overdue: false });
    expect(mine.items[0].detail).toMatch(/^本月还需走访 \d+ 次/);
    expect(mine.items[0].dueDate!.slice(0, 7)).toBe(today.slice(0, 7));
    expect((await todo('cadre2')).sections.find((s) => s.key === 'visits')).toBeUndefined();
  });

  it('follow-up tasks are counted within the jurisdiction, overdue ones marked', async () => {
    const station = (await todo('station_a')).sections.find((s) => s.key === 'tasks')!;
    expect(station).toMatchObject({ count: 2, overdue: 1 });
    expect(station.items.find((i) => i.title.includes('屋顶漏雨'))).toMatchObject({ overdue: true, daysKind: 'calendar' });
    const clerk = (await todo('clerk')).sections.find((s) => s.key === 'tasks')!;
    expect(clerk).toMatchObject({ count: 1, overdue: 0 });
    expect(clerk.items[0].title).toContain('饮水管道老化');
  });
});
