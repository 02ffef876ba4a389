import { sql, type SqlBool } from 'kysely';
import type { DbOrTx } from '../../db/db';
import { pinyin } from '../../db/sql-helpers';
import { areaVisible, type Cond, type VisitAccess } from '../access';

type Page = { page: number; pageSize: number };

/** Teams the caller may see: by village area; a member sees their own team; a unit the teams it sent or staffs. */
function teamVisible(access: VisitAccess, alias = 't') {
  const extra: Cond[] = [];
  const memberWhere = (cond: ReturnType<typeof sql>) =>
    sql<SqlBool>`EXISTS (SELECT 1 FROM resident_member m JOIN cadre c ON c.county_code = m.county_code AND c.id = m.cadre_id
      WHERE m.county_code = ${sql.ref(`${alias}.county_code`)} AND m.team_id = ${sql.ref(`${alias}.id`)} AND ${cond})`;
  if (access.scope.kind === 'self') extra.push(() => memberWhere(sql`c.user_id = ${access.userId}`));
  if (access.unitOrgId) {
    extra.push(() => sql<SqlBool>`${sql.ref(`${alias}.sent_by_org_id`)} = ${access.unitOrgId}`);
    extra.push(() => memberWhere(sql`c.unit_org_id = ${access.unitOrgId}`));
  }
  return areaVisible(access, `${alias}.village_code`, `${alias}.county_code`, extra);
}

function teamBase(db: DbOrTx, access: VisitAccess) {
  return db
    .selectFrom('resident_team as t')
    .innerJoin('area as v', 'v.code', 't.village_code')
    .leftJoin('area as tw', 'tw.code', 'v.parent_code')
    .leftJoin('org as s', 's.id', 't.sent_by_org_id')
    .where((eb) => teamVisible(access, 't')(eb));
}

const teamCols = [
  't.county_code',
  't.id',
  't.village_code',
  'v.name as village_name',
  'tw.name as township_name',
  't.name',
  't.sent_by_org_id',
  's.name as sent_by_name',
  't.start_date',
  't.end_date',
  't.end_reason',
  't.note',
  't.version',
] as const;

export const teamRepo = {
  async list(db: DbOrTx, access: VisitAccess, f: { areaPrefix?: string; current: boolean } & Page) {
    let q = teamBase(db, access);
    if (f.areaPrefix) q = q.where('t.village_code', 'like', `${f.areaPrefix}%`);
    if (f.current) q = q.where('t.end_date', 'is', null);
    const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const items = await q
      .select([...teamCols])
      .orderBy('t.village_code')
      .orderBy('t.start_date', 'desc')
      .limit(f.pageSize)
      .offset((f.page - 1) * f.pageSize)
      .execute();
    return { items, total: Number(total.n) };
  },
  find(db: DbOrTx, access: VisitAccess, id: number) {
    return teamBase(db, access).select([...teamCols]).where('t.id', '=', id).executeTakeFirst();
  },
  members(db: DbOrTx, teams: { county_code: string; id: number }[]) {
    if (!teams.length) return Promise.resolve([]);
    return db
      .selectFrom('resident_member as m')
      .innerJoin('cadre as c', (j) => j.onRef('c.county_code', '=', 'm.county_code').onRef('c.id', '=', 'm.cadre_id'))
      .innerJoin('org as u', 'u.id', 'c.unit_org_id')
      .select(['m.county_code', 'm.id', 'm.team_id', 'm.cadre_id', 'c.name as cadre_name', 'u.name as unit_name', 'm.role', 'm.start_date', 'm.end_date', 'm.end_reason'])
      .where('m.county_code', 'in', [...new Set(teams.map((t) => t.county_code))])
      .where(
        'm.team_id',
        'in',
        teams.map((t) => t.id),
      )
      .orderBy(sql`CASE m.role WHEN 'first_secretary' THEN 0 WHEN 'leader' THEN 1 ELSE 2 END`)
      .orderBy('m.start_date')
      .execute();
  },
  currentOfVillage(db: DbOrTx, county: string, village: string) {
    return db.selectFrom('resident_team').select(['id', 'name']).where('county_code', '=', county).where('village_code', '=', village).where('end_date', 'is', null).executeTakeFirst();
  },
  insert(db: DbOrTx, v: { county_code: string; village_code: string; name: string; sent_by_org_id: number | null; start_date: string; note: string | null }) {
    return db.insertInto('resident_team').values(v).returning(['county_code', 'id']).executeTakeFirstOrThrow();
  },
  update(db: DbOrTx, county: string, id: number, version: number, v: { name?: string; sent_by_org_id?: number | null; note?: string | null }) {
    return db
      .updateTable('resident_team')
      .set({ ...v, version: sql`version + 1`, updated_at: sql`now()` })
      .where('county_code', '=', county)
      .where('id', '=', id)
      .where('version', '=', version)
      .executeTakeFirst();
  },
  end(db: DbOrTx, county: string, id: number, endDate: string, reason: string) {
    return db
      .updateTable('resident_team')
      .set({ end_date: endDate, end_reason: reason, version: sql`version + 1`, updated_at: sql`now()` })
      .where('county_code', '=', county)
      .where('id', '=', id)
      .where('end_date', 'is', null)
      .executeTakeFirst();
  },
  endMembers(db: DbOrTx, county: string, teamId: number, endDate: string, reason: string) {
    return db
      .updateTable('resident_member')
      .set({ end_date: sql`GREATEST(${endDate}::date, start_date - 1)`, end_reason: reason, updated_at: sql`now()` })
      .where('county_code', '=', county)
      .where('team_id', '=', teamId)
      .where('end_date', 'is', null)
      .executeTakeFirst();
  },
};

