import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../test/harness';

let t: TestApp;
let admin: Client;
beforeAll(async () => {
  t = await startTestApp();
  admin = await t.admin();
});
afterAll(async () => {
  await t.close();
});

const auditRows = (entityId: string) => t.db.selectFrom('audit_log').selectAll().where('entity', '=', 'area').where('entity_id', '=', entityId).execute();

describe('areas', () => {
  it('builds the tree province › city › county › township › village › group, deriving level, prefix and county', async () => {
    const steps = [
      { code: '450000', name: '广西壮族自治区' },
      { code: '451200', name: '河池市', parentCode: '450000' },
      { code: '451226', name: '环江毛南族自治县', parentCode: '451200' },
      { code: '451226101', name: '思恩镇', parentCode: '451226' },
      { code: '451226101201', name: '城西村', parentCode: '451226101' },
      { code: '451226101201001', name: '第一组' }, // parent derived from the code
    ];
    for (const s of steps) {
      const r = await admin.post('/api/areas', s);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
    const g = await admin.get('/api/areas/451226101201001');
    expect(g.body).toMatchObject({ level: 'group', levelLabel: '组', prefix: '451226101201001', countyCode: '451226', parentCode: '451226101201', inScope: true, hasChildren: false });
    expect(g.body.path.map((p: { code: string }) => p.code)).toEqual(['450000', '451200', '451226', '451226101', '451226101201']);
    expect((await admin.get('/api/areas/450000')).body).toMatchObject({ level: 'province', prefix: '45', countyCode: null, hasChildren: true });
    expect((await admin.get('/api/areas/451200')).body).toMatchObject({ level: 'city', prefix: '4512', countyCode: null });
    expect((await admin.get('/api/areas/451226101')).body).toMatchObject({ level: 'township', prefix: '451226101', countyCode: '451226', loanPreconditionMet: true });
    const roots = await admin.get('/api/areas');
    expect(roots.body.items.map((i: { code: string }) => i.code)).toEqual(['450000']);
    const kids = await admin.get('/api/areas?parentCode=451226');
    expect(kids.body.items.map((i: { name: string }) => i.name)).toEqual(['思恩镇']);
  });

  it('writes exactly one audit row per change, with a Chinese summary and field-level before/after', async () => {
    const created = await auditRows('451226101');
    expect(created).toHaveLength(1);
    expect(created[0].summary).toBe('新增乡镇 思恩镇（451226101），上级：环江毛南族自治县');
    expect(created[0].area_code).toBe('451226101');
    expect(created[0].county_code).toBe('451226');
    const r = await admin.patch('/api/areas/451226101', { loanPreconditionMet: false, sort: 3 });
    expect(r.status).toBe(200);
    expect(r.body.loanPreconditionMet).toBe(false);
    const rows = await auditRows('451226101');
    expect(rows).toHaveLength(2);
    expect(rows[1].summary).toMatch(/^修改乡镇 思恩镇（451226101）：排序号改为 3，贷款前置条件（第五条1）改为不具备$/);
    expect(rows[1].before).toEqual({ sort: 0, loanPreconditionMet: true });
    expect(rows[1].after).toEqual({ sort: 3, loanPreconditionMet: false });
    // A PATCH that changes nothing writes nothing.
    await admin.patch('/api/areas/451226101', { sort: 3 });
    expect(await auditRows('451226101')).toHaveLength(2);
  });

  it('rejects bad codes, wrong parents and missing parents with Chinese messages naming the field', async () => {
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ code: '4512261012', name: '十位' }, 400, /区划代码/],
      [{ code: '45122610a', name: '字母' }, 400, /区划代码.*数字/],
      [{ code: '991226', name: '无省' }, 400, /区划代码：.*省级代码 99 不存在/],
      [{ code: '451226101000', name: '零村' }, 400, /区划代码：.*末三位不能为 000/],
      [{ code: '451226101202', name: '错父', parentCode: '451226' }, 400, /上级区划代码：.*应为 451226101/],
      [{ code: '451226102', name: '错父镇', parentCode: '451200' }, 400, /上级区划代码/],
      [{ code: '451226109201', name: '无父村' }, 400, /上级区划代码：上级区划 451226109 不存在/],
      [{ code: '451226101202', name: '' }, 400, /区划名称：区划名称不能为空/],
      [{ code: 451226101202, name: '数字' }, 400, /区划代码/],
      [{ code: '451226101202', name: '多余', level: 'village' }, 400, /不允许的字段 level/],
      [{ code: '451226101202', name: '前置', loanPreconditionMet: true }, 400, /贷款前置条件：只有乡镇/],
      [{ code: '451226101201', name: '重复代码' }, 409, /已存在/],
      [{ code: '451226101202', name: '城西村' }, 409, /已有名为「城西村」/],
    ];
    for (const [body, status, msg] of cases) {
      const r = await admin.post('/api/areas', body);
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.body.error.message, JSON.stringify(body)).toMatch(msg);
    }
    const count = await t.db.selectFrom('area').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(6);
  });

  it('stores HTML and SQL in names harmlessly, exactly as typed', async () => {
    const evil = `<script>alert('x')</script>'; DROP TABLE area; --`;
    const r = await admin.post('/api/areas', { code: '451226101299', name: evil, parentCode: '451226101' });
    expect(r.status).toBe(200);
    expect((await admin.get('/api/areas/451226101299')).body.name).toBe(evil);
    expect((await admin.get(`/api/areas?keyword=${encodeURIComponent("'; DROP")}`)).body.items.map((i: { code: string }) => i.code)).toEqual(['451226101299']);
    const pct = await admin.get(`/api/areas?keyword=${encodeURIComponent('%')}`);
    expect(pct.body.items).toEqual([]); // % is a literal, not a wildcard
    expect((await admin.delete('/api/areas/451226101299')).status).toBe(200);
  });

  it('lists siblings in pinyin order', async () => {
    for (const [code, name] of [
      ['451226101211', '张家村'],
      ['451226101212', '阿里村'],
      ['451226101213', '王庄村'],
      ['451226101214', '李屯村'],
    ]) {
      expect((await admin.post('/api/areas', { code, name })).status).toBe(200);
    }
    const r = await admin.get('/api/areas?parentCode=451226101');
    expect(r.body.items.map((i: { name: string }) => i.name)).toEqual(['阿里村', '城西村', '李屯村', '王庄村', '张家村']);
  });

  it('renames with the sibling rule, refuses loan flag on non-townships and unknown fields', async () => {
    expect((await admin.patch('/api/areas/451226101212', { name: '张家村' })).status).toBe(409);
    const flag = await admin.patch('/api/areas/451226101212', { loanPreconditionMet: false });
    expect(flag.status).toBe(400);
    expect(flag.body.error.code).toBe('E1206');
    const code = await admin.patch('/api/areas/451226101212', { code: '451226101299' });
    expect(code.status).toBe(400);
    expect(code.body.error.message).toMatch(/不允许的字段 code/);
    const ok = await admin.patch('/api/areas/451226101212', { name: '阿里新村' });
    expect(ok.body.name).toBe('阿里新村');
    expect((await admin.get('/api/areas/45ab')).status).toBe(400);
    expect((await admin.get('/api/areas/451226101999')).status).toBe(404);
  });

  it('refuses to delete an area that is still used, and deletes a free one', async () => {
    const withChild = await admin.delete('/api/areas/451226101201');
    expect(withChild.status).toBe(409);
    expect(withChild.body.error.message).toMatch(/1 个下级区划/);
    await admin.post('/api/orgs', { name: '李屯村村委会', kind: 'village_committee', areaCode: '451226101214' });
    const withOrg = await admin.delete('/api/areas/451226101214');
    expect(withOrg.status).toBe(409);
    expect(withOrg.body.error.message).toMatch(/1 个机构/);
    const before = await t.db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect((await admin.delete('/api/areas/451226101213')).status).toBe(200);
    expect((await admin.get('/api/areas/451226101213')).status).toBe(404);
    const after = await t.db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n) - Number(before.n)).toBe(1);
  });

  it('rolls back the change when its audit row cannot be written (same transaction)', async () => {
    await sql`CREATE FUNCTION fail_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit down'; END $$`.execute(t.db);
    await sql`CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION fail_audit()`.execute(t.db);
    try {
      const r = await admin.post('/api/areas', { code: '451226101230', name: '回滚村' });
      expect(r.status).toBe(500);
      expect(r.body.error.message).not.toMatch(/audit down/);
      expect(await t.db.selectFrom('area').select('code').where('code', '=', '451226101230').executeTakeFirst()).toBeUndefined();
      const upd = await admin.patch('/api/areas/451226101211', { name: '不应改名' });
      expect(upd.status).toBe(500);
      expect((await admin.get('/api/areas/451226101211')).body.name).toBe('张家村');
    } finally {
      await sql`DROP TRIGGER fail_audit ON audit_log`.execute(t.db);
    }
  });

  it('needs system:area:edit to change anything', async () => {
    const r = await admin.post('/api/users', { username: 'viewer1', name: '只看', areaCode: '451226', dataScope: 'area_below', roleCodes: ['inspector'], password: 'View#Pass2026' });
    expect(r.status).toBe(200);
    const c = t.client();
    await c.login('viewer1', 'View#Pass2026');
    await c.post('/api/auth/password', { oldPassword: 'View#Pass2026', newPassword: 'View#Pass2027' });
    expect((await c.get('/api/areas')).body.items.map((i: { code: string }) => i.code)).toEqual(['451226']);
    const denied = await c.post('/api/areas', { code: '451226101240', name: '无权村' });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('E1105');
  });
});
