import type { Insertable } from 'kysely';
import type { Db, DbOrTx, Tx } from '../../db/db';
import type { LoanImportTable } from '../../db/schema';
import { scoped } from '../../db/sql-helpers';
import type { Scope } from '../../scope/scope';

export const importRepo = {
  /** A register member by ID number, only within the caller's scope (out of scope = not found). */
  member(db: DbOrTx, scope: Scope, idNumber: string) {
    return db
      .selectFrom('person as p')
      .innerJoin('household as h', (j) => j.onRef('h.county_code', '=', 'p.county_code').onRef('h.id', '=', 'p.household_id'))
      .select(['p.id as person_id', 'p.name', 'h.id as household_id', 'h.county_code', 'h.area_code', 'h.township_code'])
      .where('p.id_number', '=', idNumber)
      .where(scoped(scope, { area: 'h.area_code', county: 'h.county_code' }))
      .executeTakeFirst();
  },
  industries(db: DbOrTx) {
    return db.selectFrom('dict_item').select(['code', 'label']).where('type_code', '=', 'loan_industry').orderBy('sort').execute();
  },
  byContract(db: DbOrTx, countyCode: string, contractNo: string) {
    return db
      .selectFrom('loan')
      .select(['id', 'origin', 'household_id', 'principal_fen', 'disbursed_on', 'maturity_date'])
      .where('county_code', '=', countyCode)
      .where('contract_no', '=', contractNo)
      .executeTakeFirst();
  },
  insertImport(tx: Tx, row: Insertable<LoanImportTable>) {
    return tx.insertInto('loan_import').values(row).returningAll().executeTakeFirstOrThrow();
  },
  getImport(db: Db, countyCodes: string[] | 'all', userId: number, id: number) {
    let q = db.selectFrom('loan_import').selectAll().where('id', '=', id).where('created_by', '=', userId);
    if (countyCodes !== 'all') q = q.where('county_code', 'in', countyCodes.length ? countyCodes : ['']);
    return q.executeTakeFirst();
  },
};
