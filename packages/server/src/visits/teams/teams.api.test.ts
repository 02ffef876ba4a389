import { addDays } from '@fupin/shared/date';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayInChinaString } from '../../jobs/time';
import { startTestApp, type Client, type TestApp } from '../../test/harness';
import { addMonths, monthOf, monthRange, quarterOf, reportDueDate } from '../rules';
import { login, quickCadre, seedRegion, type Fixture } from '../test-fixtures';

let t: TestApp;
let f: Fixture;
let stationA: Client;
let c1: number, c2: number, c3: number, c4: number;
let teamId: number;
const today = todayInChinaString();
const prevMonth = addMonths(monthOf(today), -1);
const prev = monthRange(prevMonth);
// long enough ago that the previous quarter lies inside the term
const teamStart = addDays(prev.first, -200);

beforeAll(async () => {
  t = await startTestApp();
  f = await seedRegion(t);
  c1 = await quickCadre(t.db, { county: '341202', userId: f.users.cadre1, name: '张帮扶', unitOrgId: f.orgs.jt });
  c2 = await quickCadre(t.db, { county: '341202', userId: f.users.cadre2, name: '李帮扶', unitOrgId: f.orgs.jt });
  c3 = await quickCadre(t.db, { county: '341202', userId: f.users.cadre3, name: '王帮扶', unitOrgId: f.orgs.wg });
  c4 = await quickCadre(t.db, { county: '341202', name: '赵队员', unitOrgId: f.orgs.wg });
  stationA = await login(t, 'station_a');
});
afterAll(async () => {
  await t.close();
});

const days = (from: number, n: number, status = 'in_village') =>
  Array.from({ length: n }, (_, i) => ({ date: `${prevMonth}-${String(from + i).padStart(2, '0')}`, status }));

describe('驻村工作队', () => {
  it('forms one team per village with one first secretary and one leader', async () => {
    const team = await stationA.post('/api/visits/teams', { villageCode: '341202001001', name: '区交通局驻一村工作队', sentByOrgId: f.orgs.jt, startDate: teamStart });
    expect(team.status).toBe(200);
    expect(team.body).toMatchObject({ villageName: '一村', townshipName: '甲镇', sentByName: '区交通运输局', members: [] });
    teamId = team.body.id;
    const second = await stationA.post('/api/visits/teams', { villageCode: '341202001001', name: '另一个队', startDate: teamStart });
    expect(second.body.error.code).toBe('E4130');

    await stationA.post(`/api/visits/teams/${teamId}/members`, { cadreId: c1, role: 'first_secretary', startDate: teamStart });
    await stationA.post(`/api/visits/teams/${teamId}/members`, { cadreId: c2, role: 'leader', startDate: teamStart });
    const withThree = await stationA.post(`/api/visits/teams/${teamId}/members`, { cadreId: c3, role: 'member', startDate: teamStart });
    expect(withThree.body.members.map((m: { cadreName: string; roleLabel: string }) => `${m.roleLabel}:${m.cadreName}`)).toEqual([
      '第一书记:张帮扶',
      '工作队队长:李帮扶',
      '工作队队员:王帮扶',
    ]);
    const twoSecretaries = await stationA.post(`/api/visits/teams/${teamId}/members`, { cadreId: c4, role: 'first_secretary', startDate: teamStart });
    expect(twoSecretaries.body.error.code).toBe('E4132');
    expect(twoSecretaries.body.error.message).toMatch(/已有第一书记 张帮扶/);
    const early = await stationA.post(`/api/visits/teams/${teamId}/members`, { cadreId: c4, role: 'member', startDate: addDays(teamStart, -1) });
    expect(early.body.error.code).toBe('E4133');

    const other = await stationA.post('/api/visits/teams', { villageCode: '341202001002', name: '二村工作队', startDate: teamStart });
    const busy = await stationA.post(`/api/visits/teams/${other.body.id}/members`, { cadreId: c1, role: 'member', startDate: teamStart });
    expect(busy.body.error.code).toBe('E4131');
  });

  it('is visible to its township, its members and its sending unit, not to another township', async () => {
    const b = await login(t, 'station_b');
    expect((await b.get('/api/visits/teams')).body.total).toBe(0);
    expect((await b.get(`/api/visits/teams/${teamId}`)).status).toBe(404);
    const member = await login(t, 'cadre3');
    expect((await member.get('/api/visits/teams')).body.items.map((x: { id: number }) => x.id)).toEqual([teamId]);
    const unit = await login(t, 'unit_jt');
    expect((await unit.get('/api/visits/teams')).body.items.map((x: { id: number }) => x.id)).toEqual([teamId]);
  });
});

