/**
 * Pieces every part of the registry uses: its error codes, dictionary look-ups, the household's
 * place in the area tree, today's date and the working-day calendar.
 */
import { todayInChina, type WorkingCalendar } from '@fupin/shared';
import { loadCalendar } from '../calendar/service';
import type { DbOrTx } from '../db/db';
import { AppError, errors, type FieldIssue } from '../http/errors';
import { scopeCoversArea, type Scope } from '../scope/scope';
import type { DictEntry } from './rules';

// E2xxx — registry. Documented in docs/registry.md.
export const regErrors = {
  /** 400: field rules beyond the schema (ID check digit, ID vs sex/birth date, dictionary codes, income). */
  invalid: (issues: FieldIssue[]) =>
    new AppError(400, 'E2001', issues.map((i) => (i.field ? `${i.field}：${i.message}` : i.message)).join('；'), { issues }),
  /** 409: the resident ID is already an active member of another household. */
  idInUse: (message: string, details?: unknown) => new AppError(409, 'E2002', message, details),
  /** 400: a household needs exactly one head among its active members. */
  heads: (message: string) => new AppError(400, 'E2003', message),
  /** 400: households live in a village or a village group. */
  areaLevel: (message: string) => new AppError(400, 'E2004', message, { issues: [{ field: '所在村（组）', message }] }),
  /** 409: household number taken. */
  householdNo: (no: string) => new AppError(409, 'E2005', `户编号 ${no} 已被使用`, { issues: [{ field: '户编号', message: '已被使用' }] }),
  /** 409: the member is not (or no longer) an active member of this household. */
  memberState: (message: string) => new AppError(409, 'E2006', message),
  /** 409: the household's status does not allow this. */
  householdState: (message: string) => new AppError(409, 'E2007', message),
  /** 409: a workflow step out of order or on a finished case. */
  workflowState: (message: string, details?: unknown) => new AppError(409, 'E2010', message, details),
  /** 409: the household already has an open case. */
  workflowOpen: (message: string) => new AppError(409, 'E2011', message),
  /** 409: the exit rule is not met. */
  notEligible: (message: string, verdict: unknown) => new AppError(409, 'E2012', message, { verdict }),
  /** 409: the public notice period is not over yet. */
  noticeRunning: (message: string) => new AppError(409, 'E2013', message),
  /** 409: objections to the notice are still open. */
  objectionsOpen: (message: string) => new AppError(409, 'E2014', message),
  /** 400: a step date before the previous step or in the future. */
  stepDate: (message: string) => new AppError(400, 'E2015', message, { issues: [{ field: '日期', message }] }),
  /** 409: someone else decided this step first (the other request won). */
  workflowRace: () => new AppError(409, 'E2016', '该环节已由他人处理，请刷新后查看最新状态'),
  /** 400: an uploaded file that cannot be read as a registry import. */
  importFile: (message: string) => new AppError(400, 'E2040', message),
  /** 409: an import still running for this user. */
  importBusy: () => new AppError(409, 'E2041', '您有一个导入任务尚未完成，请等待其完成后再导入'),
};

export { errors };

/** Today in China; all registry dates are civil dates in UTC+8. */
export const today = () => todayInChina();

/** Enabled and disabled items of the given dictionary types (labels of old values still show). */
export async function loadDicts(db: DbOrTx, types: readonly string[]): Promise<Map<string, DictEntry[]>> {
  const rows = await db
    .selectFrom('dict_item')
    .select(['type_code', 'code', 'label', 'enabled'])
    .where('type_code', 'in', [...types])
    .orderBy('type_code')
    .orderBy('sort')
    .execute();
  const out = new Map<string, DictEntry[]>();
  for (const t of types) out.set(t, []);
  for (const r of rows) out.get(r.type_code)!.push({ code: r.code, label: r.label, enabled: r.enabled });
  return out;
}

export const REGISTRY_DICT_TYPES = [
  'household_category',
  'household_status',
  'poverty_cause',
  'relation',
  'health',
  'labour',
  'education',
  'schooling',
  'work_status',
  'ethnicity',
  'housing_safety',
  'identification_standard',
] as const;

