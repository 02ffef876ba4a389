import { sql, type Expression, type ExpressionBuilder, type Selectable, type SqlBool } from 'kysely';
import type { DbOrTx } from '../../db/db';
import type { RegistryWorkflowTable } from '../../db/schema';
import type { Scope } from '../../scope/scope';
import { inScope } from '../scope';
import type { ListWorkflowsQuery } from './schemas';

 
type AnyEb = ExpressionBuilder<any, any>;

export type WorkflowRow = Selectable<RegistryWorkflowTable>;
export type WorkflowListRow = WorkflowRow & {
  household_no: string;
  head_name: string | null;
  village_name: string | null;
  township_name: string | null;
  open_objections: number;
};

export const OPEN_STATES = ['appraisal', 'notice', 'township_review', 'county_approval', 'announcement'] as const;

function listSelect(db: DbOrTx) {
  return db
    .selectFrom('registry_workflow as w')
    .innerJoin('household as h', (j) => j.onRef('h.county_code', '=', 'w.county_code').onRef('h.id', '=', 'w.household_id'))
    .leftJoin('area as v', 'v.code', 'w.village_code')
    .leftJoin('area as t', 't.code', 'w.township_code')
    .selectAll('w')
    .select([
      'h.household_no',
      'h.head_name',
      'v.name as village_name',
      't.name as township_name',
      sql<number>`(SELECT count(*)::int FROM registry_objection o WHERE o.county_code = w.county_code AND o.workflow_id = w.id AND o.status = 'open')`.as('open_objections'),
    ]);
}

export const workflowRepo = {
  find(db: DbOrTx, scope: Scope, id: number) {
    return listSelect(db)
      .where('w.id', '=', id)
      .where((eb) => inScope(scope, 'w')(eb))
      .executeTakeFirst() as Promise<WorkflowListRow | undefined>;
  },

  lock(db: DbOrTx, scope: Scope, id: number) {
    return db
      .selectFrom('registry_workflow as w')
      .selectAll('w')
      .where('w.id', '=', id)
      .where((eb) => inScope(scope, 'w')(eb))
      .forUpdate()
      .executeTakeFirst();
  },

  openOf(db: DbOrTx, county: string, householdId: number) {
    return db
      .selectFrom('registry_workflow')
      .select(['id', 'kind', 'state'])
      .where('county_code', '=', county)
      .where('household_id', '=', householdId)
      .where('state', 'in', [...OPEN_STATES])
      .executeTakeFirst();
  },

  async list(db: DbOrTx, scope: Scope, q: ListWorkflowsQuery, today: string) {
    // A notice that has run its course waits on the township (its label says 公示期满，待乡镇审核):
    // the station must find it under 待乡镇审核, not under 公示 where it would look like nothing to do.
    const effectiveState = sql<string>`CASE WHEN w.state = 'notice' AND w.notice_end < ${today} THEN 'township_review' ELSE w.state END`;
    const where = (withState: boolean) => (eb: AnyEb): Expression<SqlBool> => {
      const parts: Expression<SqlBool>[] = [inScope(scope, 'w')(eb)];
      if (q.kind) parts.push(eb('w.kind', '=', q.kind));
      if (q.townshipCode) parts.push(eb('w.township_code', '=', q.townshipCode));
      if (q.villageCode) parts.push(eb('w.village_code', '=', q.villageCode));
      if (q.householdId) parts.push(eb('w.household_id', '=', q.householdId));
      if (q.overdue) parts.push(eb.and([eb('w.due_date', '<', today), eb('w.state', 'in', [...OPEN_STATES])]));
      if (withState && q.state?.length) {
        const states = q.state.flatMap((s) => (s === 'open' ? [...OPEN_STATES] : [s]));
        parts.push(eb(effectiveState, 'in', states));
      }
      return eb.and(parts);
    };
    const dir = q.order === 'desc' ? 'desc' : 'asc';
    const rows = (await listSelect(db)
      .where((eb) => where(true)(eb))
      .orderBy(sql`w.due_date ${sql.raw(dir)} NULLS LAST`)
      .orderBy('w.id', dir)
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute()) as WorkflowListRow[];
    const counts = await db
      .selectFrom('registry_workflow as w')
      .select([effectiveState.as('state'), sql<number>`count(*)::int`.as('n')])
      .where((eb) => where(false)(eb))
      .groupBy(sql`1`)
      .execute();
    const stateCounts = Object.fromEntries(counts.map((c) => [c.state, c.n]));
    const states = q.state?.flatMap((s) => (s === 'open' ? [...OPEN_STATES] : [s]));
    const total = (states ?? Object.keys(stateCounts)).reduce((s, k) => s + (stateCounts[k] ?? 0), 0);
    return { rows, total, stateCounts };
  },

  steps(db: DbOrTx, county: string, workflowId: number) {
    return db.selectFrom('registry_workflow_step').selectAll().where('county_code', '=', county).where('workflow_id', '=', workflowId).orderBy('id').execute();
  },

  objections(db: DbOrTx, county: string, workflowId: number) {
    return db.selectFrom('registry_objection').selectAll().where('county_code', '=', county).where('workflow_id', '=', workflowId).orderBy('id').execute();
  },

  lastStepDate(db: DbOrTx, county: string, workflowId: number) {
    return db
      .selectFrom('registry_workflow_step')
      .select(sql<string | null>`max(step_date)::text`.as('d'))
      .where('county_code', '=', county)
      .where('workflow_id', '=', workflowId)
      .where('step', 'not in', ['objection', 'resolve'])
      .executeTakeFirst();
  },

  /** Households of one village currently in (or at the given start of) a public notice. */
  noticeRows(db: DbOrTx, scope: Scope, villageCode: string, kind: string, startDate?: string) {
    let q = db
      .selectFrom('registry_workflow as w')
      .innerJoin('household as h', (j) => j.onRef('h.county_code', '=', 'w.county_code').onRef('h.id', '=', 'w.household_id'))
      .leftJoin('area as g', (j) => j.onRef('g.code', '=', 'h.area_code').on('g.level', '=', 6))
      .select([
        'w.id',
        'w.notice_start',
        'w.notice_end',
        'w.notice_days',
        'w.exit_check',
        'h.head_name',
        'h.member_count',
        'h.category',
        'h.income_year',
        'h.net_income_per_capita_fen',
        'g.name as group_name',
      ])
      .where((eb) => inScope(scope, 'w')(eb))
      .where('w.village_code', '=', villageCode)
      .where('w.kind', '=', kind)
      .where('w.notice_start', 'is not', null);
    q = startDate ? q.where('w.notice_start', '=', startDate) : q.where('w.state', '=', 'notice');
    return q.orderBy(sql`g.name COLLATE "zh-x-icu"`).orderBy(sql`h.head_name COLLATE "zh-x-icu"`).execute();
  },
};
