import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';

/**
 * A user's jurisdiction (数据权限), resolved once per request from their post and passed
 * explicitly to every repository call — never injected invisibly (style.md: ruoyi #589/#640).
 *
 *  - all:      every record (system administrators, province level)
 *  - areas:    records whose area code starts with one of `below` (the subtree) or equals one
 *              of `exact` (本区划 only); `counties` lists the county codes those areas fall in,
 *              added to queries so a sharded database can route them (docs/scale-out.md)
 *  - self:     records the user owns (tables without an owner column show nothing)
 *  - none:     nothing; an empty scope matches no row
 */
export type Scope =
  | { kind: 'all' }
  | { kind: 'areas'; below: string[]; exact: string[]; counties: string[] | null }
  | { kind: 'self'; userId: number }
  | { kind: 'none' };

export const NO_SCOPE: Scope = { kind: 'none' };
export const ALL_SCOPE: Scope = { kind: 'all' };

type Cols = {
  /** column holding the record's area code (village, group, township …) */
  area: string;
  /** column holding the record's county code, when the table has one */
  county?: string;
  /** column holding the owning user id, for the 'self' level */
  owner?: string;
};

/**
 * The one helper that turns a scope into a WHERE condition. Area codes are digits only
 * (validated when areas are created), so a LIKE prefix needs no escaping.
 */
export function scopeFilter<DB, TB extends keyof DB>(scope: Scope, cols: Cols) {
  return (eb: ExpressionBuilder<DB, TB>): Expression<SqlBool> => {
    const ref = (c: string) => sql.ref(c);
    switch (scope.kind) {
      case 'all':
        return sql<SqlBool>`true`;
      case 'none':
        return sql<SqlBool>`false`;
      case 'self':
        return cols.owner ? eb(ref(cols.owner) as never, '=', scope.userId as never) : sql<SqlBool>`false`;
      case 'areas': {
        const parts: Expression<SqlBool>[] = [];
        for (const p of scope.below) parts.push(sql<SqlBool>`${ref(cols.area)} LIKE ${p + '%'}`);
        if (scope.exact.length) parts.push(anyOf(ref(cols.area), scope.exact));
        if (!parts.length) return sql<SqlBool>`false`;
        const areaCond = eb.or(parts);
        if (cols.county && scope.counties && scope.counties.length) {
          return eb.and([anyOf(ref(cols.county), scope.counties), areaCond]);
        }
        return areaCond;
      }
    }
  };
}

// With one value, `col = $1` rather than `col = ANY($1)`: with a parameterised array the
// planner cannot use the value's statistics and ignored an index at county scale
// (bench/notes.md: 268 ms vs 0.4 ms on 200k households).
function anyOf(col: ReturnType<typeof sql.ref>, values: string[]) {
  return values.length === 1 ? sql<SqlBool>`${col} = ${values[0]}` : sql<SqlBool>`${col} = ANY(${values}::text[])`;
}

/** For writes: may a record be placed in (or read from) this area? */
export function scopeCoversArea(scope: Scope, areaCode: string): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'none':
    case 'self':
      return false;
    case 'areas':
      return scope.below.some((p) => areaCode.startsWith(p)) || scope.exact.includes(areaCode);
  }
}

/** The area subtrees a scope reaches, for menus and default filters (e.g. the area tree). */
export function scopeRoots(scope: Scope): string[] | 'all' {
  if (scope.kind === 'all') return 'all';
  if (scope.kind === 'areas') return [...scope.below, ...scope.exact];
  return [];
}
