import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { scopeFilter, type Scope } from '../scope/scope';

type AnyEb = ExpressionBuilder<any, any>;

/**
 * The scope condition on a registry table (`alias.area_code`, `alias.county_code`), plus
 * `county_code = $1` when the scope lies in one county: the scope helper says
 * `county_code = ANY($1)`, which PostgreSQL does not use for an ordered index scan, so a
 * county-wide page sorted by name would read and sort the whole county (bench/notes.md).
 *
 * Data scope 'self' (帮扶责任人): registry rows have no owner column; a cadre sees the
 * households currently paired to them — the pairing module's rule (visits/access.ts
 * householdVisible: an open pairing to a cadre record of the user), so the register and the
 * visit pages agree on who sees which household. Written here with aliases of its own: the
 * registry's person alias `p` would capture the visits helper's `pairing p`. `householdCol` names the
 * column holding the household's id: `id` on household itself, `household_id` elsewhere.
 */
export const inScope =
  (scope: Scope, alias: string, householdCol: 'id' | 'household_id' = alias === 'h' ? 'id' : 'household_id') =>
  (eb: AnyEb): Expression<SqlBool> => {
    if (scope.kind === 'self')
      return sql<SqlBool>`(${sql.ref(`${alias}.county_code`)}, ${sql.ref(`${alias}.${householdCol}`)}) IN (
        SELECT reg_pair.county_code, reg_pair.household_id FROM pairing reg_pair
        JOIN cadre reg_cadre ON reg_cadre.county_code = reg_pair.county_code AND reg_cadre.id = reg_pair.cadre_id
        WHERE reg_pair.end_date IS NULL AND reg_cadre.user_id = ${scope.userId})`;
    const cond = scopeFilter<any, any>(scope, { area: `${alias}.area_code`, county: `${alias}.county_code` })(eb);
    const one = scope.kind === 'areas' && scope.counties?.length === 1 ? scope.counties[0] : null;
    return one ? eb.and([eb(`${alias}.county_code`, '=', one), cond]) : cond;
  };
