import type { DbOrTx } from '../../db/db';

export const syncRepo = {
  /** The households paired now to the login's cadre records — the phone never gets more. */
  ownPairings(db: DbOrTx, userId: number, limit: number) {
    return db
      .selectFrom('pairing as p')
      .innerJoin('cadre as c', (j) => j.onRef('c.county_code', '=', 'p.county_code').onRef('c.id', '=', 'p.cadre_id'))
      .innerJoin('household as h', (j) => j.onRef('h.county_code', '=', 'p.county_code').onRef('h.id', '=', 'p.household_id'))
      .leftJoin('area as v', 'v.code', 'h.village_code')
      .select([
        'p.county_code',
        'p.household_id',
        'p.cadre_id',
        'p.start_date',
        'h.household_no',
        'h.head_name',
        'h.address',
        'h.phone',
        'h.status',
        'h.version',
        'v.name as village_name',
      ])
      .where('c.user_id', '=', userId)
      .where('p.end_date', 'is', null)
      .orderBy('h.village_code')
      .orderBy('h.household_no')
      .limit(limit)
      .execute();
  },
  cadresOf(db: DbOrTx, userId: number) {
    return db
      .selectFrom('cadre as c')
      .innerJoin('org as u', 'u.id', 'c.unit_org_id')
      .select(['c.id', 'c.county_code', 'c.name', 'u.name as unit_name'])
      .where('c.user_id', '=', userId)
      .orderBy('c.county_code')
      .execute();
  },
  /** Members without identity numbers or phones: what a visit needs, nothing more. */
  members(db: DbOrTx, county: string, householdIds: number[]) {
    if (!householdIds.length) return Promise.resolve([]);
    return db
      .selectFrom('person')
      .select(['household_id', 'name', 'relation', 'sex', 'birth_date', 'health', 'schooling', 'labour'])
      .where('county_code', '=', county)
      .where('household_id', 'in', householdIds)
      .where('status', '=', 'active')
      .orderBy('household_id')
      .orderBy('id')
      .execute();
  },
  dictLabels(db: DbOrTx, types: string[]) {
    return db.selectFrom('dict_item').select(['type_code', 'code', 'label']).where('type_code', 'in', types).execute();
  },
  openTasks(db: DbOrTx, county: string, householdIds: number[]) {
    if (!householdIds.length) return Promise.resolve([]);
    return db
      .selectFrom('visit_task')
      .select(['id', 'household_id', 'problem', 'deadline'])
      .where('county_code', '=', county)
      .where('household_id', 'in', householdIds)
      .where('status', '=', 'open')
      .orderBy('deadline')
      .execute();
  },
};
