import { sql, type RawBuilder } from 'kysely';

/** `%keyword%` for ILIKE with the user's own % and _ taken literally. */
export function containsPattern(keyword: string): string {
  return `%${keyword.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** ORDER BY a Chinese text column in pinyin order (ICU collation, stack-notes.md). */
export function pinyin(column: string): RawBuilder<string> {
  return sql<string>`${sql.ref(column)} COLLATE "zh-x-icu"`;
}
