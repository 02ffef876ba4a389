import { writeAudit } from '../../audit/audit';
import type { Db } from '../../db/db';
import type { Ctx } from '../../http/context';
import { errors } from '../../http/errors';
import { coversCounty, iso, yuan } from '../common';
import { loanErrors } from '../errors';
import { DEFAULT_SCHEME, type SchemeParams } from '../rules';
import { columnsOf, paramsOf, quotaRepo, schemeRepo, type SchemeRow } from './repository';
import type { CreateSchemeBody, PutQuotaBody, QuotaItem, ReviseSchemeBody, SchemeItem } from './schemas';

const bp = (v: number) => `${(v / 100).toFixed(2)}%`;

export function schemeSummary(p: SchemeParams, industryLabels: Map<string, string>) {
  return [
    { label: '贴息标准', value: `${bp(p.subsidyRateBp)}/年，按年利率 ÷ ${p.dayCountBasis} 计日`, article: '第三条5' },
    { label: '贴息范围', value: p.productionOnlySubsidy ? '只对发展生产的贷款贴息' : '生产与非生产贷款均贴息', article: '第三条3' },
    { label: '贷款投向', value: p.eligibleIndustries.map((c) => industryLabels.get(c) ?? c).join('、'), article: '第三条2' },
    { label: '最长期限', value: `${p.maxTermMonths} 个月`, article: '第三条4' },
    { label: '农户贷款上限', value: `${yuan(p.householdCapFen)}（超出须经县扶贫办和县信用联社审批）`, article: '第七条1' },
    {
      label: '审查期限',
      value: `村委会初审 ${p.villageReviewDays}、工作站 ${p.stationReviewDays}、信用社 ${p.coopReviewDays}、县级 ${p.countyReviewDays} 个工作日`,
      article: '第十二条1–2',
    },
    { label: '季度报表', value: `每季度第一个月 ${p.reportDay} 日前报上季度情况（遇节假日顺延）`, article: '第十二条3–4' },
    {
      label: '考核',
      value: `回收率 ≥ ${bp(p.rewardThresholdBp)} 增加指标并奖励；< ${bp(p.cutThresholdBp)} 削减指标、不安排工作经费；指标调整幅度 ${bp(p.quotaAdjustBp)}`,
      article: '第九条',
    },
    {
      label: '逾期与贴息',
      value: p.lateRule === 'forfeit_all' ? '任何一笔本金逾期归还，整笔贷款不予贴息' : '逾期归还的本金不贴息，按期归还的本金照常贴息',
      article: '第三条6',
    },
  ];
}

async function industryLabels(db: Db) {
  const rows = await schemeRepo.knownCodes(db, 'loan_industry');
  return new Map(rows.map((r) => [r.code, r.label]));
}

export function toSchemeItem(r: SchemeRow, labels: Map<string, string>): SchemeItem {
  const p = paramsOf(r);
  return {
    id: r.id,
    countyCode: r.county_code,
    year: r.year,
    version: r.version,
    name: r.name,
    status: r.status,
    statusLabel: r.status === 'active' ? '现行' : '已被新版本取代',
    documentNo: r.document_no,
    changeReason: r.change_reason,
    createdByName: r.created_by_name,
    createdAt: iso(r.created_at),
    supersededAt: r.superseded_at ? iso(r.superseded_at) : null,
    ...p,
    summary: schemeSummary(p, labels),
  };
}

async function validateParams(db: Db, p: SchemeParams) {
  if (p.cutThresholdBp > p.rewardThresholdBp) throw loanErrors.badScheme('削减回收率不能高于奖励回收率');
  const industries = new Set((await schemeRepo.knownCodes(db, 'loan_industry')).map((r) => r.code));
  const unknown = p.eligibleIndustries.filter((c) => !industries.has(c) || c === 'non_production');
  if (unknown.length) throw loanErrors.badScheme(`贷款投向含未知或非生产性的产业代码：${unknown.join('、')}`);
  const categories = new Set((await schemeRepo.knownCodes(db, 'household_category')).map((r) => r.code));
  const badCat = p.noLabourCategories.filter((c) => !categories.has(c));
  if (badCat.length) throw loanErrors.badScheme(`五保/特困类户属性含未知代码：${badCat.join('、')}`);
}

function pickParams(base: SchemeParams, body: Partial<SchemeParams>): SchemeParams {
  const out = { ...base };
  for (const k of Object.keys(base) as (keyof SchemeParams)[]) {
    if (body[k] !== undefined) (out as Record<string, unknown>)[k] = body[k];
  }
  return out;
}

