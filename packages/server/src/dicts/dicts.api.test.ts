import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../test/harness';
import { REGION, createUser, seedRegion } from '../test/system-fixtures';

let t: TestApp;
let admin: Client;
beforeAll(async () => {
  t = await startTestApp();
  admin = await t.admin();
});
afterAll(async () => {
  await t.close();
});

describe('dictionaries', () => {
  it('lists every type with its items in order', async () => {
    const r = await admin.get('/api/dicts');
    expect(r.status).toBe(200);
    const kinds = r.body.find((d: { code: string }) => d.code === 'org_kind');
    expect(kinds.name).toBe('机构类型');
    expect(kinds.items[0]).toEqual({ code: 'leading_group', label: '县扶贫开发领导组', sort: 1, enabled: true });
    const one = await admin.get('/api/dicts/poverty_cause');
    expect(one.body.items.map((i: { label: string }) => i.label).slice(0, 3)).toEqual(['因病', '因残', '因学']);
    expect((await admin.get('/api/dicts/no_such_type')).status).toBe(404);
  });

  it('adds an item, edits label/sort/enabled, keeps codes immutable, logs each change once', async () => {
    const add = await admin.post('/api/dicts/poverty_cause/items', { code: 'no_housing', label: '缺住房', sort: 13 });
    expect(add.status, JSON.stringify(add.body)).toBe(200);
    expect(add.body).toEqual({ code: 'no_housing', label: '缺住房', sort: 13, enabled: true });
    const edit = await admin.patch('/api/dicts/poverty_cause/items/no_housing', { label: '住房困难', enabled: false });
    expect(edit.body).toEqual({ code: 'no_housing', label: '住房困难', sort: 13, enabled: false });
    const logs = await t.db.selectFrom('audit_log').selectAll().where('entity', '=', 'dict_item').orderBy('id').execute();
    expect(logs.map((l) => l.summary)).toEqual(['字典「致贫原因」新增项 缺住房（no_housing）', '字典「致贫原因」修改项 缺住房（no_housing）：名称由「缺住房」改为「住房困难」，停用']);
    expect(logs[1].before).toEqual({ label: '缺住房', enabled: true });
    const code = await admin.patch('/api/dicts/poverty_cause/items/no_housing', { code: 'housing' });
    expect(code.status).toBe(400);
    expect(code.body.error.message).toMatch(/不允许的字段 code/);
    const enabledOnly = await admin.get('/api/dicts/poverty_cause?enabledOnly=true');
    expect(enabledOnly.body.items.some((i: { code: string }) => i.code === 'no_housing')).toBe(false);
  });

  it('rejects duplicates, bad codes and wrong types with Chinese messages', async () => {
    const cases: [string, Record<string, unknown>, number, RegExp][] = [
      ['poverty_cause', { code: 'illness', label: '生病' }, 409, /代码：致贫原因中已有代码 illness/],
      ['poverty_cause', { code: 'sick', label: '因病' }, 409, /名称：致贫原因中已有「因病」/],
      ['poverty_cause', { code: '因病2', label: '因病2' }, 400, /代码：代码只能包含字母、数字和下划线/],
      ['poverty_cause', { code: 'x1', label: '某', sort: 'first' }, 400, /排序号：排序号必须是数字/],
      ['poverty_cause', { code: 'x1', label: '' }, 400, /名称：名称不能为空/],
      ['nope', { code: 'x1', label: '某' }, 404, /字典类型 nope/],
    ];
    for (const [type, body, status, msg] of cases) {
      const r = await admin.post(`/api/dicts/${type}/items`, body);
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.body.error.message, JSON.stringify(body)).toMatch(msg);
    }
    expect((await admin.patch('/api/dicts/poverty_cause/items/zzz', { label: 'x' })).status).toBe(404);
  });

  it('lets any logged-in user read dictionaries but only system:dict:edit change them', async () => {
    await seedRegion(admin);
    const { client } = await createUser(t, admin, { username: 'cadre1', name: '干部', areaCode: REGION.villageA, dataScope: 'self', roleCodes: ['cadre'] });
    expect((await client.get('/api/dicts/relation')).status).toBe(200);
    expect((await client.post('/api/dicts/relation/items', { code: 'x', label: '某' })).status).toBe(403);
  });
});
