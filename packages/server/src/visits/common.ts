import { sql } from 'kysely';
import { todayInChinaString } from '../jobs/time';
import type { DbOrTx } from '../db/db';
import { AppError } from '../http/errors';

export * from './fields';

export const today = () => todayInChinaString();

/** A transaction-scoped lock on one logical key (a household's pairings, a team's roles). */
export async function lockKey(tx: DbOrTx, key: string) {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${key}))`.execute(tx);
}

export const visitError = (status: number, code: string, message: string, details?: unknown) => new AppError(status, code, message, details);

export { maskPhone } from '@fupin/shared/idcard';
