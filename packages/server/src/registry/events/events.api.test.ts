import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, todayInChina } from '@fupin/shared';
import { startTestApp, type TestApp } from '../../test/harness';
import { householdBody, member, newId, ok, REGION, seedRegistryWorld, VILLAGE_A2, type RegistryWorld } from '../test-fixtures';

let t: TestApp;
let w: RegistryWorld;
beforeAll(async () => {
  t = await startTestApp();
  w = await seedRegistryWorld(t);
});
afterAll(async () => {
  await t.close();
});

const day = todayInChina();
const ago = (n: number) => addDays(day, -n);

/** Head (1975), wife (1977), son (2005) in village A. */
async function family(over: Record<string, unknown> = {}, c = w.clerkA) {
  const h = await ok(
    c.post(
      '/api/registry/households',
      householdBody({
        members: [
          member(),
          member({ name: '蓝秀英', idNumber: newId('1977-06-08', true), relation: 'spouse', workStatus: 'none', workMonths: 0 }),
          member({ name: '韦小明', idNumber: newId('2005-02-02'), relation: 'son', education: 'senior', schooling: 'not_in_school', workStatus: 'outside', workMonths: 10 }),
        ],
        ...over,
      }),
    ),
  );
  const by = (rel: string) => h.members.find((m: any) => m.relation === rel);
  return { h, head: by('head'), wife: by('spouse'), son: by('son') };
}
const ev = (hid: number, body: Record<string, unknown>) => w.clerkA.post(`/api/registry/households/${hid}/events`, body);

describe('births, deaths and marriages', () => {
  it('registers a birth: a new member, one more head count, income per head recomputed, an event row', async () => {
    const { h } = await family();
    const babyId = newId(ago(30), true);
    const r = await ok(ev(h.id, { kind: 'birth', version: h.version, member: member({ name: '韦小花', idNumber: babyId, relation: 'granddaughter', education: 'preschool', schooling: 'not_in_school', labour: 'none', workStatus: 'none', workMonths: 0 }) }));
    expect(r.memberCount).toBe(4);
    expect(r.netIncomePerCapitaFen).toBe(400_000);
    const baby = r.members.find((m: any) => m.name === '韦小花');
    expect(baby).toMatchObject({ joinedReason: 'birth', joinedDate: ago(30), sex: 'F' });
    const events = await ok(w.clerkA.get(`/api/registry/households/${h.id}/events`));
    expect(events.items[0]).toMatchObject({ kind: 'birth', kindLabel: '出生', personId: baby.id });
    expect(events.items[0].summary).toMatch(/出生：韦小花/);
  });

  it('records the death of the head with a new head named, keeping the deceased as history and freeing the ID', async () => {
    const { h, head, wife, son } = await family();
    const noHead = await ev(h.id, { kind: 'death', version: h.version, date: ago(3), personId: head.id });
    expect(noHead.status).toBe(400);
    expect(noHead.body.error).toMatchObject({ code: 'E2003' });
    expect(noHead.body.error.message).toMatch(/须从留下的成员中指定新户主/);
    const r = await ok(ev(h.id, { kind: 'death', version: h.version, date: ago(3), personId: head.id, newHeadPersonId: wife.id, relations: { [son.id]: 'son' } }));
    expect(r.headName).toBe('蓝秀英');
    expect(r.memberCount).toBe(2);
    const dead = r.members.find((m: any) => m.id === head.id);
    expect(dead).toMatchObject({ status: 'deceased', statusLabel: '已死亡', leftDate: ago(3), leftReason: 'death' });
    expect(r.members.find((m: any) => m.id === wife.id).relation).toBe('head');
    const ix = await t.db.selectFrom('person_id_index').selectAll().where('person_id', '=', head.id).execute();
    expect(ix).toEqual([]);
    expect(r.qualityIssueCount).toBe(0);
  });

  it('refuses a stale household version and an event for someone not in the household', async () => {
    const { h, head } = await family();
    const other = await family();
    const stale = await ev(h.id, { kind: 'death', version: h.version - 1 + 5, date: ago(1), personId: head.id });
    expect(stale.status).toBe(409);
    const wrong = await ev(h.id, { kind: 'death', version: h.version, date: ago(1), personId: other.son.id });
    expect(wrong.status).toBe(409);
    expect(wrong.body.error).toMatchObject({ code: 'E2006', message: '该成员不是本户的在册成员' });
    const future = await ev(h.id, { kind: 'death', version: h.version, date: addDays(day, 2), personId: head.id });
    expect(future.status).toBe(400);
  });

  it('marries a son out and a daughter-in-law in; she cannot be in two households at once', async () => {
    const { h, son } = await family();
    const bride = newId('2004-04-04', true);
    const elsewhere = await ok(w.clerkB.post('/api/registry/households', householdBody({ areaCode: REGION.villageB, members: [member({ name: '覃芳', idNumber: bride })] })));
    const blocked = await ev(h.id, { kind: 'marriage_in', version: h.version, date: ago(2), member: member({ name: '覃芳', idNumber: bride, relation: 'daughter_in_law' }) });
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.code).toBe('E2002');
    expect(blocked.body.error.message).toMatch(/永安村/);
    // the other village marries her out first; then she can marry in
    await ok(w.clerkB.post(`/api/registry/households/${elsewhere.id}/events`, { kind: 'marriage_out', version: elsewhere.version, date: ago(2), personId: elsewhere.members[0].id, note: '嫁往城西村' }));
    const r = await ok(ev(h.id, { kind: 'marriage_in', version: h.version, date: ago(1), member: member({ name: '覃芳', idNumber: bride, relation: 'daughter_in_law', workStatus: 'none', workMonths: 0 }) }));
    expect(r.memberCount).toBe(4);
    const r2 = await ok(ev(h.id, { kind: 'marriage_out', version: r.version, date: day, personId: son.id, note: '入赘外县' }));
    expect(r2.memberCount).toBe(3);
    expect(r2.members.find((m: any) => m.id === son.id)).toMatchObject({ status: 'moved_out', leftReason: 'marriage_out', leftNote: '入赘外县' });
  });
});

