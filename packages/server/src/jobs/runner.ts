import { sql } from 'kysely';
import type { Db } from '../db/db';
import { todayInChinaString } from './time';

export type JobHandler = (db: Db, payload: Record<string, unknown>) => Promise<unknown>;
type Nightly = { kind: string; payload?: Record<string, unknown> };

const handlers = new Map<string, JobHandler>();
const nightly: Nightly[] = [];

/** Modules register their job kinds at import time; `nightly` ones are enqueued once a day. */
export function registerJob(kind: string, handler: JobHandler, opts: { nightly?: boolean } = {}) {
  handlers.set(kind, handler);
  if (opts.nightly && !nightly.some((n) => n.kind === kind)) nightly.push({ kind });
}

export async function enqueueJob(db: Db, kind: string, payload: Record<string, unknown> = {}, opts: { runAt?: Date; uniqueKey?: string } = {}) {
  return db
    .insertInto('job')
    .values({ kind, payload: JSON.stringify(payload), run_at: opts.runAt ?? new Date(), unique_key: opts.uniqueKey ?? null })
    .onConflict((oc) => oc.column('unique_key').doNothing())
    .returning('id')
    .executeTakeFirst();
}

/** Claims one due job (SKIP LOCKED, so several servers can share the queue) and runs it. */
export async function runOneJob(db: Db): Promise<boolean> {
  const job = await db.transaction().execute(async (tx) => {
    const j = await tx
      .selectFrom('job')
      .selectAll()
      .where('status', '=', 'queued')
      .where('run_at', '<=', new Date())
      .orderBy('run_at')
      .limit(1)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!j) return null;
    await tx.updateTable('job').set({ status: 'running', started_at: new Date(), attempts: sql`attempts + 1` }).where('id', '=', j.id).execute();
    return j;
  });
  if (!job) return false;
  const handler = handlers.get(job.kind);
  try {
    if (!handler) throw new Error(`未知的任务类型 ${job.kind}`);
    const result = await handler(db, (job.payload ?? {}) as Record<string, unknown>);
    await db
      .updateTable('job')
      .set({ status: 'done', finished_at: new Date(), result: JSON.stringify(result ?? null) })
      .where('id', '=', job.id)
      .execute();
  } catch (e) {
    const retry = job.attempts + 1 < 3;
    await db
      .updateTable('job')
      .set({
        status: retry ? 'queued' : 'failed',
        last_error: String((e as Error).message ?? e).slice(0, 2000),
        run_at: new Date(Date.now() + 60_000 * (job.attempts + 1)),
        finished_at: retry ? null : new Date(),
      })
      .where('id', '=', job.id)
      .execute();
  }
  return true;
}

export async function enqueueNightly(db: Db, now = new Date()) {
  const day = todayInChinaString(now);
  for (const n of nightly) await enqueueJob(db, n.kind, n.payload ?? {}, { uniqueKey: `${n.kind}:${day}` });
}

export function startJobRunner(db: Db, log: { error: (o: object, m: string) => void }) {
  let stopped = false;
  let busy = false;
  const tick = async () => {
    if (busy || stopped) return;
    busy = true;
    try {
      // Nightly jobs fall due at 02:00 China time; before that hour the day's key is not used yet.
      const hourInChina = (new Date().getUTCHours() + 8) % 24;
      if (hourInChina >= 2) await enqueueNightly(db);
      while (!stopped && (await runOneJob(db)));
    } catch (e) {
      log.error({ err: e }, 'job runner');
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), 5_000);
  timer.unref();
  return { stop: () => { stopped = true; clearInterval(timer); } };
}

registerJob(
  'session-cleanup',
  async (db) => {
    const r = await db.deleteFrom('session').where('expires_at', '<', new Date()).executeTakeFirst();
    return { deleted: Number(r.numDeletedRows) };
  },
  { nightly: true },
);