// ------------------------------------------------------------------------------------------
// members

function memberBase(db: DbOrTx, access: VisitAccess) {
  return db
    .selectFrom('resident_member as m')
    .innerJoin('resident_team as t', (j) => j.onRef('t.county_code', '=', 'm.county_code').onRef('t.id', '=', 'm.team_id'))
    .innerJoin('area as v', 'v.code', 't.village_code')
    .innerJoin('cadre as c', (j) => j.onRef('c.county_code', '=', 'm.county_code').onRef('c.id', '=', 'm.cadre_id'))
    .where((eb) => teamVisible(access, 't')(eb));
}

const memberCols = [
  'm.county_code',
  'm.id',
  'm.team_id',
  't.name as team_name',
  't.village_code',
  'v.name as village_name',
  'm.cadre_id',
  'c.name as cadre_name',
  'c.user_id as cadre_user_id',
  'm.role',
  'm.start_date',
  'm.end_date',
] as const;

export const memberRepo = {
  find(db: DbOrTx, access: VisitAccess, id: number) {
    return memberBase(db, access).select([...memberCols]).where('m.id', '=', id).executeTakeFirst();
  },
  /** Members whose term overlaps [from, to], in the caller's view. */
  overlapping(db: DbOrTx, access: VisitAccess, f: { from: string; to: string; areaPrefix?: string; teamId?: number }) {
    let q = memberBase(db, access)
      .select([...memberCols])
      .where('m.start_date', '<=', f.to)
      .where((eb) => eb.or([eb('m.end_date', 'is', null), eb('m.end_date', '>=', f.from)]))
      .where(sql<boolean>`(m.end_date IS NULL OR m.end_date >= m.start_date)`);
    if (f.areaPrefix) q = q.where('t.village_code', 'like', `${f.areaPrefix}%`);
    if (f.teamId) q = q.where('m.team_id', '=', f.teamId);
    return q.orderBy('t.village_code').orderBy(pinyin('c.name')).execute();
  },
  currentOfCadre(db: DbOrTx, county: string, cadreId: number) {
    return db
      .selectFrom('resident_member as m')
      .innerJoin('resident_team as t', (j) => j.onRef('t.county_code', '=', 'm.county_code').onRef('t.id', '=', 'm.team_id'))
      .select(['m.id', 'm.team_id', 't.name as team_name'])
      .where('m.county_code', '=', county)
      .where('m.cadre_id', '=', cadreId)
      .where('m.end_date', 'is', null)
      .execute();
  },
  roleHolder(db: DbOrTx, county: string, teamId: number, role: 'first_secretary' | 'leader') {
    return db
      .selectFrom('resident_member as m')
      .innerJoin('cadre as c', (j) => j.onRef('c.county_code', '=', 'm.county_code').onRef('c.id', '=', 'm.cadre_id'))
      .select(['m.id', 'c.name'])
      .where('m.county_code', '=', county)
      .where('m.team_id', '=', teamId)
      .where('m.role', '=', role)
      .where('m.end_date', 'is', null)
      .executeTakeFirst();
  },
  insert(db: DbOrTx, v: { county_code: string; team_id: number; cadre_id: number; role: 'first_secretary' | 'leader' | 'member'; start_date: string }) {
    return db.insertInto('resident_member').values(v).returning(['id']).executeTakeFirstOrThrow();
  },
  end(db: DbOrTx, county: string, id: number, endDate: string, reason: string) {
    return db
      .updateTable('resident_member')
      .set({ end_date: endDate, end_reason: reason, updated_at: sql`now()` })
      .where('county_code', '=', county)
      .where('id', '=', id)
      .where('end_date', 'is', null)
      .executeTakeFirst();
  },
};
export type MemberRow = NonNullable<Awaited<ReturnType<typeof memberRepo.find>>>;

