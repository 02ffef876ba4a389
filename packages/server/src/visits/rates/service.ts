import ExcelJS from 'exceljs';
import { areaPrefix } from '@fupin/shared/area';
import { diff, writeAudit } from '../../audit/audit';
import type { Db } from '../../db/db';
import type { Ctx } from '../../http/context';
import { errors } from '../../http/errors';
import { accessOf, assertCountyWritable, reachesCounty, type VisitAccess } from '../access';
import { today } from '../common';
import { loadRule, saveRule, type StoredRule } from '../rule-store';
import {
  OUTCOME_LABELS,
  addMonths,
  rateOfCounts,
  formatRate,
  monthOf,
  monthsOfYear,
  type Outcome,
  type RateLevel,
} from '../rules';
import { teamService } from '../teams/service';
import { evaluateMonth, householdNames, monthCounts, unpairedCount, unpairedHouseholds, type CountKey, type HouseholdEval, type OutcomeCounts } from './engine';
import { rateRepo } from './repository';
import type { GroupBy, HouseholdRateItem, PutRuleBody, RateRow } from './schemas';

const MODULE = 'visits';
const prefixOf = (code?: string) => (code ? areaPrefix(code) : undefined);
const levelOf = (g: GroupBy): RateLevel => (g === 'unit' || g === 'cadre' ? 'person' : 'area');

const NONE: OutcomeCounts = { met: 0, missed: 0, unassigned: 0, exempt: 0 };

function totalsOf(c: OutcomeCounts, level: RateLevel) {
  const t = rateOfCounts(c, level);
  return { ...t, rateText: formatRate(t.rate) };
}

function sumCounts(all: Iterable<OutcomeCounts>): OutcomeCounts {
  const t = { ...NONE };
  for (const c of all) for (const o of ['met', 'missed', 'unassigned', 'exempt'] as const) t[o] += c[o];
  return t;
}

/** Rate rows per group, named, and the totals: counted in SQL (engine.ts#monthCounts). */
async function countedGroups(db: Db, access: VisitAccess, f: { month: string; areaPrefix?: string; unitOrgId?: number }, g: GroupBy) {
  const counts = (await monthCounts(db, access, f, g as CountKey))!;
  return { grouped: await namedGroups(db, counts, g), total: sumCounts(counts.values()) };
}

