import { ageOn } from '@fupin/shared/idcard';
import { writeAudit } from '../../audit/audit';
import type { Db } from '../../db/db';
import type { Ctx } from '../../http/context';
import type { VisitAccess } from '../access';
import { today } from '../common';
import { evaluateHouseholds } from '../rates/engine';
import { recordService, withPhotos } from '../records/service';
import { visitRepo } from '../records/repository';
import { loadRule } from '../rule-store';
import { monthOf, visitDayDate } from '../rules';
import { syncRepo } from './repository';
import type { SyncHousehold } from './schemas';

/** One phone never holds more households than this (a cadre has a handful; the cap is a guard). */
export const MAX_SYNC_HOUSEHOLDS = 300;

export const syncService = {
  /**
   * The phone's offline copy: the cadre's own paired households (never the village), each with
   * its members, this month's due visits, open follow-ups and the last `recent` visits only
   * (anchors.md: DHIS2 devices slow down past 200 events, ODK sends every case everywhere).
   */
  async download(db: Db, ctx: Ctx, recent: number) {
    const on = today();
    const month = monthOf(on);
    // The phone is about the login's own pairings, whatever area the login may also cover.
    const own: VisitAccess = { scope: { kind: 'self', userId: ctx.user.id }, userId: ctx.user.id, unitOrgId: null };
    const year = Number(on.slice(0, 4));
    // Independent reads run side by side: a phone on a slow link waits for the slowest, not the
    // sum. The rule of the login's own county is read with them (a cadre pairs in their county;
    // another county's rule is read after, when the pairings say so).
    const [cadres, pairs, dict, homeRule] = await Promise.all([
      syncRepo.cadresOf(db, ctx.user.id),
      syncRepo.ownPairings(db, ctx.user.id, MAX_SYNC_HOUSEHOLDS + 1),
      syncRepo.dictLabels(db, ['relation', 'health', 'schooling', 'labour']),
      ctx.user.countyCode ? loadRule(db, ctx.user.countyCode, year) : Promise.resolve(null),
    ]);
    const truncated = pairs.length > MAX_SYNC_HOUSEHOLDS;
    const list = pairs.slice(0, MAX_SYNC_HOUSEHOLDS);
    const counties = [...new Set(list.map((p) => p.county_code))];
    const labels = new Map(dict.map((d) => [`${d.type_code}:${d.code}`, d.label]));
    const ruleCounty = counties[0] ?? cadres[0]?.county_code ?? ctx.user.countyCode;
    const ruleOf = (county: string) => (homeRule && homeRule.countyCode === county ? Promise.resolve(homeRule) : loadRule(db, county, year));
    const rulePromise = ruleCounty ? ruleOf(ruleCounty) : Promise.resolve(null);
    // The download is logged while the rest is read, not after it.
    const logged =
      ruleCounty && list.length
        ? db.transaction().execute((tx) =>
            writeAudit(tx, ctx, {
              module: 'visits',
              action: 'sync-download',
              entity: 'visit_sync',
              countyCode: ruleCounty,
              summary: `下载离线走访数据：结对户 ${list.length} 户（含联系电话），每户最近走访 ${recent} 条`,
              after: { households: list.map((p) => p.household_id), recent },
            }),
          ).then(
            () => null,
            (e: unknown) => e,
          )
        : Promise.resolve(null);
    const label = (type: string, code: string | null) => (code ? labels.get(`${type}:${code}`) ?? null : null);

    const households: SyncHousehold[] = [];
    for (const county of counties) {
      const mine = list.filter((p) => p.county_code === county);
      const ids = mine.map((p) => p.household_id);
      // The households are the login's current pairings: their month is evaluated directly,
      // without the rate engine's scope lookups.
      const [members, tasks, visitItems, evals] = await Promise.all([
        syncRepo.members(db, county, ids),
        syncRepo.openTasks(db, county, ids),
        visitRepo.lastPerHousehold(db, own, county, ids, recent).then((v) => withPhotos(db, v as unknown as Parameters<typeof withPhotos>[1])),
        ruleOf(county).then((rule) => evaluateHouseholds(db, county, rule, month, ids)),
      ]);
      for (const p of mine) {
        const e = evals.find((x) => x.householdId === p.household_id);
        households.push({
          id: p.household_id,
          countyCode: county,
          householdNo: p.household_no,
          headName: p.head_name,
          address: p.address,
          phone: p.phone,
          villageName: p.village_name,
          status: p.status,
          version: p.version,
          cadreId: p.cadre_id,
          pairedSince: p.start_date,
          members: members
            .filter((m) => m.household_id === p.household_id)
            .map((m) => ({
              name: m.name,
              relation: m.relation,
              relationLabel: label('relation', m.relation),
              sex: m.sex,
              age: safeAge(m.birth_date, on),
              health: m.health,
              healthLabel: label('health', m.health),
              schooling: m.schooling,
              schoolingLabel: label('schooling', m.schooling),
              labour: m.labour,
              labourLabel: label('labour', m.labour),
            })),
          due: e
            ? {
                required: e.result.required,
                done: e.result.done,
                remaining: Math.max(0, e.result.required - e.result.done),
                outcome: e.result.outcome,
                reason: e.result.reason,
              }
            : { required: 0, done: 0, remaining: 0, outcome: 'not_required', reason: null },
          lastVisitDate: visitItems.find((v) => v.householdId === p.household_id)?.visitDate ?? null,
          recentVisits: visitItems.filter((v) => v.householdId === p.household_id),
          openTasks: tasks
            .filter((t) => t.household_id === p.household_id)
            .map((t) => ({ id: t.id, problem: t.problem, deadline: t.deadline, overdue: t.deadline < on })),
        });
      }
    }
    const rule = await rulePromise;
    // Held as a value so a failing read above cannot leave it rejected and unheard.
    const logError = await logged;
    if (logError) throw logError;
    return {
      serverTime: new Date().toISOString(),
      today: on,
      month,
      recent,
      cadres: cadres.map((c) => ({ id: c.id, countyCode: c.county_code, name: c.name, unitName: c.unit_name })),
      rule: {
        minVisitsPerMonth: rule?.minVisitsPerMonth ?? 2,
        visitDay: rule?.visitDay ?? null,
        visitDayDate: visitDayDate(month, rule?.visitDay ?? null),
        countedKinds: rule?.countedKinds ?? ['home'],
      },
      households,
      truncated,
    };
  },

  async upload(db: Db, ctx: Ctx, visits: unknown[]) {
    const results = await recordService.recordBatch(db, ctx, visits, 'sync');
    const count = (s: string) => results.filter((r) => r.status === s).length;
    return {
      serverTime: new Date().toISOString(),
      results,
      summary: { created: count('created'), duplicate: count('duplicate'), conflict: count('conflict'), rejected: count('rejected') },
    };
  },
};

function safeAge(birth: string, on: string): number | null {
  try {
    return ageOn(birth, on);
  } catch {
    return null;
  }
}