describe('moves, splits, merges and changes of head', () => {
  it('moves a member to another household in scope: a new membership there, history here', async () => {
    const a = await family();
    const b = await family({ areaCode: VILLAGE_A2 }, w.stationA);
    const r = await ok(w.stationA.post(`/api/registry/households/${a.h.id}/events`, { kind: 'move', version: a.h.version, date: ago(1), personId: a.son.id, toHouseholdId: b.h.id, relation: 'other' }));
    expect(r.memberCount).toBe(2);
    const bAfter = await ok(w.stationA.get(`/api/registry/households/${b.h.id}`));
    expect(bAfter.memberCount).toBe(4);
    expect(bAfter.members.find((m: any) => m.name === '韦小明' && m.id !== b.son.id)).toMatchObject({ joinedReason: 'move', relation: 'other' });
    const bEvents = await ok(w.stationA.get(`/api/registry/households/${b.h.id}/events`));
    expect(bEvents.items[0]).toMatchObject({ kind: 'move', otherHouseholdId: a.h.id });
    // the village clerk cannot move someone into a household outside the village
    const c = await family();
    const out = await ok(w.clerkB.post('/api/registry/households', householdBody({ areaCode: REGION.villageB })));
    const denied = await ev(c.h.id, { kind: 'move', version: c.h.version, date: ago(1), personId: c.son.id, toHouseholdId: out.id, relation: 'other' });
    expect(denied.status).toBe(404);
  });

  it('splits a son off into a new household, which inherits status and is numbered in the village', async () => {
    const { h, son } = await family();
    const r = await ok(ev(h.id, { kind: 'split', version: h.version, date: ago(1), personIds: [son.id], newHeadPersonId: son.id, address: '城西村第一组 30 号' }));
    expect(r.memberCount).toBe(2);
    const events = await ok(w.clerkA.get(`/api/registry/households/${h.id}/events`));
    const newId = events.items[0].otherHouseholdId;
    const n = await ok(w.clerkA.get(`/api/registry/households/${newId}`));
    expect(n).toMatchObject({ headName: '韦小明', memberCount: 1, status: h.status, address: '城西村第一组 30 号', mainCause: 'illness' });
    expect(n.householdNo.startsWith(REGION.villageA)).toBe(true);
    const page = await ok(w.clerkA.get(`/api/registry/households/${newId}/page`));
    expect(page.statusHistory[0].reason).toMatch(/分户/);
    const all = await ev(n.id, { kind: 'split', version: n.version, date: day, personIds: [n.members[0].id], newHeadPersonId: n.members[0].id });
    expect(all.status).toBe(400);
  });

  it('merges another household in: its members move, it is cancelled with history', async () => {
    const a = await family();
    const b = await ok(w.clerkA.post('/api/registry/households', householdBody({ members: [member({ name: '韦老汉', idNumber: newId('1950-01-01') , labour: 'lost', workStatus: 'none', workMonths: 0 })] })));
    const missing = await ev(a.h.id, { kind: 'merge', version: a.h.version, date: ago(1), fromHouseholdId: b.id });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/须填写 韦老汉 与本户户主的关系/);
    const r = await ok(ev(a.h.id, { kind: 'merge', version: a.h.version, date: ago(1), fromHouseholdId: b.id, relations: { [b.members[0].id]: 'father' } }));
    expect(r.memberCount).toBe(4);
    const bAfter = await ok(w.clerkA.get(`/api/registry/households/${b.id}`));
    expect(bAfter).toMatchObject({ status: 'cancelled', memberCount: 0 });
    expect(bAfter.members[0]).toMatchObject({ status: 'moved_out', leftReason: 'merge' });
  });

  it('changes the head, re-relating the old head, and refuses without the old head’s new relation', async () => {
    const { h, head, wife, son } = await family();
    const bad = await ev(h.id, { kind: 'head_change', version: h.version, date: ago(1), newHeadPersonId: son.id });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/须填写原户主 韦国强 与新户主的关系/);
    const r = await ok(ev(h.id, { kind: 'head_change', version: h.version, date: ago(1), newHeadPersonId: son.id, relations: { [head.id]: 'father', [wife.id]: 'mother' } }));
    expect(r.headName).toBe('韦小明');
    expect(r.members.find((m: any) => m.id === head.id).relation).toBe('father');
    expect(r.members.find((m: any) => m.id === wife.id).relation).toBe('mother');
    expect(r.qualityIssueCount).toBe(0);
    const events = await ok(w.clerkA.get(`/api/registry/households/${h.id}/events`));
    expect(events.items[0].summary).toBe('户主变更：韦国强 → 韦小明');
  });

  it('removes a wrongly registered member with a reason, and adds a forgotten one', async () => {
    const { h, son } = await family();
    const r = await ok(ev(h.id, { kind: 'member_remove', version: h.version, personId: son.id, note: '重复录入' }));
    expect(r.memberCount).toBe(2);
    const r2 = await ok(ev(h.id, { kind: 'member_add', version: r.version, member: member({ name: '韦补录', idNumber: newId('2001-01-01'), relation: 'son' }) }));
    expect(r2.memberCount).toBe(3);
  });
});

