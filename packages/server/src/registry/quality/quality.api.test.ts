import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeIdNumber } from '@fupin/shared';
import { enqueueJob, runOneJob } from '../../jobs/runner';
import { startTestApp, type TestApp } from '../../test/harness';
import { householdBody, ok, REGION, seedRegistryWorld, type RegistryWorld } from '../test-fixtures';

let t: TestApp;
let w: RegistryWorld;
beforeAll(async () => {
  t = await startTestApp();
  w = await seedRegistryWorld(t);
});
afterAll(async () => {
  await t.close();
});

let serial = 0;
/**
 * Legacy rows written straight to the tables, as an old system or a careless import would have left
 * them: the API itself refuses all of these.
 */
async function legacy(village: string, h: Record<string, unknown>, people: Record<string, unknown>[]) {
  serial++;
  const town = village.slice(0, 9);
  const { id } = await t.db
    .insertInto('household')
    .values({
      county_code: REGION.county,
      household_no: `${village}9${String(serial).padStart(3, '0')}`,
      area_code: village,
      township_code: town,
      village_code: village,
      address: '某组',
      category: 'general',
      identification_year: 2016,
      main_cause: 'illness',
      housing_safety: 'A',
      water_safe: true,
      income_year: 2025,
      status: 'identified',
      member_count: people.length,
      ...h,
    } as never)
    .returning('id')
    .executeTakeFirstOrThrow();
  const ids: number[] = [];
  for (const p of people) {
    const row = await t.db
      .insertInto('person')
      .values({
        county_code: REGION.county,
        household_id: id,
        area_code: village,
        name: '某人',
        sex: 'M',
        id_number: makeIdNumber('451226', '1970-01-01', 1),
        birth_date: '1970-01-01',
        relation: 'head',
        ethnicity: 'han',
        education: 'primary',
        schooling: 'not_in_school',
        health: 'healthy',
        labour: 'ordinary',
        work_status: 'none',
        work_months: 0,
        ...p,
      } as never)
      .returning(['id', 'id_number', 'status'])
      .executeTakeFirstOrThrow();
    ids.push(row.id);
    if (row.status === 'active' || row.status === undefined)
      await t.db.insertInto('person_id_index').values({ id_number: row.id_number.slice(0, 18), county_code: REGION.county, person_id: row.id }).onConflict((oc) => oc.doNothing()).execute();
  }
  const head = people.findIndex((p) => (p.relation ?? 'head') === 'head');
  if (head >= 0) await t.db.updateTable('household').set({ head_person_id: ids[head], head_name: String(people[head].name ?? '某人') }).where('id', '=', id).execute();
  return { id, ids };
}

const A = REGION.villageA;
const B = REGION.villageB;
let incomeWrong: { id: number };

beforeAll(async () => {
  const good = makeIdNumber('451226', '1970-05-05', 11);
  const badCheck = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
  await legacy(A, {}, [{ name: '校验错', id_number: badCheck }]);
  await legacy(A, {}, [{ name: '性别错', id_number: makeIdNumber('451226', '1970-06-06', 12), birth_date: '1970-06-06', sex: 'M' }]);
  const dup = makeIdNumber('451226', '1980-01-01', 13);
  await legacy(A, {}, [{ name: '重复甲', id_number: dup, birth_date: '1980-01-01' }]);
  await legacy(B, {}, [{ name: '重复乙', id_number: dup, birth_date: '1980-01-01' }]);
  await legacy(A, { member_count: 1 }, [{ name: '无户主', relation: 'son', id_number: makeIdNumber('451226', '1990-01-01', 15), birth_date: '1990-01-01' }]);
  await legacy(A, { member_count: 2 }, [
    { name: '户主一', id_number: makeIdNumber('451226', '1960-01-01', 17), birth_date: '1960-01-01' },
    { name: '户主二', id_number: makeIdNumber('451226', '1961-01-01', 19), birth_date: '1961-01-01' },
  ]);
  await legacy(A, { member_count: 3 }, [
    { name: '老人', id_number: makeIdNumber('451226', '1955-01-01', 21), birth_date: '1955-01-01', labour: 'lost' },
    { name: '三岁娃', relation: 'grandson', id_number: makeIdNumber('451226', '2023-01-01', 23), birth_date: '2023-01-01', labour: 'none', schooling: 'preschool', education: 'preschool', work_status: 'outside', work_months: 6 },
    { name: '老学生', relation: 'spouse', id_number: makeIdNumber('451226', '1955-02-02', 25), birth_date: '1955-02-02', schooling: 'primary', labour: 'lost' },
  ]);
  incomeWrong = await legacy(A, { income_wages_fen: 1_000_000, net_income_per_capita_fen: 900_000 }, [{ name: '收入错', id_number: makeIdNumber('451226', '1966-01-01', 27), birth_date: '1966-01-01' }]);
  await legacy(A, { address: null, water_safe: null }, [{ name: '缺项', id_number: makeIdNumber('451226', '1967-01-01', 29), birth_date: '1967-01-01', ethnicity: null }]);
  await legacy(A, { member_count: 2 }, [
    { name: '健在', id_number: makeIdNumber('451226', '1968-01-01', 31), birth_date: '1968-01-01' },
    { name: '已故', relation: 'spouse', status: 'deceased', id_number: makeIdNumber('451226', '1969-01-01', 32), birth_date: '1969-01-01', sex: 'F' },
  ]);
  // and one clean household through the API
  await ok(w.clerkA.post('/api/registry/households', householdBody()));
});

