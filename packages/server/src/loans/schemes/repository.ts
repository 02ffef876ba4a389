import { sql, type Selectable } from 'kysely';
import type { DbOrTx, Tx } from '../../db/db';
import type { LoanSchemeTable } from '../../db/schema';
import type { Scope } from '../../scope/scope';
import { countyFilter } from '../common';
import type { SchemeParams } from '../rules';

export type SchemeRow = Selectable<LoanSchemeTable>;

export function paramsOf(r: SchemeRow): SchemeParams {
  return {
    subsidyRateBp: r.subsidy_rate_bp,
    dayCountBasis: r.day_count_basis,
    householdCapFen: r.household_cap_fen,
    maxTermMonths: r.max_term_months,
    eligibleIndustries: r.eligible_industries,
    productionOnlySubsidy: r.production_only_subsidy,
    noLabourCategories: r.no_labour_categories,
    villageReviewDays: r.village_review_days,
    stationReviewDays: r.station_review_days,
    coopReviewDays: r.coop_review_days,
    countyReviewDays: r.county_review_days,
    reportDay: r.report_day,
    rewardThresholdBp: r.reward_threshold_bp,
    cutThresholdBp: r.cut_threshold_bp,
    quotaAdjustBp: r.quota_adjust_bp,
    lateRule: r.late_rule,
    remindDays: r.remind_days,
  };
}

export function columnsOf(p: SchemeParams) {
  return {
    subsidy_rate_bp: p.subsidyRateBp,
    day_count_basis: p.dayCountBasis,
    household_cap_fen: p.householdCapFen,
    max_term_months: p.maxTermMonths,
    eligible_industries: p.eligibleIndustries,
    production_only_subsidy: p.productionOnlySubsidy,
    no_labour_categories: p.noLabourCategories,
    village_review_days: p.villageReviewDays,
    station_review_days: p.stationReviewDays,
    coop_review_days: p.coopReviewDays,
    county_review_days: p.countyReviewDays,
    report_day: p.reportDay,
    reward_threshold_bp: p.rewardThresholdBp,
    cut_threshold_bp: p.cutThresholdBp,
    quota_adjust_bp: p.quotaAdjustBp,
    late_rule: p.lateRule,
    remind_days: p.remindDays,
  };
}

export const schemeRepo = {
  list(db: DbOrTx, scope: Scope, f: { countyCode?: string; year?: number; includeSuperseded: boolean }) {
    let q = db.selectFrom('loan_scheme').selectAll().where(countyFilter(scope, 'loan_scheme.county_code'));
    if (f.countyCode) q = q.where('county_code', '=', f.countyCode);
    if (f.year) q = q.where('year', '=', f.year);
    if (!f.includeSuperseded) q = q.where('status', '=', 'active');
    return q.orderBy('county_code').orderBy('year', 'desc').orderBy('version', 'desc').execute();
  },

  get(db: DbOrTx, scope: Scope, id: number) {
    return db.selectFrom('loan_scheme').selectAll().where('id', '=', id).where(countyFilter(scope, 'loan_scheme.county_code')).executeTakeFirst();
  },

  /** By key, without scope: for services that already checked the record that points here. */
  byId(db: DbOrTx, countyCode: string, id: number) {
    return db.selectFrom('loan_scheme').selectAll().where('county_code', '=', countyCode).where('id', '=', id).executeTakeFirstOrThrow();
  },

  active(db: DbOrTx, countyCode: string, year: number) {
    return db
      .selectFrom('loan_scheme')
      .selectAll()
      .where('county_code', '=', countyCode)
      .where('year', '=', year)
      .where('status', '=', 'active')
      .executeTakeFirst();
  },

  lockForRevision(tx: Tx, countyCode: string, id: number) {
    return tx.selectFrom('loan_scheme').selectAll().where('county_code', '=', countyCode).where('id', '=', id).forUpdate().executeTakeFirst();
  },

  insert(tx: Tx, row: Omit<SchemeRow, 'id' | 'created_at' | 'superseded_at' | 'status'>) {
    return tx.insertInto('loan_scheme').values(row).returningAll().executeTakeFirstOrThrow();
  },

  supersede(tx: Tx, countyCode: string, id: number) {
    return tx
      .updateTable('loan_scheme')
      .set({ status: 'superseded', superseded_at: sql`now()` })
      .where('county_code', '=', countyCode)
      .where('id', '=', id)
      .execute();
  },

  knownCodes(db: DbOrTx, type: string) {
    return db
      .selectFrom('dict_item')
      .select(['code', 'label'])
      .where('type_code', '=', type)
      .execute();
  },
};

