import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const count = async (table: 'household' | 'person' | 'person_id_index') =>
  Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('creating a household', () => {
  it('creates a candidate household with its members, masked IDs, computed income, history, event and audit', async () => {
    const body = householdBody();
    const r = await w.clerkA.post('/api/registry/households', body);
    expect(r.status).toBe(200);
    const h = r.body;
    expect(h.status).toBe('candidate');
    expect(h.statusLabel).toBe('识别中');
    expect(h.householdNo).toBe(`${REGION.villageA}0001`);
    expect(h.villageName).toBe('城西村');
    expect(h.townshipName).toBe('思恩镇');
    expect(h.headName).toBe('韦国强');
    expect(h.memberCount).toBe(2);
    expect(h.netIncomeFen).toBe(1_600_000);
    expect(h.netIncomePerCapitaFen).toBe(800_000);
    expect(h.phoneMasked).toBe('138****1234');
    expect(h.bankAccountMasked).toMatch(/^\*+8901$/);
    expect(h.headIdNumberMasked).toMatch(/^4512\*{10}\d{3}[\dX]$/);
    expect(h.mainCauseLabel).toBe('因病');
    expect(h.qualityIssueCount).toBe(0);
    expect(JSON.stringify(h)).not.toContain(body.members[0].idNumber);
    expect(JSON.stringify(h)).not.toContain('13807781234');
    const head = h.members.find((m: any) => m.relation === 'head');
    expect(head).toMatchObject({ sex: 'M', birthDate: '1975-03-04', relationLabel: '户主', status: 'active', joinedReason: 'create' });

    const hist = await t.db.selectFrom('household_status_history').selectAll().where('household_id', '=', h.id).execute();
    expect(hist).toMatchObject([{ from_status: null, to_status: 'candidate', reason: '新建档案' }]);
    const ev = await t.db.selectFrom('household_event').selectAll().where('household_id', '=', h.id).execute();
    expect(ev[0].kind).toBe('create');
    const audit = await t.db.selectFrom('audit_log').selectAll().where('entity', '=', 'household').where('entity_id', '=', String(h.id)).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0].summary).toMatch(/新建农户档案 韦国强户/);
    expect(JSON.stringify(audit[0].after)).not.toContain(body.members[0].idNumber);
    const ix = await t.db.selectFrom('person_id_index').selectAll().where('id_number', '=', body.members[0].idNumber).executeTakeFirstOrThrow();
    expect(ix.person_id).toBe(head.id);
  });

  it('numbers households per village: the next one in village A is 0002', async () => {
    const h = await ok(w.clerkA.post('/api/registry/households', householdBody()));
    expect(h.householdNo).toBe(`${REGION.villageA}0002`);
  });

  it('refuses a wrong check digit, a sex or birth date that disagrees with the ID, naming the member and field', async () => {
    const good = newId();
    const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    const r1 = await w.clerkA.post('/api/registry/households', householdBody({ members: [member({ idNumber: bad })] }));
    expect(r1.status).toBe(400);
    expect(r1.body.error.code).toBe('E2001');
    expect(r1.body.error.message).toMatch(/第1名成员身份证号码：身份证号码校验位错误，应为/);
    const r2 = await w.clerkA.post('/api/registry/households', householdBody({ members: [member({ sex: 'F', birthDate: '1975-03-05' })] }));
    expect(r2.status).toBe(400);
    expect(r2.body.error.message).toMatch(/第1名成员性别：身份证号码第17位表明为男，填写的是女/);
    expect(r2.body.error.message).toMatch(/第1名成员出生日期：身份证号码表明为 1975-03-04，填写的是 1975-03-05/);
  });

  it('refuses codes that are not in the dictionary and lists the allowed ones', async () => {
    const r = await w.clerkA.post('/api/registry/households', householdBody({ mainCause: 'laziness', members: [member({ health: 'fine' })] }));
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/主要致贫原因：“laziness”不是有效的取值，可选：illness（因病）/);
    expect(r.body.error.message).toMatch(/第1名成员健康状况：“fine”不是有效的取值/);
  });

  it('needs exactly one head', async () => {
    const none = await w.clerkA.post('/api/registry/households', householdBody({ members: [member({ relation: 'son' })] }));
    expect(none.status).toBe(400);
    expect(none.body.error.code).toBe('E2003');
    const two = await w.clerkA.post('/api/registry/households', householdBody({ members: [member(), member({ name: '韦二' })] }));
    expect(two.body.error).toMatchObject({ code: 'E2003', message: '一户只能有一名户主，当前有 2 名' });
  });

  it('checks an entered per-capita income against its parts', async () => {
    const r = await w.clerkA.post('/api/registry/households', householdBody({ netIncomePerCapitaFen: 1_600_000 }));
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/人均纯收入：人均纯收入 16000\.00 元与各项收入之和 16000\.00 元 ÷ 2 人 = 8000\.00 元不符/);
    expect((await w.clerkA.post('/api/registry/households', householdBody({ netIncomePerCapitaFen: 800_050 }))).status).toBe(200);
  });

  it('refuses a resident already active in another household, naming that village with the ID masked, and writes nothing', async () => {
    const idn = newId('1980-01-01');
    await ok(w.clerkB.post('/api/registry/households', householdBody({ areaCode: REGION.villageB, members: [member({ idNumber: idn })] })));
    const before = [await count('household'), await count('person'), await count('person_id_index')];
    const r = await w.clerkA.post('/api/registry/households', householdBody({ members: [member(), member({ idNumber: idn, relation: 'son', name: '韦小' })] }));
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('E2002');
    expect(r.body.error.message).toMatch(/洛阳镇永安村的另一户中登记为在册成员/);
    expect(r.body.error.message).toContain(`${idn.slice(0, 4)}**********${idn.slice(14)}`);
    expect(r.body.error.message).not.toContain(idn);
    expect([await count('household'), await count('person'), await count('person_id_index')]).toEqual(before);
  });

  it('refuses the same ID twice in one household', async () => {
    const idn = newId();
    const r = await w.clerkA.post('/api/registry/households', householdBody({ members: [member({ idNumber: idn }), member({ idNumber: idn, relation: 'son' })] }));
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/第2名成员身份证号码：与第1名成员重复/);
  });

  it('lets exactly one of two simultaneous registrations of one resident through', async () => {
    const idn = newId('1990-09-09');
    const [a, b] = await Promise.all([
      w.clerkA.post('/api/registry/households', householdBody({ members: [member({ idNumber: idn })] })),
      w.clerkB.post('/api/registry/households', householdBody({ areaCode: REGION.villageB, members: [member({ idNumber: idn })] })),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const n = await t.db.selectFrom('person').select('id').where('id_number', '=', idn).execute();
    expect(n).toHaveLength(1);
  });

  it('refuses unknown fields and malformed values with the Chinese field name', async () => {
    const r = await w.clerkA.post('/api/registry/households', { ...householdBody(), secret: 1 });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/secret/);
    const r2 = await w.clerkA.post('/api/registry/households', householdBody({ incomeWagesFen: -5 }));
    expect(r2.status).toBe(400);
    expect(r2.body.error.message).toMatch(/工资性收入/);
  });
});