async function assertCounty(db: Db, ctx: Ctx, countyCode: string) {
  const area = await db.selectFrom('area').select(['level']).where('code', '=', countyCode).executeTakeFirst();
  if (!area || area.level !== 3) throw errors.badRequest(`县级区划代码：${countyCode} 不是已登记的县（区）`);
  if (!coversCounty(ctx.scope, countyCode)) throw errors.outOfScope('该县');
}

export const schemeService = {
  async list(db: Db, ctx: Ctx, q: { countyCode?: string; year?: number; includeSuperseded?: 'true' | 'false' }) {
    const rows = await schemeRepo.list(db, ctx.scope, { ...q, includeSuperseded: q.includeSuperseded === 'true' });
    const labels = await industryLabels(db);
    return { items: rows.map((r) => toSchemeItem(r, labels)) };
  },

  async get(db: Db, ctx: Ctx, id: number) {
    const r = await schemeRepo.get(db, ctx.scope, id);
    if (!r) throw errors.notFound('贷款方案');
    return toSchemeItem(r, await industryLabels(db));
  },

  async current(db: Db, ctx: Ctx, countyCode: string, year: number) {
    const rows = await schemeRepo.list(db, ctx.scope, { countyCode, year, includeSuperseded: false });
    if (!rows.length) throw loanErrors.noScheme(countyCode, year);
    return toSchemeItem(rows[0], await industryLabels(db));
  },

  async create(db: Db, ctx: Ctx, body: CreateSchemeBody) {
    await assertCounty(db, ctx, body.countyCode);
    const params = pickParams(DEFAULT_SCHEME, body);
    await validateParams(db, params);
    const labels = await industryLabels(db);
    return db.transaction().execute(async (tx) => {
      if (await schemeRepo.active(tx, body.countyCode, body.year)) throw loanErrors.schemeExists(body.year);
      const row = await schemeRepo
        .insert(tx, {
          county_code: body.countyCode,
          year: body.year,
          version: 1,
          name: body.name,
          document_no: body.documentNo ?? null,
          change_reason: null,
          ...columnsOf(params),
          created_by: ctx.user.id || null,
          created_by_name: ctx.user.name,
        })
        .catch((e: { code?: string }) => {
          if (e.code === '23505') throw loanErrors.schemeExists(body.year);
          throw e;
        });
      const item = toSchemeItem(row, labels);
      await writeAudit(tx, ctx, {
        module: 'loan',
        action: 'create',
        entity: 'loan_scheme',
        entityId: row.id,
        areaCode: body.countyCode,
        countyCode: body.countyCode,
        summary: `发布 ${body.year} 年度到户贷款方案“${body.name}”第 1 版（贴息 ${bp(params.subsidyRateBp)}/年，上限 ${yuan(params.householdCapFen)}）`,
        after: { ...params, name: body.name, documentNo: body.documentNo ?? null },
      });
      return item;
    });
  },

  /** A change is a new version; the old one stays, and loans made under it keep it. */
  async revise(db: Db, ctx: Ctx, id: number, body: ReviseSchemeBody) {
    const current = await schemeRepo.get(db, ctx.scope, id);
    if (!current) throw errors.notFound('贷款方案');
    if (!coversCounty(ctx.scope, current.county_code)) throw errors.outOfScope('该县');
    const params = pickParams(paramsOf(current), body);
    await validateParams(db, params);
    const labels = await industryLabels(db);
    return db.transaction().execute(async (tx) => {
      const locked = await schemeRepo.lockForRevision(tx, current.county_code, id);
      if (!locked || locked.status !== 'active') throw loanErrors.schemeSuperseded(current.version);
      if (locked.version !== body.version) throw loanErrors.stale('贷款方案');
      await schemeRepo.supersede(tx, locked.county_code, locked.id);
      const row = await schemeRepo.insert(tx, {
        county_code: locked.county_code,
        year: locked.year,
        version: locked.version + 1,
        name: body.name ?? locked.name,
        document_no: body.documentNo ?? locked.document_no,
        change_reason: body.changeReason,
        ...columnsOf(params),
        created_by: ctx.user.id || null,
        created_by_name: ctx.user.name,
      });
      const before = paramsOf(locked);
      const changed = (Object.keys(params) as (keyof SchemeParams)[]).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(params[k]));
      await writeAudit(tx, ctx, {
        module: 'loan',
        action: 'revise',
        entity: 'loan_scheme',
        entityId: row.id,
        areaCode: locked.county_code,
        countyCode: locked.county_code,
        summary: `修订 ${locked.year} 年度到户贷款方案为第 ${row.version} 版（${changed.length ? `变更 ${changed.join('、')}` : '参数未变'}）：${body.changeReason}`,
        before: Object.fromEntries(changed.map((k) => [k, before[k]])),
        after: Object.fromEntries(changed.map((k) => [k, params[k]])),
      });
      return toSchemeItem(row, labels);
    });
  },
};