describe('data-quality run', () => {
  it('finds every kind of problem and counts them by rule, township and village', async () => {
    const run = await ok(w.county.post('/api/registry/quality/run'));
    expect(run.households).toBe(11); // ten legacy households and one clean one
    const s = await ok(w.county.get('/api/registry/quality/summary'));
    const byRule = Object.fromEntries(s.byRule.map((r: any) => [r.rule, r.issues]));
    expect(byRule).toMatchObject({
      id_checksum: 1,
      id_birth_sex: 1,
      duplicate_active: 2,
      head_missing: 1,
      head_multiple: 1,
      income_arithmetic: 1,
      missing_required: 2, // the member's ethnicity, the household's address and water
      deceased_counted: 1,
      index_mismatch: 1,
    });
    expect(byRule.age_labour).toBeGreaterThanOrEqual(1);
    expect(byRule.age_schooling).toBe(1);
    expect(s.byRule.find((r: any) => r.rule === 'age_schooling').label).toBe('年龄与在校状况');
    expect(s.byTownship.map((x: any) => x.name).sort()).toEqual(['思恩镇', '洛阳镇']);
    expect(s.byVillage.find((x: any) => x.code === B)).toMatchObject({ name: '永安村', issues: 2, households: 1 });
    expect(s.households).toBe(10);
    expect(s.lastRun.households).toBe(11);
  });

  it('lists problems to fix, filtered by rule, and keeps each clerk to their own village', async () => {
    const dup = await ok(w.county.get('/api/registry/quality/issues?rule=duplicate_active'));
    expect(dup.total).toBe(2);
    expect(dup.items.map((i: any) => i.villageName).sort()).toEqual(['城西村', '永安村']);
    expect(dup.items.find((i: any) => i.villageName === '城西村').message).toMatch(/还在 永安村 的另一户中在册/);
    const school = await ok(w.county.get('/api/registry/quality/issues?rule=age_schooling'));
    expect(school.items[0]).toMatchObject({ personName: '老学生', ruleLabel: '年龄与在校状况', severity: 'error' });
    expect(school.items[0].message).toMatch(/在校生状况为“小学”/);
    const b = await ok(w.clerkB.get('/api/registry/quality/issues?pageSize=200'));
    // the duplicate, and the ID index pointing at the other village's row
    expect(b.items.map((i: any) => i.rule).sort()).toEqual(['duplicate_active', 'index_mismatch']);
    expect(b.items.every((i: any) => i.villageName === '永安村')).toBe(true);
    expect((await ok(w.clerkB.get('/api/registry/quality/summary'))).households).toBe(1);
  });

  it('lowers the count when staff fix a record (the rules run on every save)', async () => {
    const before = (await ok(w.county.get('/api/registry/quality/summary?rule=income_arithmetic'))).issues;
    expect(before).toBe(1);
    const h = await ok(w.clerkA.get(`/api/registry/households/${incomeWrong.id}`));
    await ok(w.clerkA.patch(`/api/registry/households/${h.id}`, { version: h.version, incomeWagesFen: 1_000_000 }));
    expect((await ok(w.county.get('/api/registry/quality/summary?rule=income_arithmetic'))).issues).toBe(0);
    expect((await ok(w.clerkA.get(`/api/registry/households/${h.id}`))).qualityIssueCount).toBe(0);
  });

  it('exports the list to Excel, streamed, with the same filters and an audit row', async () => {
    const r = await fetch(`${t.base}/api/registry/quality/issues.xlsx?villageCode=${A}`, { headers: { cookie: w.county.cookie } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/spreadsheetml/);
    expect(decodeURIComponent(r.headers.get('content-disposition')!)).toMatch(/数据质量问题清单/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await r.arrayBuffer()) as never);
    const ws = wb.getWorksheet('问题清单')!;
    expect(ws.getRow(2).values).toEqual([undefined, '乡镇', '村', '户编号', '户主', '成员', '规则', '级别', '问题']);
    const rows = ws.getSheetValues().slice(3).filter(Boolean) as unknown[][];
    const listed = await ok(w.county.get(`/api/registry/quality/issues?villageCode=${A}&pageSize=200`));
    expect(rows).toHaveLength(listed.total);
    expect(rows.every((row) => row[2] === '城西村')).toBe(true);
    const log = await t.db.selectFrom('audit_log').select('summary').where('action', '=', 'export').execute();
    expect(log.length).toBeGreaterThan(0);
  });

  it('runs nightly as a registered job', async () => {
    await enqueueJob(t.db, 'registry-quality');
    expect(await runOneJob(t.db)).toBe(true);
    const job = await t.db.selectFrom('job').selectAll().where('kind', '=', 'registry-quality').executeTakeFirstOrThrow();
    expect(job.status).toBe('done');
    expect((job.result as { households: number }).households).toBe(11);
  });
});
