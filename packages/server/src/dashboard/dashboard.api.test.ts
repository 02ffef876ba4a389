import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../test/harness';
import { REGION, createUser, seedRegion } from '../test/system-fixtures';

let t: TestApp;
let admin: Client;
beforeAll(async () => {
  t = await startTestApp();
  admin = await t.admin();
  await seedRegion(admin);
  // Households straight into the registry's table: this test is about counting, not registering.
  const rows = [
    { village: REGION.villageA, town: REGION.townA, status: 'identified', members: 3 },
    { village: REGION.villageA, town: REGION.townA, status: 'exited', members: 2 },
    { village: REGION.villageB, town: REGION.townB, status: 'identified', members: 4 },
  ];
  let n = 0;
  for (const r of rows) {
    n++;
    const h = await t.db
      .insertInto('household')
      .values({ county_code: REGION.county, household_no: `${r.village}${String(n).padStart(4, '0')}`, area_code: r.village, township_code: r.town, village_code: r.village, status: r.status })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (let m = 0; m < r.members; m++) {
      await t.db
        .insertInto('person')
        .values({ county_code: REGION.county, household_id: h.id, area_code: r.village, name: `成员${n}-${m}`, sex: 'M', id_number: `X${n}${m}`, birth_date: '1980-01-01', relation: m ? 'son' : 'head' })
        .execute();
    }
  }
});
afterAll(async () => {
  await t.close();
});

describe('dashboard summary', () => {
  it('counts areas, households by status, persons, orgs and users of the whole jurisdiction for admin', async () => {
    const r = await admin.get('/api/dashboard/summary');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      dataScope: 'all',
      dataScopeLabel: '全部数据',
      roots: [{ code: REGION.province, name: '广西壮族自治区', levelLabel: '省' }],
      areas: { townships: 2, villages: 2, groups: 1 },
      households: {
        total: 3,
        byStatus: [
          { status: 'identified', label: '贫困户', count: 2 },
          { status: 'exited', label: '已脱贫', count: 1 },
        ],
      },
      persons: 9,
      orgs: 2,
      users: { total: 1, active: 1 },
    });
  });

  it('counts only the township of a station user', async () => {
    const { client } = await createUser(t, admin, { username: 'st_a', name: '站员', areaCode: REGION.townA, dataScope: 'area_below', roleCodes: ['station'] });
    const r = await client.get('/api/dashboard/summary');
    expect(r.body).toMatchObject({
      dataScopeLabel: '本区划及以下',
      roots: [{ code: REGION.townA, name: '思恩镇', levelLabel: '乡镇' }],
      areas: { townships: 1, villages: 1, groups: 1 },
      households: { total: 2, byStatus: [{ status: 'identified', count: 1 }, { status: 'exited', count: 1 }] },
      persons: 5,
      orgs: 1,
      users: { total: 1, active: 1 },
    });
  });

  it('describes every system-management endpoint in the OpenAPI document', async () => {
    const doc = (await t.client().get('/api/openapi.json')).body;
    for (const p of ['/api/areas', '/api/areas/{code}', '/api/orgs', '/api/users/{id}/reset-password', '/api/roles', '/api/permissions', '/api/dicts/{type}/items/{code}', '/api/calendar/overrides/{date}', '/api/params/{key}', '/api/audit-log', '/api/audit-log/verify', '/api/dashboard/summary']) {
      expect(doc.paths, p).toHaveProperty([p]);
    }
  });
});
