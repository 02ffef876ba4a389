import { sql, type Insertable, type Selectable } from 'kysely';
import type { DbOrTx, Tx } from '../db/db';
import type { AttachmentTable } from '../db/schema';
import { scopeFilter, type Scope } from '../scope/scope';
import type { OwnerKind } from './schemas';

export type AttachmentRow = Selectable<AttachmentTable>;

const inScope = (scope: Scope) => scopeFilter<any, any>(scope, { area: 'attachment.area_code', county: 'attachment.county_code' });

export const attachmentRepo = {
  insert(tx: Tx, row: Insertable<AttachmentTable>) {
    return tx.insertInto('attachment').values(row).returningAll().executeTakeFirstOrThrow();
  },

  ofOwner(db: DbOrTx, scope: Scope, kind: OwnerKind, countyCode: string, ownerId: number, includeRemoved: boolean) {
    let q = db
      .selectFrom('attachment')
      .selectAll()
      .where('county_code', '=', countyCode)
      .where('owner_kind', '=', kind)
      .where('owner_id', '=', ownerId)
      .where(inScope(scope));
    if (!includeRemoved) q = q.where('deleted', '=', false);
    return q.orderBy('id').execute();
  },

  find(db: DbOrTx, scope: Scope, id: number) {
    return db.selectFrom('attachment').selectAll().where('id', '=', id).where(inScope(scope)).executeTakeFirst();
  },

  /** Locks the row so two removals cannot both pass the "not removed yet" check. */
  lock(tx: Tx, countyCode: string, id: number) {
    return tx.selectFrom('attachment').selectAll().where('county_code', '=', countyCode).where('id', '=', id).forUpdate().executeTakeFirst();
  },

  markRemoved(tx: Tx, countyCode: string, id: number, by: { id: number | null; name: string }) {
    return tx
      .updateTable('attachment')
      .set({ deleted: true, deleted_by: by.id, deleted_by_name: by.name, deleted_at: sql`now()` })
      .where('county_code', '=', countyCode)
      .where('id', '=', id)
      .where('deleted', '=', false)
      .returningAll()
      .executeTakeFirst();
  },

  /** The live attachments among `ids` that belong to this record. */
  ofOwnerByIds(db: DbOrTx, kind: OwnerKind, countyCode: string, ownerId: number, ids: number[]) {
    if (!ids.length) return Promise.resolve([] as AttachmentRow[]);
    return db
      .selectFrom('attachment')
      .selectAll()
      .where('county_code', '=', countyCode)
      .where('owner_kind', '=', kind)
      .where('owner_id', '=', ownerId)
      .where('id', 'in', ids)
      .where('deleted', '=', false)
      .execute();
  },
};