function quotaItem(countyCode: string, year: number, r: Awaited<ReturnType<typeof quotaRepo.listWithUsage>>[number]): QuotaItem {
  const amount = Number(r.amount_fen ?? 0);
  const count = Number(r.loan_count ?? 0);
  const usedFen = Number(r.used_fen ?? 0);
  const usedCount = Number(r.used_count ?? 0);
  return {
    id: r.id ?? null,
    countyCode,
    year,
    townshipCode: r.township_code,
    townshipName: r.township_name,
    amountFen: amount,
    loanCount: count,
    usedFen,
    usedCount,
    pendingFen: Number(r.pending_fen ?? 0),
    pendingCount: Number(r.pending_count ?? 0),
    remainingFen: amount - usedFen,
    remainingCount: count - usedCount,
    usedPercent: amount > 0 ? Math.floor((usedFen * 10_000) / amount) / 100 : null,
    documentNo: r.document_no ?? null,
    note: r.note ?? null,
    version: r.version ?? null,
    loanPreconditionMet: r.loan_precondition_met,
  };
}

export const quotaService = {
  async list(db: Db, ctx: Ctx, countyCode: string, year: number) {
    const rows = await quotaRepo.listWithUsage(db, countyCode, year);
    // A township user sees their own township; county users see every township of their county.
    const visible = rows.filter((r) => coversCounty(ctx.scope, countyCode) || inScopeTownship(ctx, r.township_code));
    const items = visible.map((r) => quotaItem(countyCode, year, r));
    const sum = (f: (i: QuotaItem) => number) => items.reduce((s, i) => s + f(i), 0);
    return {
      items,
      totals: {
        amountFen: sum((i) => i.amountFen),
        loanCount: sum((i) => i.loanCount),
        usedFen: sum((i) => i.usedFen),
        usedCount: sum((i) => i.usedCount),
        remainingFen: sum((i) => i.remainingFen),
      },
    };
  },

  async put(db: Db, ctx: Ctx, body: PutQuotaBody) {
    if (!coversCounty(ctx.scope, body.countyCode)) throw errors.outOfScope('该县');
    const t = await quotaRepo.township(db, body.townshipCode);
    if (!t || t.level !== 4 || t.county_code !== body.countyCode) throw loanErrors.notTownship(body.townshipCode);
    return db.transaction().execute(async (tx) => {
      const existing = await quotaRepo.lock(tx, body.countyCode, body.year, body.townshipCode);
      const used = await quotaRepo.used(tx, body.countyCode, body.year, body.townshipCode);
      if (body.amountFen < used.amountFen || body.loanCount < used.count) {
        throw loanErrors.quotaBelowUsed(`${yuan(used.amountFen)}、${used.count} 笔`);
      }
      const set = { amount_fen: body.amountFen, loan_count: body.loanCount, document_no: body.documentNo ?? null, note: body.note ?? null };
      let row;
      if (existing) {
        row = await quotaRepo.update(tx, body.countyCode, existing.id, body.version, set);
        if (!row) throw loanErrors.stale('计划指标');
      } else {
        row = await quotaRepo.insert(tx, { county_code: body.countyCode, year: body.year, township_code: body.townshipCode, ...set }).catch((e: { code?: string }) => {
          if (e.code === '23505') throw loanErrors.stale('计划指标');
          throw e;
        });
      }
      await writeAudit(tx, ctx, {
        module: 'loan',
        action: existing ? 'update' : 'create',
        entity: 'loan_quota',
        entityId: row.id,
        areaCode: body.townshipCode,
        countyCode: body.countyCode,
        summary: `${existing ? '调整' : '下达'} ${t.name} ${body.year} 年度到户贷款计划指标：${yuan(body.amountFen)}、${body.loanCount} 笔${body.documentNo ? `（${body.documentNo}）` : ''}`,
        before: existing ? { amountFen: existing.amount_fen, loanCount: existing.loan_count } : null,
        after: { amountFen: body.amountFen, loanCount: body.loanCount },
      });
      const rows = await quotaRepo.listWithUsage(tx, body.countyCode, body.year);
      return quotaItem(body.countyCode, body.year, rows.find((r) => r.township_code === body.townshipCode)!);
    });
  },
};

function inScopeTownship(ctx: Ctx, townshipCode: string) {
  const s = ctx.scope;
  if (s.kind === 'all') return true;
  if (s.kind !== 'areas') return false;
  return s.below.some((p) => townshipCode.startsWith(p) || p.startsWith(townshipCode)) || s.exact.some((c) => c.startsWith(townshipCode));
}