describe('jurisdiction', () => {
  let inB: any;
  beforeAll(async () => {
    inB = await ok(w.clerkB.post('/api/registry/households', householdBody({ areaCode: REGION.villageB })));
  });

  it('gives a village-A clerk 404 on a village-B household, its members and its reveal', async () => {
    expect((await w.clerkA.get(`/api/registry/households/${inB.id}`)).status).toBe(404);
    expect((await w.clerkA.patch(`/api/registry/households/${inB.id}`, { version: inB.version, address: 'x' })).status).toBe(404);
    expect((await w.clerkA.get(`/api/registry/persons/${inB.members[0].id}`)).status).toBe(404);
    expect((await w.clerkA.patch(`/api/registry/persons/${inB.members[0].id}`, { version: 1, name: 'x' })).status).toBe(404);
    expect((await w.admin.get(`/api/registry/households/${inB.id}`)).status).toBe(200);
  });

  it('refuses a village-A clerk creating in village B (403) and moving a household there', async () => {
    const r = await w.clerkA.post('/api/registry/households', householdBody({ areaCode: REGION.villageB }));
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('E1107');
    const mine = await ok(w.clerkA.post('/api/registry/households', householdBody()));
    const mv = await w.clerkA.patch(`/api/registry/households/${mine.id}`, { version: mine.version, areaCode: REGION.villageB });
    expect(mv.status).toBe(403);
  });

  it('lists only what the caller may see: the clerk their village, the station its township, the county all', async () => {
    const a = await ok(w.clerkA.get('/api/registry/households?pageSize=200'));
    expect(a.items.every((h: any) => h.villageCode === REGION.villageA)).toBe(true);
    const s = await ok(w.stationA.get('/api/registry/households?pageSize=200'));
    expect(s.items.every((h: any) => h.townshipCode === REGION.townA)).toBe(true);
    const c = await ok(w.county.get('/api/registry/households?pageSize=200'));
    expect(c.total).toBe(a.total + (await ok(w.clerkB.get('/api/registry/households'))).total);
    const persons = await ok(w.clerkA.get('/api/registry/persons?pageSize=200'));
    expect(persons.items.every((p: any) => p.villageName === '城西村')).toBe(true);
  });

  it('refuses a household in a township (not a village) with E2004', async () => {
    const r = await w.admin.post('/api/registry/households', householdBody({ areaCode: `${REGION.townA}001` }));
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('E2004');
  });
});

