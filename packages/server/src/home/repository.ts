import { sql } from 'kysely';
import type { DbOrTx } from '../db/db';
import { inScope } from '../registry/scope';
import type { Scope } from '../scope/scope';

export const homeRepo = {
  /** Open data-quality findings in the caller's area (the registry's scope helper, same as its own page). */
  async qualityCounts(db: DbOrTx, scope: Scope) {
    const r = await db
      .selectFrom('registry_quality_issue as q')
      .select([sql<number>`count(*)::int`.as('issues'), sql<number>`count(*) FILTER (WHERE q.severity = 'error')::int`.as('errors')])
      .where((eb) => inScope(scope, 'q')(eb))
      .executeTakeFirstOrThrow();
    return r;
  },
};
