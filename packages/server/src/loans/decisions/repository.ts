import { sql, type Insertable, type Selectable } from 'kysely';
import type { DbOrTx, Tx } from '../../db/db';
import type { LoanDecisionNoticeTable, LoanNotificationTable } from '../../db/schema';
import { scoped } from '../../db/sql-helpers';
import type { Scope } from '../../scope/scope';

export type NoticeRow = Selectable<LoanDecisionNoticeTable> & { app_no: string };
export type NotificationRow = Selectable<LoanNotificationTable> & { app_no: string; notice_no: string | null; delivered_on: string | null };

export const decisionRepo = {
  insertNotice(tx: Tx, row: Insertable<LoanDecisionNoticeTable>) {
    return tx.insertInto('loan_decision_notice').values(row).returning(['id', 'notice_no']).executeTakeFirstOrThrow();
  },

  insertNotification(tx: Tx, row: Insertable<LoanNotificationTable>) {
    return tx.insertInto('loan_notification').values(row).returning('id').executeTakeFirstOrThrow();
  },

  /** Household, village and borrower facts the notice prints (masked by the service). */
  applicant(tx: DbOrTx, countyCode: string, applicationId: number) {
    return tx
      .selectFrom('loan_application as la')
      .leftJoin('area as v', 'v.code', 'la.area_code')
      .leftJoin('area as tw', 'tw.code', 'la.township_code')
      .leftJoin('person as p', (j) => j.onRef('p.county_code', '=', 'la.county_code').onRef('p.id', '=', 'la.borrower_person_id'))
      .leftJoin('dict_item as di', (j) => j.on('di.type_code', '=', 'loan_industry').onRef('di.code', '=', 'la.industry'))
      .select(['v.name as village_name', 'tw.name as township_name', 'p.id_number', 'di.label as industry_label'])
      .where('la.county_code', '=', countyCode)
      .where('la.id', '=', applicationId)
      .executeTakeFirst();
  },

  notices(db: DbOrTx, scope: Scope, f: { applicationId?: number; delivered?: boolean; page: number; pageSize: number }) {
    let q = db
      .selectFrom('loan_decision_notice as n')
      .innerJoin('loan_application as la', (j) => j.onRef('la.county_code', '=', 'n.county_code').onRef('la.id', '=', 'n.application_id'))
      .where(scoped(scope, { area: 'n.area_code', county: 'n.county_code' }));
    if (f.applicationId) q = q.where('n.application_id', '=', f.applicationId);
    if (f.delivered !== undefined) q = q.where('n.delivered_on', f.delivered ? 'is not' : 'is', null);
    return Promise.all([
      q
        .selectAll('n')
        .select('la.app_no')
        .orderBy('n.id', 'desc')
        .limit(f.pageSize)
        .offset((f.page - 1) * f.pageSize)
        .execute() as Promise<NoticeRow[]>,
      q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
    ]);
  },

  notice(db: DbOrTx, scope: Scope, id: number) {
    return db
      .selectFrom('loan_decision_notice as n')
      .innerJoin('loan_application as la', (j) => j.onRef('la.county_code', '=', 'n.county_code').onRef('la.id', '=', 'n.application_id'))
      .selectAll('n')
      .select('la.app_no')
      .where('n.id', '=', id)
      .where(scoped(scope, { area: 'n.area_code', county: 'n.county_code' }))
      .executeTakeFirst() as Promise<NoticeRow | undefined>;
  },

  deliver(tx: Tx, countyCode: string, id: number, version: number, set: { delivered_on: string; delivery_method: NonNullable<LoanDecisionNoticeTable['delivery_method']>; recipient_name: string; delivered_by_name: string; delivery_note: string | null }) {
    return tx
      .updateTable('loan_decision_notice')
      .set({ ...set, version: version + 1 })
      .where('county_code', '=', countyCode)
      .where('id', '=', id)
      .where('version', '=', version)
      .where('delivered_on', 'is', null)
      .returning('id')
      .executeTakeFirst();
  },

  /** A station's messages: its township's, in the caller's scope. */
  notifications(db: DbOrTx, scope: Scope, f: { unread?: boolean; limit: number }) {
    let q = db
      .selectFrom('loan_notification as m')
      .innerJoin('loan_application as la', (j) => j.onRef('la.county_code', '=', 'm.county_code').onRef('la.id', '=', 'm.application_id'))
      .leftJoin('loan_decision_notice as n', (j) => j.onRef('n.county_code', '=', 'm.county_code').onRef('n.id', '=', 'm.notice_id'))
      .where(scoped(scope, { area: 'm.recipient_area', county: 'm.county_code' }));
    if (f.unread) q = q.where('m.read_at', 'is', null);
    return Promise.all([
      q.selectAll('m').select(['la.app_no', 'n.notice_no', 'n.delivered_on']).orderBy('m.id', 'desc').limit(f.limit).execute() as Promise<NotificationRow[]>,
      q.select(sql<number>`count(*) FILTER (WHERE m.read_at IS NULL)::int`.as('unread')).executeTakeFirstOrThrow(),
    ]);
  },

  markRead(tx: Tx, scope: Scope, id: number, by: string) {
    return tx
      .updateTable('loan_notification as m')
      .set({ read_at: sql`now()`, read_by_name: by })
      .where('m.id', '=', id)
      .where(scoped(scope, { area: 'm.recipient_area', county: 'm.county_code' }))
      .returning(['m.id', 'm.county_code', 'm.recipient_area', 'm.read_at', 'm.title'])
      .executeTakeFirst();
  },
};