describe('updating', () => {
  it('updates with the current version, records a field diff, and answers a stale version with 409', async () => {
    const h = await ok(w.clerkA.post('/api/registry/households', householdBody()));
    const r = await w.clerkA.patch(`/api/registry/households/${h.id}`, { version: h.version, housingSafety: 'C', incomeWagesFen: 200_000 });
    expect(r.status).toBe(200);
    expect(r.body.version).toBeGreaterThan(h.version);
    expect(r.body.netIncomePerCapitaFen).toBe(300_000);
    const stale = await w.clerkA.patch(`/api/registry/households/${h.id}`, { version: h.version, address: '新地址' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('E1010');
    const audit = await t.db.selectFrom('audit_log').selectAll().where('entity', '=', 'household').where('entity_id', '=', String(h.id)).where('action', '=', 'update').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0].summary).toMatch(/住房安全等级、工资性收入/);
    expect(audit[0].before).toMatchObject({ housing_safety: 'B', income_wages_fen: 1_200_000 });
    expect(audit[0].after).toMatchObject({ housing_safety: 'C', income_wages_fen: 200_000 });
  });

  it('moves a household to another village in scope, members following', async () => {
    const h = await ok(w.stationA.post('/api/registry/households', householdBody()));
    const r = await ok(w.stationA.patch(`/api/registry/households/${h.id}`, { version: h.version, areaCode: VILLAGE_A2 }));
    expect(r.villageName).toBe('东风村');
    const people = await t.db.selectFrom('person').select('area_code').where('household_id', '=', h.id).execute();
    expect(people.every((p) => p.area_code === VILLAGE_A2)).toBe(true);
  });

  it('corrects a member: a new ID moves the index; relation to/from head is refused; a stale version is 409', async () => {
    const h = await ok(w.clerkA.post('/api/registry/households', householdBody()));
    const wife = h.members.find((m: any) => m.relation === 'spouse');
    const newIdn = newId('1978-02-02', true);
    const r = await w.clerkA.patch(`/api/registry/persons/${wife.id}`, { version: wife.version, idNumber: newIdn });
    expect(r.status).toBe(200);
    expect(r.body.birthDate).toBe('1978-02-02');
    const ix = await t.db.selectFrom('person_id_index').selectAll().where('person_id', '=', wife.id).execute();
    expect(ix.map((i) => i.id_number)).toEqual([newIdn]);
    const head = await w.clerkA.patch(`/api/registry/persons/${wife.id}`, { version: r.body.version, relation: 'head' });
    expect(head.body.error.code).toBe('E2003');
    const stale = await w.clerkA.patch(`/api/registry/persons/${wife.id}`, { version: wife.version, name: '蓝秀' });
    expect(stale.status).toBe(409);
    const sexWrong = await w.clerkA.patch(`/api/registry/persons/${wife.id}`, { version: r.body.version, sex: 'M' });
    expect(sexWrong.status).toBe(400);
    expect(sexWrong.body.error.message).toMatch(/性别/);
  });
});

