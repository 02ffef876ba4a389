import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { DbOrTx, Tx } from '../../db/db';
import type { LoanApplicationEventTable, LoanApplicationTable, LoanStage } from '../../db/schema';
import { containsPattern, scoped } from '../../db/sql-helpers';
import type { Scope } from '../../scope/scope';

export type AppRow = Selectable<LoanApplicationTable> & {
  area_name: string | null;
  township_name: string | null;
  industry_label: string | null;
  loan_status: string | null;
  loan_first_unpaid_grace_on: string | null;
  quota_decided: boolean;
};

function base(db: DbOrTx, scope: Scope) {
  return db
    .selectFrom('loan_application as la')
    .leftJoin('area as a', 'a.code', 'la.area_code')
    .leftJoin('area as tw', 'tw.code', 'la.township_code')
    .leftJoin('dict_item as di', (j) => j.on('di.type_code', '=', 'loan_industry').onRef('di.code', '=', 'la.industry'))
    .leftJoin('loan as l', (j) => j.onRef('l.county_code', '=', 'la.county_code').onRef('l.id', '=', 'la.loan_id'))
    .selectAll('la')
    .select([
      'a.name as area_name',
      'tw.name as township_name',
      'di.label as industry_label',
      'l.status as loan_status',
      'l.first_unpaid_grace_on as loan_first_unpaid_grace_on',
      sql<boolean>`la.quota_decision_id IS NOT NULL`.as('quota_decided'),
    ])
    .where(scoped(scope, { area: 'la.area_code', county: 'la.county_code' }));
}

export type ListFilter = {
  page: number;
  pageSize: number;
  order: 'asc' | 'desc';
  status?: LoanApplicationTable['status'];
  stage?: LoanStage;
  stages?: LoanStage[];
  kind?: 'household' | 'enterprise';
  year?: number;
  areaCode?: string;
  householdId?: number;
  keyword?: string;
  overdueBefore?: string;
  /** the station's queue: preference households first (第十七条一4–5) */
  preferenceFirst?: boolean;
};

