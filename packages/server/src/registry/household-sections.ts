import type { DbOrTx } from '../db/db';
import type { Ctx } from '../http/context';

/**
 * The household page shows everything known about a household on one screen. Other modules
 * (loans, visits, benefits …) add their part without touching the registry: at import time they
 * call registerHouseholdSection('loans', '到户贷款', loader). The loader runs with the caller's
 * context after the registry has checked that the household is in scope, and returns JSON that the
 * module's own web component renders. A loader that fails leaves an error note in its section
 * instead of failing the page.
 */
export type HouseholdRef = { countyCode: string; id: number; areaCode: string; householdNo: string };
export type HouseholdSectionLoader = (db: DbOrTx, ctx: Ctx, household: HouseholdRef) => Promise<unknown>;

const sections = new Map<string, { title: string; load: HouseholdSectionLoader }>();

export function registerHouseholdSection(key: string, title: string, load: HouseholdSectionLoader) {
  sections.set(key, { title, load });
}

export async function loadHouseholdSections(db: DbOrTx, ctx: Ctx, h: HouseholdRef) {
  const out: Record<string, { title: string; data: unknown; error?: string }> = {};
  for (const [key, s] of sections) {
    try {
      out[key] = { title: s.title, data: await s.load(db, ctx, h) };
    } catch (e) {
      out[key] = { title: s.title, data: null, error: `加载失败：${(e as Error).message}` };
    }
  }
  return out;
}
