import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import { scopeFilter, type Scope } from '../scope/scope';

type AnyEb = ExpressionBuilder<any, any>;

/**
 * The scope condition on a registry table (`alias.area_code`, `alias.county_code`), plus
 * `county_code = $1` when the scope lies in one county: the scope helper says
 * `county_code = ANY($1)`, which PostgreSQL does not use for an ordered index scan, so a
 * county-wide page sorted by name would read and sort the whole county (bench/notes.md).
 */
export const inScope =
  (scope: Scope, alias: string) =>
  (eb: AnyEb): Expression<SqlBool> => {
    const cond = scopeFilter<any, any>(scope, { area: `${alias}.area_code`, county: `${alias}.county_code` })(eb);
    const one = scope.kind === 'areas' && scope.counties?.length === 1 ? scope.counties[0] : null;
    return one ? eb.and([eb(`${alias}.county_code`, '=', one), cond]) : cond;
  };
