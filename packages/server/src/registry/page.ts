import type { Db } from '../db/db';
import { ctxOf } from '../http/auth-hooks';
import { errorEnvelope } from '../http/common-schemas';
import type { Ctx } from '../http/context';
import { errors } from '../http/errors';
import { typed, type Module } from '../http/types';
import { registryCalendar, today } from './common';
import { toEventItem } from './events/service';
import { loadHouseholdSections } from './household-sections';
import { householdService } from './households/service';
import { idParam } from './households/schemas';
import { householdPage } from './page-schemas';
import { STATUS_LABELS, type HouseholdStatus, QUALITY_RULES, type QualityRule } from './rules';
import { exitCheck } from './workflow/exit';
import { workflowRepo } from './workflow/repository';
import { toItem } from './workflow/service';

const label = (s: string | null) => (s ? (STATUS_LABELS[s as HouseholdStatus] ?? s) : null);

/** Everything known about one household, for the household page (one request, one screen). */
export async function loadHouseholdPage(db: Db, ctx: Ctx, id: number) {
  const household = await householdService.get(db, ctx, id);
  const c = household.countyCode;
  const [hist, events, wfs, issues, raw, cal] = await Promise.all([
    db.selectFrom('household_status_history').selectAll().where('county_code', '=', c).where('household_id', '=', id).orderBy('id', 'desc').execute(),
    db.selectFrom('household_event').selectAll().where('county_code', '=', c).where('household_id', '=', id).orderBy('id', 'desc').limit(200).execute(),
    workflowRepo.list(db, ctx.scope, { householdId: id, page: 1, pageSize: 100, order: 'desc' } as never, today()),
    db.selectFrom('registry_quality_issue').selectAll().where('county_code', '=', c).where('household_id', '=', id).orderBy('severity').orderBy('id').execute(),
    db.selectFrom('household').selectAll().where('county_code', '=', c).where('id', '=', id).executeTakeFirst(),
    registryCalendar(db),
  ]);
  if (!raw) throw errors.notFound('农户');
  const day = today();
  return {
    household,
    statusHistory: hist.map((x) => ({
      id: x.id,
      fromStatus: x.from_status,
      fromStatusLabel: label(x.from_status),
      toStatus: x.to_status,
      toStatusLabel: label(x.to_status)!,
      date: x.changed_on,
      reason: x.reason,
      workflowId: x.workflow_id,
      actorName: x.actor_name,
    })),
    events: events.map(toEventItem),
    workflows: wfs.rows.map((w) => toItem(w, day, cal)),
    qualityIssues: issues.map((i) => ({ rule: i.rule, ruleLabel: QUALITY_RULES[i.rule as QualityRule] ?? i.rule, severity: i.severity, message: i.message, personId: i.person_id })),
    exitCheck: await exitCheck(db, raw),
    sections: await loadHouseholdSections(db, ctx, { countyCode: c, id, areaCode: household.areaCode, householdNo: household.householdNo }),
  };
}

export const pageRoutes: Module = (app, { db }) => {
  typed(app).get('/api/registry/households/:id/page', {
    config: { permission: 'registry:household:view' },
    schema: {
      tags: ['registry'],
      operationId: 'getHouseholdPage',
      summary: '农户一户一档：成员、状态变更、动态调整、流程、数据质量、退出核验及其他模块（贷款、走访等）的信息',
      params: idParam,
      response: { 200: householdPage, 403: errorEnvelope, 404: errorEnvelope },
    },
    handler: (req) => loadHouseholdPage(db, ctxOf(req), req.params.id),
  });
};
