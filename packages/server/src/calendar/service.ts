import { createCalendar, type WorkingCalendar } from '@fupin/shared/calendar';
import { writeAudit } from '../audit/audit';
import type { Db, DbOrTx } from '../db/db';
import type { Ctx } from '../http/context';
import { AppError, errors } from '../http/errors';
import { calendarRepo } from './repository';
import type { OverrideBody } from './schemas';

/**
 * The working-day calendar other modules use for deadlines (5 working days for the station's
 * opinion, 10 for the coop's decision …): chinese-days' published schedule plus the override
 * table. Cached per database handle and dropped whenever an override changes; a load that raced
 * with a change is not cached (the generation check), so a stale calendar never sticks.
 * Inside a transaction the overrides are read fresh, so a change in that transaction counts.
 */
const cache = new WeakMap<object, { generation: number; calendar: Promise<WorkingCalendar> }>();
let generation = 0;

async function build(db: DbOrTx): Promise<WorkingCalendar> {
  const rows = await calendarRepo.all(db);
  return createCalendar(rows.map((r) => ({ date: r.date, kind: r.kind, note: r.note ?? undefined })));
}

export function loadCalendar(db: DbOrTx): Promise<WorkingCalendar> {
  if (db.isTransaction) return build(db);
  const hit = cache.get(db);
  if (hit && hit.generation === generation) return hit.calendar;
  const g = generation;
  const calendar = build(db);
  cache.set(db, { generation: g, calendar });
  calendar.catch(() => cache.delete(db));
  return calendar;
}

export function invalidateCalendar() {
  generation++;
}

const KIND_LABEL = { workday: '上班', holiday: '放假' } as const;

function* daysOf(year: number) {
  const pad = (n: number) => String(n).padStart(2, '0');
  for (let m = 1; m <= 12; m++) {
    const last = new Date(Date.UTC(year, m, 0)).getUTCDate();
    for (let d = 1; d <= last; d++) yield `${year}-${pad(m)}-${pad(d)}`;
  }
}

export const calendarService = {
  /** The year's exceptions to a plain Mon–Fri week: holidays, adjusted workdays, overrides. */
  async year(db: Db, year: number) {
    const cal = await loadCalendar(db);
    const days = [];
    for (const date of daysOf(year)) {
      const info = cal.dayInfo(date);
      if (info.source === 'weekday' || info.source === 'weekend') continue;
      days.push({
        date,
        kind: info.working ? ('workday' as const) : ('holiday' as const),
        note: info.name ?? null,
        source: info.source === 'override' ? ('override' as const) : ('builtin' as const),
      });
    }
    return { year, published: cal.hasPublishedSchedule(year), days };
  },

  async addWorkingDays(db: Db, date: string, n: number) {
    const cal = await loadCalendar(db);
    return { date, n, result: cal.addWorkingDays(date, n) };
  },

  async setOverride(db: Db, ctx: Ctx, date: string, body: OverrideBody) {
    const note = body.note || null;
    const result = await db.transaction().execute(async (tx) => {
      const before = await calendarRepo.find(tx, date);
      const builtin = createCalendar().dayInfo(date);
      if (!before && builtin.working === (body.kind === 'workday') && !note) {
        throw new AppError(409, 'E1603', `日期：${date} 按国家安排本来就是${KIND_LABEL[body.kind]}日，无需调整`, { issues: [{ field: '日期', message: '无需调整' }] });
      }
      if (before && before.kind === body.kind && (before.note ?? null) === note) return { date, kind: body.kind, note };
      await calendarRepo.upsert(tx, { date, kind: body.kind, note });
      await writeAudit(tx, ctx, {
        module: 'calendar',
        action: before ? 'update' : 'create',
        entity: 'calendar_override',
        entityId: date,
        summary: `工作日历：将 ${date} 设为${KIND_LABEL[body.kind]}${note ? `（${note}）` : ''}${before ? `，原为${KIND_LABEL[before.kind]}` : ''}`,
        before: before ? { kind: before.kind, note: before.note } : null,
        after: { kind: body.kind, note },
      });
      return { date, kind: body.kind, note };
    });
    invalidateCalendar();
    return result;
  },

  async deleteOverride(db: Db, ctx: Ctx, date: string) {
    await db.transaction().execute(async (tx) => {
      const before = await calendarRepo.find(tx, date);
      if (!before) throw errors.notFound(`${date} 的工作日调整`);
      await calendarRepo.delete(tx, date);
      const builtin = createCalendar().dayInfo(date);
      await writeAudit(tx, ctx, {
        module: 'calendar',
        action: 'delete',
        entity: 'calendar_override',
        entityId: date,
        summary: `工作日历：删除 ${date} 的调整（原设为${KIND_LABEL[before.kind]}），恢复为国家安排的${builtin.working ? '上班' : '休息'}日`,
        before: { kind: before.kind, note: before.note },
      });
    });
    invalidateCalendar();
  },
};