// Labels change rarely and are only shown, never trusted: a short cache keeps lists from reading
// the dictionary on every request. Validation always reads the table inside its transaction.
let labelCache: { at: number; map: Map<string, Map<string, string>> } | null = null;
export async function dictLabels(db: DbOrTx): Promise<Map<string, Map<string, string>>> {
  if (labelCache && Date.now() - labelCache.at < 10_000) return labelCache.map;
  const d = await loadDicts(db, REGISTRY_DICT_TYPES);
  const map = new Map<string, Map<string, string>>();
  for (const [t, items] of d) map.set(t, new Map(items.map((i) => [i.code, i.label])));
  labelCache = { at: Date.now(), map };
  return map;
}
export function labelOf(labels: Map<string, Map<string, string>>, type: string, code: string | null | undefined): string | null {
  if (code == null) return null;
  return labels.get(type)?.get(code) ?? code;
}

/** A coded value must be an enabled dictionary item; the message lists what is allowed. */
export function dictIssue(dicts: Map<string, DictEntry[]>, type: string, code: string | null | undefined, field: string): FieldIssue | null {
  if (code == null || code === '') return null;
  const items = dicts.get(type) ?? [];
  if (items.some((i) => i.code === code && i.enabled !== false)) return null;
  const allowed = items.filter((i) => i.enabled !== false).map((i) => `${i.code}（${i.label}）`);
  return { field, message: `“${code}”不是有效的取值，可选：${allowed.join('、')}` };
}

export type Place = {
  areaCode: string;
  areaLevel: number;
  villageCode: string;
  townshipCode: string;
  countyCode: string;
  villageName: string;
  townshipName: string;
  groupName: string | null;
};

/**
 * Where a household may be placed: an existing village (level 5) or village group (level 6) in the
 * caller's scope (403 otherwise, as for every create outside the scope).
 */
export async function resolvePlace(db: DbOrTx, scope: Scope, areaCode: string): Promise<Place> {
  const a = await db
    .selectFrom('area as a')
    .leftJoin('area as p', 'p.code', 'a.parent_code')
    .leftJoin('area as pp', 'pp.code', 'p.parent_code')
    .select(['a.code', 'a.level', 'a.name', 'a.county_code', 'a.parent_code', 'p.name as parent_name', 'p.parent_code as grand_code', 'pp.name as grand_name'])
    .where('a.code', '=', areaCode)
    .executeTakeFirst();
  if (!a) throw regErrors.areaLevel(`区划 ${areaCode} 不存在`);
  if (!scopeCoversArea(scope, a.code)) throw errors.outOfScope('该村（组）');
  if (!a.county_code) throw regErrors.areaLevel(`区划 ${a.name}（${a.code}）没有所属县级代码`);
  if (a.level === 5)
    return {
      areaCode: a.code,
      areaLevel: 5,
      villageCode: a.code,
      townshipCode: a.parent_code!,
      countyCode: a.county_code,
      villageName: a.name,
      townshipName: a.parent_name ?? '',
      groupName: null,
    };
  if (a.level === 6)
    return {
      areaCode: a.code,
      areaLevel: 6,
      villageCode: a.parent_code!,
      townshipCode: a.grand_code!,
      countyCode: a.county_code,
      villageName: a.parent_name ?? '',
      townshipName: a.grand_name ?? '',
      groupName: a.name,
    };
  throw regErrors.areaLevel(`农户须登记在村或村民组，${a.name}（${a.code}）不是村或村民组`);
}

/** The working-day calendar (statutory holidays, adjusted weekends and the administrator's overrides). */
export function registryCalendar(db: DbOrTx): Promise<WorkingCalendar> {
  return loadCalendar(db);
}

export async function numberParam(db: DbOrTx, key: string, fallback: number): Promise<number> {
  const row = await db.selectFrom('sys_param').select('value').where('key', '=', key).executeTakeFirst();
  const v = row ? Number(row.value) : NaN;
  return Number.isFinite(v) ? v : fallback;
}
