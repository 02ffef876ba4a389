import { sql, type Selectable } from 'kysely';
import type { DbOrTx, Tx } from '../../db/db';
import type { LoanCertificateTable } from '../../db/schema';
import { containsPattern, scoped } from '../../db/sql-helpers';
import type { Scope } from '../../scope/scope';

export type CertRow = Selectable<LoanCertificateTable> & { head_name: string | null; area_name: string | null };

function base(db: DbOrTx, scope: Scope) {
  return db
    .selectFrom('loan_certificate as c')
    .innerJoin('household as h', (j) => j.onRef('h.county_code', '=', 'c.county_code').onRef('h.id', '=', 'c.household_id'))
    .leftJoin('area as a', 'a.code', 'c.area_code')
    .selectAll('c')
    .select(['h.head_name', 'a.name as area_name'])
    .where(scoped(scope, { area: 'c.area_code', county: 'c.county_code' }));
}

export const certRepo = {
  async list(db: DbOrTx, scope: Scope, f: { page: number; pageSize: number; order: 'asc' | 'desc'; householdId?: number; status?: string; areaCode?: string; keyword?: string }) {
    let q = base(db, scope);
    if (f.householdId) q = q.where('c.household_id', '=', f.householdId);
    if (f.status) q = q.where('c.status', '=', f.status as CertRow['status']);
    if (f.areaCode) q = q.where('c.area_code', 'like', `${f.areaCode}%`);
    if (f.keyword) q = q.where((eb) => eb.or([eb('h.head_name', 'ilike', containsPattern(f.keyword!)), eb('c.cert_no', 'ilike', containsPattern(f.keyword!))]));
    const total = await q.clearSelect().select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    const items = await q
      .orderBy('c.id', f.order)
      .limit(f.pageSize)
      .offset((f.page - 1) * f.pageSize)
      .execute();
    return { items: items as CertRow[], total: total.n };
  },

  get(db: DbOrTx, scope: Scope, id: number) {
    return base(db, scope).where('c.id', '=', id).executeTakeFirst() as Promise<CertRow | undefined>;
  },

  /** The household's open certificate (applied, reviewed or issued), locked. */
  openFor(tx: Tx, countyCode: string, householdId: number) {
    return tx
      .selectFrom('loan_certificate')
      .selectAll()
      .where('county_code', '=', countyCode)
      .where('household_id', '=', householdId)
      .where('status', 'in', ['applied', 'village_reviewed', 'issued'])
      .forUpdate()
      .executeTakeFirst();
  },

  /** The household's issued certificate, for the eligibility check. */
  issuedFor(db: DbOrTx, countyCode: string, householdId: number) {
    return db
      .selectFrom('loan_certificate')
      .select(['id', 'cert_no', 'status', 'valid_from', 'valid_to'])
      .where('county_code', '=', countyCode)
      .where('household_id', '=', householdId)
      .where('status', '=', 'issued')
      .executeTakeFirst();
  },

  insert(tx: Tx, row: { county_code: string; cert_no: string; household_id: number; area_code: string; township_code: string; applied_on: string; created_by: number | null }) {
    return tx.insertInto('loan_certificate').values(row).returning('id').executeTakeFirstOrThrow();
  },

  /** Optimistic update: only when the version is still the one the user saw. */
  update(tx: Tx, countyCode: string, id: number, version: number, set: Partial<Omit<Selectable<LoanCertificateTable>, 'id' | 'county_code' | 'version'>>) {
    return tx
      .updateTable('loan_certificate')
      .set({ ...set, version: sql`version + 1`, updated_at: sql`now()` })
      .where('county_code', '=', countyCode)
      .where('id', '=', id)
      .where('version', '=', version)
      .returning('id')
      .executeTakeFirst();
  },

  household(db: DbOrTx, scope: Scope, id: number) {
    return db
      .selectFrom('household')
      .select(['id', 'county_code', 'area_code', 'township_code', 'head_name', 'status'])
      .where('id', '=', id)
      .where(scoped(scope, { area: 'household.area_code', county: 'household.county_code' }))
      .executeTakeFirst();
  },
};