describe('驻村考勤', () => {
  it('counts days in the village against the 15-day minimum; official trips count, leave does not', async () => {
    const a = await stationA.put(`/api/visits/team-members/${(await memberId(c1))}/attendance/${prevMonth}`, { days: [...days(1, 12), ...days(13, 4, 'official'), ...days(17, 3, 'leave')] });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ cadreName: '张帮扶', required: 15, present: 16, compliant: true });
    const b = await stationA.put(`/api/visits/team-members/${await memberId(c2)}/attendance/${prevMonth}`, { days: days(1, 10) });
    expect(b.body).toMatchObject({ present: 10, compliant: false });
    const list = await stationA.get(`/api/visits/attendance?month=${prevMonth}&areaCode=341202001001`);
    expect(list.body.minDays).toBe(15);
    expect(list.body.summary).toEqual({ members: 3, compliant: 1, nonCompliant: 2 });
  });

  it('lets a member record their own days but not a colleague’s, and refuses days outside the month, term or in the future', async () => {
    const self = await login(t, 'cadre3');
    const own = await self.put(`/api/visits/team-members/${await memberId(c3)}/attendance/${prevMonth}`, { days: days(1, 15) });
    expect(own.status).toBe(200);
    expect(own.body.compliant).toBe(true);
    const colleague = await self.put(`/api/visits/team-members/${await memberId(c1)}/attendance/${prevMonth}`, { days: days(1, 20) });
    expect(colleague.status).toBe(403);
    const outside = await stationA.put(`/api/visits/team-members/${await memberId(c1)}/attendance/${prevMonth}`, { days: [{ date: addDays(prev.first, -1), status: 'in_village' }] });
    expect(outside.body.error.code).toBe('E4134');
    const dup = await stationA.put(`/api/visits/team-members/${await memberId(c1)}/attendance/${prevMonth}`, { days: [...days(1, 2), ...days(2, 1)] });
    expect(dup.body.error.code).toBe('E4137');
    const thisMonth = monthOf(today);
    const future = await stationA.put(`/api/visits/team-members/${await memberId(c1)}/attendance/${thisMonth}`, { days: [{ date: addDays(today, 1), status: 'in_village' }] });
    expect(future.body.error.code).toBe(addDays(today, 1).slice(0, 7) === thisMonth ? 'E4136' : 'E4134');
    const bad = await stationA.put(`/api/visits/team-members/${await memberId(c1)}/attendance/${prevMonth}`, { days: [{ date: `${prevMonth}-01`, status: 'vacation' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/考勤状态/);
  });
});

describe('季度工作报告', () => {
  // the last quarter that has ended
  const q = quarterOf(`${addMonths(monthOf(today), -3)}-15`);
  it('is due on the rule’s day after the quarter; a member submits, the station returns, the member resubmits', async () => {
    const list = await stationA.get(`/api/visits/reports?year=${q.year}&quarter=${q.quarter}&areaCode=341202001001`);
    expect(list.body.items).toHaveLength(3);
    expect(list.body.items[0].dueDate).toBe(reportDueDate(q.year, q.quarter, 5));
    const cadre1 = await login(t, 'cadre1');
    const sub = await cadre1.post(`/api/visits/team-members/${await memberId(c1)}/reports`, { year: q.year, quarter: q.quarter, content: '本季度走访农户 30 户次，协调修路 1 条。' });
    expect(sub.status).toBe(200);
    expect(['submitted', 'late']).toContain(sub.body.state);
    expect(sub.body.report.reviewStatus).toBe('pending');
    const again = await cadre1.post(`/api/visits/team-members/${await memberId(c1)}/reports`, { year: q.year, quarter: q.quarter, content: '再交一次' });
    expect(again.body.error.code).toBe('E4140');
    const ret = await stationA.post(`/api/visits/reports/${sub.body.report.id}/review`, { version: sub.body.report.version, decision: 'returned', note: '请补充驻村天数' });
    expect(ret.body.report).toMatchObject({ reviewStatus: 'returned', reviewNote: '请补充驻村天数' });
    const twice = await stationA.post(`/api/visits/reports/${sub.body.report.id}/review`, { version: ret.body.report.version, decision: 'accepted' });
    expect(twice.body.error.code).toBe('E4141');
    const re = await cadre1.post(`/api/visits/team-members/${await memberId(c1)}/reports`, { year: q.year, quarter: q.quarter, content: '补充：本季度驻村 50 天。' });
    expect(re.body.report).toMatchObject({ reviewStatus: 'pending', content: '补充：本季度驻村 50 天。' });
    const log = await t.db.selectFrom('audit_log').select('summary').where('entity', '=', 'resident_report').orderBy('id').execute();
    expect(log.map((l) => l.summary)).toEqual([
      expect.stringMatching(/张帮扶提交/),
      expect.stringMatching(/退回 张帮扶/),
      expect.stringMatching(/张帮扶重新提交/),
    ]);
  });

  it('refuses a report before the quarter’s last month and for a quarter outside the term', async () => {
    const cadre1 = await login(t, 'cadre1');
    const y = Number(today.slice(0, 4)) + 1;
    const early = await cadre1.post(`/api/visits/team-members/${await memberId(c1)}/reports`, { year: y, quarter: 4, content: '提前' });
    expect(early.body.error.code).toBe('E4138');
    const old = await cadre1.post(`/api/visits/team-members/${await memberId(c1)}/reports`, { year: y - 5, quarter: 1, content: '以前' });
    expect(old.body.error.code).toBe('E4139');
  });
});

describe('ending a team', () => {
  it('ends the members’ terms with the team', async () => {
    const cur = await stationA.get(`/api/visits/teams/${teamId}`);
    const ended = await stationA.post(`/api/visits/teams/${teamId}/end`, { endDate: today, reason: '轮换' });
    expect(ended.body.endDate).toBe(today);
    expect(ended.body.members.every((m: { endDate: string | null }) => m.endDate === today)).toBe(true);
    expect(cur.body.members).toHaveLength(3);
    expect((await stationA.get('/api/visits/teams?areaCode=341202001001')).body.total).toBe(0);
  });
});

async function memberId(cadreId: number): Promise<number> {
  const r = await t.db.selectFrom('resident_member').select('id').where('cadre_id', '=', cadreId).where('team_id', '=', teamId).executeTakeFirstOrThrow();
  return r.id;
}
