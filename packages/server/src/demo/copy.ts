import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * Helpers for PostgreSQL's COPY text format (tab-separated, \N for NULL, backslash escapes),
 * which loads rows several times faster than INSERT (stack-notes.md).
 */
const NEEDS_ESCAPE = /[\\\t\n\r]/;

export function txt(v: string | null | undefined): string {
  if (v === null || v === undefined) return '\\N';
  if (!NEEDS_ESCAPE.test(v)) return v;
  return v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

export function num(v: number | null | undefined): string {
  return v === null || v === undefined ? '\\N' : String(v);
}

export function bool(v: boolean | null | undefined): string {
  return v === null || v === undefined ? '\\N' : v ? 't' : 'f';
}

/** A text[] literal of plain codes (letters, digits, underscores: nothing to quote). */
export function codeArray(v: string[]): string {
  return `{${v.join(',')}}`;
}

/** Streams already-encoded lines (without their newline) into `COPY … FROM STDIN`. */
export async function copyLines(client: pg.PoolClient, copySql: string, lines: string[]): Promise<void> {
  if (!lines.length) return;
  function* chunks() {
    for (let i = 0; i < lines.length; i += 2000) yield lines.slice(i, i + 2000).join('\n') + '\n';
  }
  await pipeline(Readable.from(chunks()), client.query(copyFrom(copySql)));
}
