import { sql, type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool } from 'kysely';
import { scopeFilter, type Scope } from '../scope/scope';

/** `%keyword%` for ILIKE with the user's own % and _ taken literally. */
export function containsPattern(keyword: string): string {
  return `%${keyword.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** ORDER BY a Chinese text column in pinyin order (ICU collation, stack-notes.md). */
export function pinyin(column: string): RawBuilder<string> {
  return sql<string>`${sql.ref(column)} COLLATE "zh-x-icu"`;
}

/**
 * scopeFilter() for a query with joined aliases, where TypeScript cannot infer its table
 * parameters. Same condition, looser types.
 */
export function scoped(scope: Scope, cols: Parameters<typeof scopeFilter>[1]): (eb: ExpressionBuilder<any, any>) => Expression<SqlBool> {
  return (eb) => scopeFilter<any, any>(scope, cols)(eb);
}

/**
 * A unique index refused the row: two requests raced past the service's own check. The caller
 * turns it into the same 409 the check would have given.
 */
export function isUniqueViolation(e: unknown): boolean {
  return (e as { code?: string } | null)?.code === '23505';
}