async function namedGroups(db: Db, groups: Map<string, OutcomeCounts>, g: GroupBy): Promise<RateRow[]> {
  const level = levelOf(g);
  const keys = [...groups.keys()];
  let names: Map<string, { name: string; parentName: string | null }>;
  if (g === 'unit') {
    const m = await rateRepo.orgNames(db, keys.map(Number));
    names = new Map(keys.map((k) => [k, { name: m.get(Number(k)) ?? `单位 ${k}`, parentName: null }]));
  } else if (g === 'cadre') {
    const m = await rateRepo.cadreNames(
      db,
      keys.map((k) => ({ county: k.split(':')[0], id: Number(k.split(':')[1]) })),
    );
    names = new Map(keys.map((k) => [k, { name: m.get(k)?.name ?? k, parentName: m.get(k)?.unitName ?? null }]));
  } else names = await rateRepo.areaNames(db, keys);
  return keys
    .map((k) => ({ key: k, name: names.get(k)?.name ?? k, parentName: names.get(k)?.parentName ?? null, ...totalsOf(groups.get(k)!, level) }))
    .filter((r) => r.required > 0 || r.exempt > 0 || r.unassigned > 0)
    .sort((a, b) => (a.rate ?? 2) - (b.rate ?? 2) || b.missed - a.missed || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

async function householdItems(db: Db, rows: HouseholdEval[]): Promise<HouseholdRateItem[]> {
  const areas = await rateRepo.areaNames(db, [...rows.map((r) => r.villageCode), ...rows.map((r) => r.townshipCode)]);
  const hh = await householdNames(db, rows);
  const cadres = await rateRepo.cadreNames(
    db,
    rows.filter((r) => r.result.responsible).map((r) => ({ county: r.countyCode, id: r.result.responsible!.cadreId })),
  );
  return rows.map((r) => {
    const c = r.result.responsible ? cadres.get(`${r.countyCode}:${r.result.responsible.cadreId}`) : undefined;
    return {
      countyCode: r.countyCode,
      householdId: r.householdId,
      householdNo: hh.get(`${r.countyCode}:${r.householdId}`)?.householdNo ?? '',
      headName: hh.get(`${r.countyCode}:${r.householdId}`)?.headName ?? null,
      villageName: areas.get(r.villageCode)?.name ?? null,
      townshipName: areas.get(r.townshipCode)?.name ?? null,
      cadreId: r.result.responsible?.cadreId ?? null,
      cadreName: c?.name ?? null,
      unitName: c?.unitName ?? null,
      required: r.result.required,
      done: r.result.done,
      outcome: r.result.outcome,
      outcomeLabel: OUTCOME_LABELS[r.result.outcome],
      reason: r.result.reason,
      lastVisitDate: r.lastVisitDate,
    };
  });
}

const outcomesWanted = (want: string): Outcome[] =>
  want === 'all' ? ['met', 'missed', 'unassigned', 'exempt'] : want === 'behind' ? ['missed', 'unassigned'] : [want as Outcome];

function ruleView(r: StoredRule) {
  return {
    countyCode: r.countyCode,
    year: r.year,
    isDefault: r.isDefault,
    minVisitsPerMonth: r.minVisitsPerMonth,
    visitDay: r.visitDay,
    countedKinds: r.countedKinds,
    requiredStatuses: r.requiredStatuses,
    proratePartialMonth: r.proratePartialMonth,
    attendanceMinDays: r.attendanceMinDays,
    reportDueDay: r.reportDueDay,
  };
}

export const rateService = {
  // ---------------- 走访规则 ----------------
  async getRule(db: Db, ctx: Ctx, countyCode: string, year: number) {
    if (!reachesCounty(ctx.scope, countyCode) && !(await ownCounty(db, ctx, countyCode))) throw errors.notFound(`县 ${countyCode} 的走访规则`);
    return ruleView(await loadRule(db, countyCode, year));
  },

  async putRule(db: Db, ctx: Ctx, countyCode: string, year: number, body: PutRuleBody) {
    assertCountyWritable(accessOf(ctx), countyCode, `县 ${countyCode} 的走访规则`);
    const county = await db.selectFrom('area').select(['code', 'name']).where('code', '=', countyCode).where('level', '=', 3).executeTakeFirst();
    if (!county) throw errors.notFound(`县 ${countyCode} `);
    const before = await loadRule(db, countyCode, year);
    const next: StoredRule = { ...before, ...body, isDefault: false };
    await db.transaction().execute(async (tx) => {
      await saveRule(tx, next, ctx.user.id);
      const d = diff(ruleView(before) as Record<string, unknown>, ruleView(next) as Record<string, unknown>);
      await writeAudit(tx, ctx, {
        module: MODULE,
        action: 'rule',
        entity: 'visit_rule',
        entityId: `${countyCode}:${year}`,
        countyCode,
        areaCode: countyCode,
        summary: `修改 ${county.name} ${year} 年走访规则：每户每月至少 ${next.minVisitsPerMonth} 次${next.visitDay ? `，每月 ${next.visitDay} 日为走贫日` : ''}，驻村每月至少 ${next.attendanceMinDays} 天`,
        before: d.before,
        after: d.after,
      });
    });
    return ruleView(await loadRule(db, countyCode, year));
  },

  // ---------------- 走访率 ----------------
  async rates(db: Db, ctx: Ctx, q: { month: string; groupBy: GroupBy; areaCode?: string; unitOrgId?: number; behindOnly: boolean }) {
    const access = accessOf(ctx);
    const level = levelOf(q.groupBy);
    const f = { month: q.month, areaPrefix: prefixOf(q.areaCode), unitOrgId: q.unitOrgId };
    const { grouped: all, total } = await countedGroups(db, access, f, q.groupBy);
    const grouped = q.behindOnly ? all.filter((r) => r.rate !== null && r.rate < 1) : all;
    const unpaired = await unpairedCount(db, access, q.month, prefixOf(q.areaCode));
    return {
      month: q.month,
      groupBy: q.groupBy,
      level,
      totals: totalsOf(total, level),
      unpaired,
      rows: grouped,
    };
  },

  async households(
    db: Db,
    ctx: Ctx,
    q: { page: number; pageSize: number; month: string; areaCode?: string; unitOrgId?: number; cadreId?: number; outcome: string },
  ) {
    const { rows, total } = await evaluateMonth(db, accessOf(ctx), {
      month: q.month,
      areaPrefix: prefixOf(q.areaCode),
      unitOrgId: q.unitOrgId,
      cadreId: q.cadreId,
      outcomes: outcomesWanted(q.outcome),
      limit: q.pageSize,
      offset: (q.page - 1) * q.pageSize,
    });
    return { items: await householdItems(db, rows), total, page: q.page, pageSize: q.pageSize };
  },

  async unpaired(db: Db, ctx: Ctx, q: { page: number; pageSize: number; month: string; areaCode?: string }) {
    const access = accessOf(ctx);
    const [page, total] = await Promise.all([
      unpairedHouseholds(db, access, q.month, prefixOf(q.areaCode), { limit: q.pageSize, offset: (q.page - 1) * q.pageSize }),
      unpairedCount(db, access, q.month, prefixOf(q.areaCode)),
    ]);
    const names = await rateRepo.areaNames(
      db,
      page.map((r) => r.village_code),
    );
    return {
      items: page.map((r) => ({
        countyCode: r.county_code,
        householdId: r.id,
        householdNo: r.household_no,
        headName: r.head_name,
        villageName: names.get(r.village_code)?.name ?? null,
        status: r.status,
      })),
      total,
      page: q.page,
      pageSize: q.pageSize,
    };
  },

  /** The station's monthly chase list as a workbook: exactly what the caller may see. */
  async exportXlsx(db: Db, ctx: Ctx, q: { month: string; areaCode?: string; unitOrgId?: number }) {
    const access = accessOf(ctx);
    const f = { month: q.month, areaPrefix: prefixOf(q.areaCode), unitOrgId: q.unitOrgId };
    const { rows } = await evaluateMonth(db, access, { ...f, outcomes: ['missed', 'unassigned'] });
    const wb = new ExcelJS.Workbook();
    wb.creator = '扶贫工作站';
    wb.created = new Date();
    const stamp = `导出人：${ctx.user.name}（${ctx.user.username}） 导出时间：${new Date().toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' })} 统计月份：${q.month}`;
    const sheet = (name: string, title: string, header: string[], data: (string | number | null)[][], widths: number[]) => {
      const ws = wb.addWorksheet(name);
      ws.addRow([title]).font = { bold: true, size: 14 };
      ws.addRow([stamp]).font = { color: { argb: 'FF888888' }, size: 9 };
      const h = ws.addRow(header);
      h.font = { bold: true };
      h.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEFEFEF' } };
      for (const d of data) ws.addRow(d.map(cellSafe));
      widths.forEach((w, i) => (ws.getColumn(i + 1).width = w));
      ws.views = [{ state: 'frozen', ySplit: 3 }];
    };
    const rateCols = (r: RateRow) => [r.required, r.met, r.missed, r.unassigned, r.exempt, r.rateText];
    const rateHeader = ['应走访户数', '达标户数', '未达标户数', '需重新结对', '豁免户数', '走访率'];
    const villages = (await countedGroups(db, access, f, 'village')).grouped;
    sheet('按村汇总', `${q.month} 走访率（按村）`, ['乡镇', '村', ...rateHeader], villages.map((r) => [r.parentName, r.name, ...rateCols(r)]), [14, 14, 12, 10, 12, 12, 10, 10]);
    const units = (await countedGroups(db, access, f, 'unit')).grouped.filter((r) => r.rate !== null && r.rate < 1);
    sheet('落后单位', `${q.month} 走访未达标的帮扶单位`, ['帮扶单位', ...rateHeader], units.map((r) => [r.name, ...rateCols(r)]), [24, 12, 10, 12, 12, 10, 10]);
    const cadres = (await countedGroups(db, access, f, 'cadre')).grouped.filter((r) => r.rate !== null && r.rate < 1);
    sheet('落后干部', `${q.month} 走访未达标的帮扶干部`, ['帮扶干部', '单位', ...rateHeader], cadres.map((r) => [r.name, r.parentName, ...rateCols(r)]), [12, 24, 12, 10, 12, 12, 10, 10]);
    const behind = await householdItems(db, rows);
    sheet(
      '未达标农户',
      `${q.month} 走访未达标农户（催办清单）`,
      ['乡镇', '村', '户编号', '户主', '帮扶干部', '帮扶单位', '应走访', '已走访', '最近走访', '情况'],
      behind.map((h) => [h.townshipName, h.villageName, h.householdNo, h.headName, h.cadreName, h.unitName, h.required, h.done, h.lastVisitDate, h.reason]),
      [12, 12, 20, 10, 10, 22, 8, 8, 12, 36],
    );
    const unpaired = await unpairedHouseholds(db, access, q.month, prefixOf(q.areaCode));
    const unpairedNames = await rateRepo.areaNames(
      db,
      unpaired.map((u) => u.village_code),
    );
    sheet('未结对农户', `${q.month} 未结对帮扶责任人的农户`, ['村', '户编号', '户主'], unpaired.map((u) => [unpairedNames.get(u.village_code)?.name ?? u.village_code, u.household_no, u.head_name]), [14, 20, 12]);
    const buffer = Buffer.from(await wb.xlsx.writeBuffer());
    const countyForLog = rows[0]?.countyCode ?? ctx.user.countyCode;
    await db.transaction().execute((tx) =>
      writeAudit(tx, ctx, {
        module: MODULE,
        action: 'export',
        entity: 'visit_rate',
        countyCode: countyForLog,
        areaCode: q.areaCode ?? null,
        summary: `导出 ${q.month} 走访率与催办清单：未达标农户 ${behind.length} 户，落后干部 ${cadres.length} 名，落后单位 ${units.length} 个`,
        after: { month: q.month, areaCode: q.areaCode ?? null, unitOrgId: q.unitOrgId ?? null, households: behind.length },
      }),
    );
    return { buffer, filename: `走访率_${q.month}${q.areaCode ? `_${q.areaCode}` : ''}.xlsx` };
  },

  async dashboard(db: Db, ctx: Ctx, q: { year?: number; areaCode?: string }) {
    const access = accessOf(ctx);
    const on = today();
    const thisMonth = monthOf(on);
    const year = q.year ?? Number(on.slice(0, 4));
    const lastMonthOfYear = year === Number(on.slice(0, 4)) ? thisMonth : `${year}-12`;
    const first = `${year}-01-01`;
    const last = `${year}-12-31`;
    const counts = await rateRepo.counts(db, access, { areaPrefix: prefixOf(q.areaCode), first, last, today: on });
    const trend = [];
    let current = totalsOf(NONE, 'area');
    for (const m of year > Number(on.slice(0, 4)) ? [] : monthsOfYear(year, lastMonthOfYear)) {
      // Months already built are counted from the stored verdicts; the others are counted in
      // SQL once and built in the background (engine.ts#monthCounts).
      const counts = await monthCounts(db, access, { month: m, areaPrefix: prefixOf(q.areaCode) }, 'county');
      const t = totalsOf(sumCounts(counts!.values()), 'area');
      trend.push({ month: m, rate: t.rate, rateText: t.rateText, required: t.required, met: t.met });
      if (m === lastMonthOfYear) current = t;
    }
    const attMonth = year === Number(on.slice(0, 4)) ? addMonths(thisMonth, -1) : `${year}-12`;
    const att = await teamService.attendance(db, ctx, { month: attMonth, areaCode: q.areaCode });
    return {
      year,
      month: lastMonthOfYear,
      counts,
      currentMonth: current,
      attendance: { month: attMonth, ...att.summary },
      trend,
    };
  },
};

/** A cadre may read the rule of the county they help in even without an area scope. */
async function ownCounty(db: Db, ctx: Ctx, countyCode: string) {
  const r = await db.selectFrom('cadre').select('id').where('county_code', '=', countyCode).where('user_id', '=', ctx.user.id).executeTakeFirst();
  return !!r;
}

/** A cell that starts like a formula is shown as text (CSV/Excel injection). */
function cellSafe(v: string | number | null): string | number | null {
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(v)) return `'${v}`;
  return v;
}

