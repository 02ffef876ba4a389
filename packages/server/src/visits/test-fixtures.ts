/**
 * A small region for the module's API tests, written straight into the test database:
 *
 *   安徽省(34) › 宿州市(3412) › 埇桥区 341202 › 甲镇 341202001 › 一村 341202001001, 二村 341202001002
 *                                             › 乙镇 341202002 › 三村 341202002001
 *                              › 砀山县 341321 › 丙镇 341321001 › 四村 341321001001
 *
 * Users (password PASSWORD): station_a / station_b (乡镇工作站), county (县扶贫办), clerk (一村专干),
 * cadre1, cadre2 (交通局), cadre3 (文广局) with data scope 'self', unit_jt (交通局 unit admin).
 */
import crypto from 'node:crypto';
import { hashPassword } from '../auth/password';
import type { Db } from '../db/db';
import type { Client, TestApp } from '../test/harness';

export const PASSWORD = 'Visit#Test2026';

export type Fixture = Awaited<ReturnType<typeof seedRegion>>;

export async function seedRegion(t: TestApp) {
  const db = t.db;
  const areas: [string, string | null, string, number, string, string | null][] = [
    ['340000', null, '安徽省', 1, '34', null],
    ['341200', '340000', '宿州市', 2, '3412', null],
    ['341202', '341200', '埇桥区', 3, '341202', '341202'],
    ['341202001', '341202', '甲镇', 4, '341202001', '341202'],
    ['341202001001', '341202001', '一村', 5, '341202001001', '341202'],
    ['341202001002', '341202001', '二村', 5, '341202001002', '341202'],
    ['341202002', '341202', '乙镇', 4, '341202002', '341202'],
    ['341202002001', '341202002', '三村', 5, '341202002001', '341202'],
    ['341321', '341200', '砀山县', 3, '341321', '341321'],
    ['341321001', '341321', '丙镇', 4, '341321001', '341321'],
    ['341321001001', '341321001', '四村', 5, '341321001001', '341321'],
  ];
  for (const [code, parent, name, level, prefix, county] of areas) {
    await db
      .insertInto('area')
      .values({ code, parent_code: parent, name, level, prefix, county_code: county })
      .onConflict((oc) => oc.column('code').doNothing())
      .execute();
  }
  const org = async (name: string, kind: string, area: string) =>
    (
      await db
        .insertInto('org')
        .values({ name, kind, area_code: area, county_code: area.slice(0, 6) })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const orgs = {
    stationA: await org('甲镇扶贫工作站', 'station', '341202001'),
    stationB: await org('乙镇扶贫工作站', 'station', '341202002'),
    office: await org('埇桥区扶贫办', 'poverty_office', '341202'),
    jt: await org('区交通运输局', 'unit', '341202'),
    wg: await org('区文广旅局', 'unit', '341202'),
    dsUnit: await org('砀山县水利局', 'unit', '341321'),
  };
  const hash = await hashPassword(PASSWORD);
  const user = async (username: string, name: string, role: string, scope: 'self' | 'area' | 'area_below' | 'all', area: string | null, orgId: number | null) => {
    const u = await db
      .insertInto('app_user')
      .values({
        username,
        name,
        password_hash: hash,
        org_id: orgId,
        area_code: area,
        county_code: area ? area.slice(0, 6) : null,
        data_scope: scope,
        must_change_password: false,
        phone: '13800001111',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const r = await db.selectFrom('role').select('id').where('code', '=', role).executeTakeFirstOrThrow();
    await db.insertInto('user_role').values({ user_id: u.id, role_id: r.id }).execute();
    return u.id;
  };
  const users = {
    stationA: await user('station_a', '甲镇站长', 'station', 'area_below', '341202001', orgs.stationA),
    stationB: await user('station_b', '乙镇站长', 'station', 'area_below', '341202002', orgs.stationB),
    county: await user('county', '区扶贫办', 'county_office', 'area_below', '341202', orgs.office),
    clerk: await user('clerk', '一村专干', 'village_clerk', 'area', '341202001001', orgs.stationA),
    cadre1: await user('cadre1', '张帮扶', 'cadre', 'self', '341202', orgs.jt),
    cadre2: await user('cadre2', '李帮扶', 'cadre', 'self', '341202', orgs.jt),
    cadre3: await user('cadre3', '王帮扶', 'cadre', 'self', '341202', orgs.wg),
    unitJt: await user('unit_jt', '交通局扶贫办', 'unit_admin', 'self', '341202', orgs.jt),
  };
  let serial = 0;
  const household = async (village: string, head: string, status = 'identified') => {
    serial++;
    return (
      await db
        .insertInto('household')
        .values({
          county_code: village.slice(0, 6),
          household_no: `${village}${String(serial).padStart(4, '0')}`,
          area_code: village,
          township_code: village.slice(0, 9),
          village_code: village,
          head_name: head,
          phone: '13912345678',
          address: `${head}家`,
          status,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  };
  const households = {
    h1: await household('341202001001', '赵一'),
    h2: await household('341202001001', '钱二'),
    h3: await household('341202001002', '孙三'),
    h4: await household('341202002001', '李四'),
    h5: await household('341321001001', '周五'),
  };
  return { orgs, users, households };
}

export async function login(t: TestApp, username: string): Promise<Client> {
  const c = t.client();
  await c.login(username, PASSWORD);
  return c;
}

/** Direct pairing rows for tests that are not about the pairing commands themselves. */
export async function quickCadre(db: Db, v: { county: string; userId?: number | null; name: string; unitOrgId: number; status?: 'active' | 'retired' | 'transferred'; statusSince?: string }) {
  return (
    await db
      .insertInto('cadre')
      .values({
        county_code: v.county,
        user_id: v.userId ?? null,
        name: v.name,
        unit_org_id: v.unitOrgId,
        status: v.status ?? 'active',
        status_since: v.statusSince ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
}

export async function quickPairing(db: Db, v: { county: string; householdId: number; cadreId: number; start: string; end?: string | null }) {
  return (
    await db
      .insertInto('pairing')
      .values({
        county_code: v.county,
        household_id: v.householdId,
        cadre_id: v.cadreId,
        start_date: v.start,
        end_date: v.end ?? null,
        start_reason: '测试',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
}

export async function quickVisit(db: Db, v: { county: string; householdId: number; cadreId: number; date: string; kind?: 'home' | 'phone' | 'other'; problems?: string }) {
  const hh = await db.selectFrom('household').select('area_code').where('id', '=', v.householdId).executeTakeFirstOrThrow();
  return (
    await db
      .insertInto('visit')
      .values({
        county_code: v.county,
        client_id: crypto.randomUUID(),
        household_id: v.householdId,
        cadre_id: v.cadreId,
        area_code: hh.area_code,
        visit_date: v.date,
        kind: v.kind ?? 'home',
        problems: v.problems ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
}

export async function quickHousehold(db: Db, village: string, head: string, no: string, status = 'identified') {
  return (
    await db
      .insertInto('household')
      .values({ county_code: village.slice(0, 6), household_no: `${village}${no}`, area_code: village, township_code: village.slice(0, 9), village_code: village, head_name: head, status })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
}