describe('lists and search', () => {
  beforeAll(async () => {
    for (const [name, cat, cause, labour] of [
      ['张三', 'dibao', 'disability', 'lost'],
      ['阿龙', 'general', 'no_skill', 'ordinary'],
      ['李四', 'tekun', 'illness', 'none'],
    ] as const)
      await ok(
        w.admin.post(
          '/api/registry/households',
          householdBody({ areaCode: VILLAGE_A2, category: cat, mainCause: cause, secondaryCauses: [], members: [member({ name, labour, workStatus: labour === 'ordinary' ? 'county' : 'none', workMonths: labour === 'ordinary' ? 8 : 0 })] }),
        ),
      );
  });

  it('orders head names in pinyin and filters by village, category, cause and labour', async () => {
    const r = await ok(w.admin.get(`/api/registry/households?villageCode=${VILLAGE_A2}&sort=name`));
    // 阿龙 (a), 李四 (li), 韦国强 (wei, moved here above), 张三 (zhang)
    expect(r.items.map((h: any) => h.headName)).toEqual(['阿龙', '李四', '韦国强', '张三']);
    expect((await ok(w.admin.get(`/api/registry/households?villageCode=${VILLAGE_A2}&category=dibao`))).items.map((h: any) => h.headName)).toEqual(['张三']);
    expect((await ok(w.admin.get(`/api/registry/households?villageCode=${VILLAGE_A2}&cause=no_skill`))).items.map((h: any) => h.headName)).toEqual(['阿龙']);
    expect((await ok(w.admin.get(`/api/registry/households?villageCode=${VILLAGE_A2}&labour=none`))).items.map((h: any) => h.headName)).toEqual(['李四']);
  });

  it('counts households by status above the list, for the filters other than status', async () => {
    const all = await ok(w.admin.get('/api/registry/households'));
    expect(all.statusCounts.candidate).toBe(all.total);
    const none = await ok(w.admin.get('/api/registry/households?status=identified'));
    expect(none.total).toBe(0);
    expect(none.statusCounts.candidate).toBe(all.total);
  });

  it('finds a household and a person by exact ID number, typed with spaces or full-width digits', async () => {
    const idn = newId('1966-06-06');
    const h = await ok(w.clerkA.post('/api/registry/households', householdBody({ members: [member({ idNumber: idn, name: '覃找我' })] })));
    const spaced = `${idn.slice(0, 6)} ${idn.slice(6, 14)} ${idn.slice(14)}`;
    const r = await ok(w.clerkA.get(`/api/registry/households?idNumber=${encodeURIComponent(spaced)}`));
    expect(r.items.map((x: any) => x.id)).toEqual([h.id]);
    const full = idn.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
    const p = await ok(w.clerkA.get(`/api/registry/persons?idNumber=${encodeURIComponent(full)}`));
    expect(p.items.map((x: any) => x.name)).toEqual(['覃找我']);
    // out of scope: the village-B clerk finds nothing
    expect((await ok(w.clerkB.get(`/api/registry/households?idNumber=${idn}`))).total).toBe(0);
  });

  it('answers an exact-ID search with the one household, its status count, and the other filters applied', async () => {
    const head = newId('1961-01-01');
    const son = newId('1990-02-02');
    const h = await ok(
      w.clerkA.post('/api/registry/households', householdBody({ members: [member({ idNumber: head, name: '覃父' }), member({ idNumber: son, name: '覃子', relation: 'son' })] })),
    );
    // a member's ID finds the household too
    const bySon = await ok(w.clerkA.get(`/api/registry/households?idNumber=${son}`));
    expect(bySon).toMatchObject({ total: 1, statusCounts: { candidate: 1 } });
    expect(bySon.items.map((x: any) => x.id)).toEqual([h.id]);
    // a status filter that excludes it: no row, but the count by status is still there
    const other = await ok(w.clerkA.get(`/api/registry/households?idNumber=${head}&status=identified`));
    expect(other).toMatchObject({ items: [], total: 0, statusCounts: { candidate: 1 } });
    // other filters apply: the wrong village finds nothing at all
    expect(await ok(w.admin.get(`/api/registry/households?idNumber=${head}&villageCode=${VILLAGE_A2}`))).toMatchObject({ items: [], total: 0, statusCounts: {} });
    // an ID nobody holds
    expect(await ok(w.clerkA.get(`/api/registry/households?idNumber=${newId('1955-05-05')}`))).toMatchObject({ items: [], total: 0, statusCounts: {} });
    // page 2 of a one-row answer is empty, the total stays
    expect(await ok(w.clerkA.get(`/api/registry/households?idNumber=${head}&page=2`))).toMatchObject({ items: [], total: 1 });
  });

  it('pages: 2 per page, stable order, total of all pages', async () => {
    const p1 = await ok(w.admin.get('/api/registry/households?pageSize=2&page=1'));
    const p2 = await ok(w.admin.get('/api/registry/households?pageSize=2&page=2'));
    expect(p1.items).toHaveLength(2);
    expect(p1.items.map((h: any) => h.id)).not.toEqual(expect.arrayContaining(p2.items.map((h: any) => h.id)));
    expect(p1.total).toBeGreaterThan(4);
  });
});

describe('reveal', () => {
  it('needs registry:person:reveal and writes an audit row', async () => {
    const h = await ok(w.clerkA.post('/api/registry/households', householdBody()));
    const pid = h.members[0].id;
    expect((await w.clerkA.post(`/api/registry/persons/${pid}/reveal`)).status).toBe(403);
    const r = await ok(w.admin.post(`/api/registry/persons/${pid}/reveal`));
    expect(r.idNumber).toMatch(/^\d{17}[\dX]$/);
    const hr = await ok(w.admin.post(`/api/registry/households/${h.id}/reveal`));
    expect(hr.phone).toBe('13807781234');
    expect(hr.bankAccount).toBe('6228480012345678901');
    const logs = await t.db.selectFrom('audit_log').select(['summary', 'username']).where('action', '=', 'reveal').execute();
    expect(logs.map((l) => l.summary)).toEqual(expect.arrayContaining([expect.stringMatching(/查看家庭成员 韦国强.*完整身份证号码/), expect.stringMatching(/查看农户 韦国强户/)]));
    expect(logs.every((l) => l.username === 'admin')).toBe(true);
  });
});
