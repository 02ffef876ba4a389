import { sql } from 'kysely';
import type { DbOrTx } from '../db/db';

export const calendarRepo = {
  all(db: DbOrTx) {
    return db.selectFrom('calendar_override').select(['date', 'kind', 'note']).orderBy('date').execute();
  },
  find(db: DbOrTx, date: string) {
    return db.selectFrom('calendar_override').select(['date', 'kind', 'note']).where('date', '=', date).executeTakeFirst();
  },
  upsert(db: DbOrTx, row: { date: string; kind: 'workday' | 'holiday'; note: string | null }) {
    return db
      .insertInto('calendar_override')
      .values(row)
      .onConflict((oc) => oc.column('date').doUpdateSet({ kind: row.kind, note: row.note, updated_at: sql`now()` }))
      .execute();
  },
  delete(db: DbOrTx, date: string) {
    return db.deleteFrom('calendar_override').where('date', '=', date).execute();
  },
};