export const appRepo = {
  async list(db: DbOrTx, scope: Scope, f: ListFilter) {
    let q = base(db, scope);
    if (f.status) q = q.where('la.status', '=', f.status);
    if (f.stage) q = q.where('la.stage', '=', f.stage);
    if (f.stages) q = f.stages.length ? q.where('la.stage', 'in', f.stages) : q.where(sql<boolean>`false`);
    if (f.kind) q = q.where('la.kind', '=', f.kind);
    if (f.year) q = q.where('la.year', '=', f.year);
    if (f.areaCode) q = q.where('la.area_code', 'like', `${f.areaCode}%`);
    if (f.householdId) q = q.where('la.household_id', '=', f.householdId);
    if (f.keyword) {
      const k = containsPattern(f.keyword);
      q = q.where((eb) => eb.or([eb('la.borrower_name', 'ilike', k), eb('la.app_no', 'ilike', k), eb('la.project_name', 'ilike', k)]));
    }
    if (f.overdueBefore) q = q.where('la.status', '=', 'submitted').where('la.stage_due_on', '<', f.overdueBefore);
    const total = await q.clearSelect().select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    let o = q;
    if (f.preferenceFirst) o = o.orderBy('la.preferential', 'desc');
    if (f.stages || f.stage) o = o.orderBy('la.stage_due_on', 'asc');
    const items = await o
      .orderBy('la.id', f.order)
      .limit(f.pageSize)
      .offset((f.page - 1) * f.pageSize)
      .execute();
    return { items: items as AppRow[], total: total.n };
  },

  /** Counts per stage for the queue tabs: open items and overdue ones. */
  stageCounts(db: DbOrTx, scope: Scope, stages: LoanStage[], today: string) {
    if (!stages.length) return Promise.resolve([]);
    return db
      .selectFrom('loan_application as la')
      .select(['la.stage', sql<number>`count(*)::int`.as('count'), sql<number>`count(*) FILTER (WHERE la.stage_due_on < ${today})::int`.as('overdue')])
      .where('la.status', '=', 'submitted')
      .where('la.stage', 'in', stages)
      .where(scoped(scope, { area: 'la.area_code', county: 'la.county_code' }))
      .groupBy('la.stage')
      .execute();
  },

  get(db: DbOrTx, scope: Scope, id: number) {
    return base(db, scope).where('la.id', '=', id).executeTakeFirst() as Promise<AppRow | undefined>;
  },

  events(db: DbOrTx, countyCode: string, applicationId: number) {
    return db
      .selectFrom('loan_application_event')
      .selectAll()
      .where('county_code', '=', countyCode)
      .where('application_id', '=', applicationId)
      .orderBy('id')
      .execute();
  },

  insert(tx: Tx, row: Insertable<LoanApplicationTable>) {
    return tx.insertInto('loan_application').values(row).returning(['id', 'county_code']).executeTakeFirstOrThrow();
  },

  /** The optimistic write: succeeds only if nobody changed the application since `version`. */
  update(tx: Tx, countyCode: string, id: number, version: number, set: Updateable<LoanApplicationTable>) {
    return tx
      .updateTable('loan_application')
      .set({ ...set, version: sql`version + 1`, updated_at: sql`now()` })
      .where('county_code', '=', countyCode)
      .where('id', '=', id)
      .where('version', '=', version)
      .returning(['id', 'version'])
      .executeTakeFirst();
  },

  event(tx: Tx, row: Insertable<LoanApplicationEventTable>) {
    return tx.insertInto('loan_application_event').values(row).execute();
  },

  // ── facts for the eligibility rules ──
  household(db: DbOrTx, scope: Scope, id: number) {
    return db
      .selectFrom('household as h')
      .leftJoin('area as tw', 'tw.code', 'h.township_code')
      .select([
        'h.id',
        'h.county_code',
        'h.area_code',
        'h.township_code',
        'h.head_name',
        'h.head_person_id',
        'h.category',
        'h.status',
        'h.pref_family_planning',
        'h.pref_veteran',
        'tw.loan_precondition_met',
      ])
      .where('h.id', '=', id)
      .where(scoped(scope, { area: 'h.area_code', county: 'h.county_code' }))
      .executeTakeFirst();
  },

  members(db: DbOrTx, countyCode: string, householdId: number) {
    return db
      .selectFrom('person')
      .select(['id', 'name', 'civil_capacity', 'labour', 'status', 'birth_date'])
      .where('county_code', '=', countyCode)
      .where('household_id', '=', householdId)
      .orderBy('id')
      .execute();
  },

  unpaidLoans(db: DbOrTx, countyCode: string, by: { householdId?: number; creditCode?: string }) {
    let q = db
      .selectFrom('loan as l')
      .select(['l.loan_no', 'l.status'])
      .where('l.county_code', '=', countyCode)
      .where('l.status', 'in', ['active', 'written_off']);
    if (by.householdId) q = q.where('l.household_id', '=', by.householdId);
    else q = q.innerJoin('loan_application as la', (j) => j.onRef('la.county_code', '=', 'l.county_code').onRef('la.id', '=', 'l.application_id')).where('la.enterprise_credit_code', '=', by.creditCode!);
    return q.execute();
  },

  openApplications(db: DbOrTx, countyCode: string, by: { householdId?: number; creditCode?: string }, exceptId?: number) {
    let q = db
      .selectFrom('loan_application')
      .select(['app_no'])
      .where('county_code', '=', countyCode)
      .where((eb) => eb.or([eb('status', 'in', ['submitted', 'returned']), eb.and([eb('status', '=', 'approved'), eb('loan_id', 'is', null)])]));
    q = by.householdId ? q.where('household_id', '=', by.householdId) : q.where('enterprise_credit_code', '=', by.creditCode!);
    if (exceptId) q = q.where('id', '<>', exceptId);
    return q.execute();
  },

  area(db: DbOrTx, code: string) {
    return db.selectFrom('area').select(['code', 'name', 'level', 'county_code', 'loan_precondition_met']).where('code', '=', code).executeTakeFirst();
  },

  industryLabel(db: DbOrTx, code: string) {
    return db.selectFrom('dict_item').select('label').where('type_code', '=', 'loan_industry').where('code', '=', code).executeTakeFirst();
  },

  quotaDecision(db: DbOrTx, countyCode: string, id: number) {
    return db.selectFrom('loan_quota_decision').selectAll().where('county_code', '=', countyCode).where('id', '=', id).executeTakeFirst();
  },

  insertQuotaDecision(tx: Tx, row: Insertable<import('../../db/schema').LoanQuotaDecisionTable>) {
    return tx.insertInto('loan_quota_decision').values(row).returning('id').executeTakeFirstOrThrow();
  },

  /** Applications whose stage deadline is near or past, for the nightly reminders. */
  dueSoon(db: DbOrTx, before: string) {
    return db
      .selectFrom('loan_application')
      .select(['county_code', 'id', 'app_no', 'area_code', 'stage', 'stage_due_on', 'scheme_id'])
      .where('status', '=', 'submitted')
      .where('stage_due_on', '<=', before)
      .execute();
  },
};