// ------------------------------------------------------------------------------------------
// attendance and reports

export const attendanceRepo = {
  days(db: DbOrTx, members: { county_code: string; id: number }[], from: string, to: string) {
    if (!members.length) return Promise.resolve([]);
    return db
      .selectFrom('resident_attendance')
      .select(['county_code', 'member_id', 'date', 'status', 'note'])
      .where('county_code', 'in', [...new Set(members.map((m) => m.county_code))])
      .where(
        'member_id',
        'in',
        members.map((m) => m.id),
      )
      .where('date', '>=', from)
      .where('date', '<=', to)
      .orderBy('date')
      .execute();
  },
  async replaceMonth(
    db: DbOrTx,
    county: string,
    memberId: number,
    from: string,
    to: string,
    days: { date: string; status: 'in_village' | 'official' | 'leave' | 'absent'; note: string | null }[],
    by: number,
  ) {
    await db.deleteFrom('resident_attendance').where('county_code', '=', county).where('member_id', '=', memberId).where('date', '>=', from).where('date', '<=', to).execute();
    if (days.length) {
      await db
        .insertInto('resident_attendance')
        .values(days.map((d) => ({ county_code: county, member_id: memberId, date: d.date, status: d.status, note: d.note, recorded_by: by })))
        .execute();
    }
  },
};

export const reportRepo = {
  ofPeriod(db: DbOrTx, members: { county_code: string; id: number }[], year: number, quarter: number) {
    if (!members.length) return Promise.resolve([]);
    return db
      .selectFrom('resident_report')
      .select(['county_code', 'id', 'member_id', 'submitted_on', 'content', 'review_status', 'review_note', 'version', 'due_date'])
      .where('county_code', 'in', [...new Set(members.map((m) => m.county_code))])
      .where(
        'member_id',
        'in',
        members.map((m) => m.id),
      )
      .where('year', '=', year)
      .where('quarter', '=', quarter)
      .execute();
  },
  find(db: DbOrTx, access: VisitAccess, id: number) {
    return db
      .selectFrom('resident_report as r')
      .innerJoin('resident_member as m', (j) => j.onRef('m.county_code', '=', 'r.county_code').onRef('m.id', '=', 'r.member_id'))
      .innerJoin('resident_team as t', (j) => j.onRef('t.county_code', '=', 'm.county_code').onRef('t.id', '=', 'm.team_id'))
      .innerJoin('cadre as c', (j) => j.onRef('c.county_code', '=', 'm.county_code').onRef('c.id', '=', 'm.cadre_id'))
      .select(['r.county_code', 'r.id', 'r.member_id', 'r.year', 'r.quarter', 'r.review_status', 'r.version', 't.village_code', 'c.name as cadre_name'])
      .where('r.id', '=', id)
      .where((eb) => teamVisible(access, 't')(eb))
      .executeTakeFirst();
  },
  byMemberPeriod(db: DbOrTx, county: string, memberId: number, year: number, quarter: number) {
    return db
      .selectFrom('resident_report')
      .select(['id', 'review_status', 'version'])
      .where('county_code', '=', county)
      .where('member_id', '=', memberId)
      .where('year', '=', year)
      .where('quarter', '=', quarter)
      .executeTakeFirst();
  },
  insert(db: DbOrTx, v: { county_code: string; member_id: number; year: number; quarter: number; due_date: string; content: string; submitted_on: string; submitted_by: number }) {
    return db.insertInto('resident_report').values(v).returning(['id']).executeTakeFirstOrThrow();
  },
  resubmit(db: DbOrTx, county: string, id: number, v: { content: string; submitted_on: string; submitted_by: number }) {
    return db
      .updateTable('resident_report')
      .set({ ...v, review_status: 'pending', review_note: null, reviewed_by: null, reviewed_at: null, version: sql`version + 1`, updated_at: sql`now()` })
      .where('county_code', '=', county)
      .where('id', '=', id)
      .where('review_status', '=', 'returned')
      .executeTakeFirst();
  },
  review(db: DbOrTx, county: string, id: number, version: number, v: { review_status: 'accepted' | 'returned'; review_note: string | null; reviewed_by: number }) {
    return db
      .updateTable('resident_report')
      .set({ ...v, reviewed_at: sql`now()`, version: sql`version + 1`, updated_at: sql`now()` })
      .where('county_code', '=', county)
      .where('id', '=', id)
      .where('version', '=', version)
      .where('review_status', '=', 'pending')
      .executeTakeFirst();
  },
};
