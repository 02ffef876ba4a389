import { registerHouseholdSection } from '../registry/household-sections';
import { can } from '../http/context';
import { accessOf } from './access';
import { today } from './common';
import { pairingRepo } from './pairing/repository';
import { toPairingItem } from './pairing/service';
import { evaluateMonth } from './rates/engine';
import { taskRepo, visitRepo } from './records/repository';
import { withPhotos } from './records/service';
import { OUTCOME_LABELS, monthOf } from './rules';

/**
 * The household page's 结对帮扶 section: who is responsible now and before, this month's
 * visits against the rule, the last visits and open follow-ups. The registry has already
 * checked that the household is in the caller's scope; visits are filtered again by ours.
 */
registerHouseholdSection('visits', '结对帮扶与走访', async (db, ctx, h) => {
  if (!can(ctx, 'visit:view')) return null;
  const access = accessOf(ctx);
  const on = today();
  const month = monthOf(on);
  const [pairings, visits, tasks, evals] = await Promise.all([
    pairingRepo.list(db, access, { householdId: h.id, current: false, page: 1, pageSize: 20 }),
    visitRepo.list(db, access, { householdId: h.id, page: 1, pageSize: 5 }),
    taskRepo.list(db, access, { householdId: h.id, status: 'open', page: 1, pageSize: 20 }),
    evaluateMonth(db, access, { month, householdIds: [h.id] }),
  ]);
  const e = evals.rows.find((r) => r.householdId === h.id);
  return {
    pairings: pairings.items.map(toPairingItem),
    month: e
      ? { month, required: e.result.required, done: e.result.done, outcome: e.result.outcome, outcomeLabel: OUTCOME_LABELS[e.result.outcome], reason: e.result.reason }
      : { month, required: 0, done: 0, outcome: 'not_required', outcomeLabel: OUTCOME_LABELS.not_required, reason: '本月未结对' },
    recentVisits: await withPhotos(db, visits.items),
    visitCount: visits.total,
    openTasks: tasks.items.map((t) => ({ id: t.id, problem: t.problem, deadline: t.deadline, overdue: t.deadline < on })),
  };
});