describe('household page', () => {
  it('shows members, status history, events, workflows, quality issues and the exit check on one page', async () => {
    const { h, head } = await family();
    await ok(w.clerkA.post('/api/registry/workflows', { householdId: h.id, kind: 'identification' }));
    await ok(ev(h.id, { kind: 'death', version: h.version, date: ago(1), personId: (await ok(w.clerkA.get(`/api/registry/households/${h.id}`))).members.find((m: any) => m.relation === 'spouse').id }));
    const p = await ok(w.clerkA.get(`/api/registry/households/${h.id}/page`));
    expect(p.household.members).toHaveLength(3);
    expect(p.statusHistory[0]).toMatchObject({ toStatus: 'candidate', toStatusLabel: '识别中' });
    expect(p.events.map((e: any) => e.kind)).toEqual(['death', 'create']);
    expect(p.workflows[0]).toMatchObject({ kind: 'identification', state: 'appraisal' });
    expect(p.exitCheck.criteria).toHaveLength(6);
    // other modules (visits, loans) add their sections through registerHouseholdSection
    for (const s of Object.values<any>(p.sections)) expect(typeof s.title).toBe('string');
    const full = await ok(w.admin.post(`/api/registry/persons/${head.id}/reveal`));
    expect(JSON.stringify(p)).not.toContain(full.idNumber);
    expect((await w.clerkB.get(`/api/registry/households/${h.id}/page`)).status).toBe(404);
  });
});