export const quotaRepo = {
  /** Every township of the county with its quota (if any) and live usage. */
  async listWithUsage(db: DbOrTx, countyCode: string, year: number) {
    return db
      .selectFrom('area as a')
      .leftJoin('loan_quota as q', (j) => j.onRef('q.township_code', '=', 'a.code').on('q.county_code', '=', countyCode).on('q.year', '=', year))
      .select([
        'a.code as township_code',
        'a.name as township_name',
        'a.loan_precondition_met',
        'q.id',
        'q.amount_fen',
        'q.loan_count',
        'q.document_no',
        'q.note',
        'q.version',
      ])
      .select((eb) => [
        eb
          .selectFrom('loan_application as la')
          .select(sql<number>`coalesce(sum(la.amount_fen), 0)::bigint`.as('s'))
          .where('la.county_code', '=', countyCode)
          .where('la.year', '=', year)
          .whereRef('la.township_code', '=', 'a.code')
          .where('la.status', '=', 'approved')
          .as('used_fen'),
        eb
          .selectFrom('loan_application as la')
          .select(sql<number>`count(*)::int`.as('c'))
          .where('la.county_code', '=', countyCode)
          .where('la.year', '=', year)
          .whereRef('la.township_code', '=', 'a.code')
          .where('la.status', '=', 'approved')
          .as('used_count'),
        eb
          .selectFrom('loan_application as la')
          .select(sql<number>`coalesce(sum(la.amount_fen), 0)::bigint`.as('s'))
          .where('la.county_code', '=', countyCode)
          .where('la.year', '=', year)
          .whereRef('la.township_code', '=', 'a.code')
          .where('la.status', 'in', ['submitted', 'returned'])
          .as('pending_fen'),
        eb
          .selectFrom('loan_application as la')
          .select(sql<number>`count(*)::int`.as('c'))
          .where('la.county_code', '=', countyCode)
          .where('la.year', '=', year)
          .whereRef('la.township_code', '=', 'a.code')
          .where('la.status', 'in', ['submitted', 'returned'])
          .as('pending_count'),
      ])
      .where('a.county_code', '=', countyCode)
      .where('a.level', '=', 4)
      .orderBy('a.sort')
      .orderBy('a.code')
      .execute();
  },

  find(db: DbOrTx, countyCode: string, year: number, townshipCode: string) {
    return db
      .selectFrom('loan_quota')
      .selectAll()
      .where('county_code', '=', countyCode)
      .where('year', '=', year)
      .where('township_code', '=', townshipCode)
      .executeTakeFirst();
  },

  /** Locks the quota row so that two approvals in one township cannot both take the last of it. */
  lock(tx: Tx, countyCode: string, year: number, townshipCode: string) {
    return tx
      .selectFrom('loan_quota')
      .selectAll()
      .where('county_code', '=', countyCode)
      .where('year', '=', year)
      .where('township_code', '=', townshipCode)
      .forUpdate()
      .executeTakeFirst();
  },

  async used(db: DbOrTx, countyCode: string, year: number, townshipCode: string, excludeApplicationId?: number) {
    let q = db
      .selectFrom('loan_application')
      .select([sql<number>`coalesce(sum(amount_fen), 0)::bigint`.as('amount_fen'), sql<number>`count(*)::int`.as('count')])
      .where('county_code', '=', countyCode)
      .where('year', '=', year)
      .where('township_code', '=', townshipCode)
      .where('status', '=', 'approved');
    if (excludeApplicationId) q = q.where('id', '<>', excludeApplicationId);
    const r = await q.executeTakeFirstOrThrow();
    return { amountFen: Number(r.amount_fen), count: Number(r.count) };
  },

  township(db: DbOrTx, code: string) {
    return db.selectFrom('area').select(['code', 'name', 'level', 'county_code', 'loan_precondition_met']).where('code', '=', code).executeTakeFirst();
  },

  insert(tx: Tx, row: { county_code: string; year: number; township_code: string; amount_fen: number; loan_count: number; document_no: string | null; note: string | null }) {
    return tx.insertInto('loan_quota').values(row).returningAll().executeTakeFirstOrThrow();
  },

  update(tx: Tx, countyCode: string, id: number, version: number | undefined, set: { amount_fen: number; loan_count: number; document_no: string | null; note: string | null }) {
    let q = tx
      .updateTable('loan_quota')
      .set({ ...set, version: sql`version + 1`, updated_at: sql`now()` })
      .where('county_code', '=', countyCode)
      .where('id', '=', id);
    if (version !== undefined) q = q.where('version', '=', version);
    return q.returningAll().executeTakeFirst();
  },
};
