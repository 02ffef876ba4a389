import type { DbOrTx } from '../db/db';
import { containsPattern, scoped } from '../db/sql-helpers';
import type { Scope } from '../scope/scope';

export type AuditFilter = { from?: Date; to?: Date; username?: string; module?: string; action?: string; entity?: string; entityId?: string; keyword?: string };

export const auditRepo = {
  /**
   * Rows whose area lies in the scope; rows without an area (system-wide changes: roles,
   * dictionaries, parameters) match no area condition and so reach only scope 'all'. With scope
   * 'self' a user sees what they did themselves.
   */
  async list(db: DbOrTx, scope: Scope, f: AuditFilter, page: { page: number; pageSize: number; order: 'asc' | 'desc' }) {
    let q = db.selectFrom('audit_log as l').where(scoped(scope, { area: 'l.area_code', county: 'l.county_code', owner: 'l.user_id' }));
    if (f.from) q = q.where('l.at', '>=', f.from);
    if (f.to) q = q.where('l.at', '<', f.to);
    if (f.username) q = q.where((eb) => eb(eb.fn('lower', ['l.username']), '=', f.username!.toLowerCase()));
    if (f.module) q = q.where('l.module', '=', f.module);
    if (f.action) q = q.where('l.action', '=', f.action);
    if (f.entity) q = q.where('l.entity', '=', f.entity);
    if (f.entityId) q = q.where('l.entity_id', '=', f.entityId);
    if (f.keyword) q = q.where('l.summary', 'ilike', containsPattern(f.keyword));
    const total = Number((await q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const rows = await q
      .select(['l.id', 'l.county_code', 'l.seq', 'l.at', 'l.username', 'l.ip', 'l.module', 'l.action', 'l.entity', 'l.entity_id', 'l.area_code', 'l.summary', 'l.before', 'l.after'])
      .orderBy('l.at', page.order)
      .orderBy('l.id', page.order)
      .limit(page.pageSize)
      .offset((page.page - 1) * page.pageSize)
      .execute();
    return { total, rows };
  },
};
