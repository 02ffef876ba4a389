import type { DbOrTx } from '../db/db';
import { can, type Ctx } from '../http/context';
import { appRepo } from '../loans/applications/repository';
import { OPEN_STATES, workflowRepo } from '../registry/workflow/repository';
import { KIND_LABELS } from '../registry/workflow/schemas';
import type { Scope } from '../scope/scope';
import type { OwnerKind } from './schemas';

export type Owner = { countyCode: string; areaCode: string; label: string; open: boolean };

type OwnerRule = {
  /** permission to see the record (and so list and download its files) */
  view: string;
  /** any of these lets a user add or remove files — the people who act on the record */
  edit: string[];
  /** the record through its own module's scoped read: null when missing or out of scope */
  find(db: DbOrTx, scope: Scope, id: number): Promise<Owner | null>;
  closedMessage: string;
};

/**
 * Each owner kind is resolved through the repository of the module that owns the record, so an
 * attachment is visible exactly when its record is (style.md: downloads go through the same
 * scope helper; Documenso GHSA-fqg2-7p6q-9v9q). Adding an owner kind = one entry here and one
 * value in the table's CHECK.
 */
export const OWNER_RULES: Record<OwnerKind, OwnerRule> = {
  registry_workflow: {
    view: 'registry:household:view',
    edit: ['registry:workflow:village', 'registry:workflow:township', 'registry:workflow:county'],
    closedMessage: '流程已结束，不能再增减佐证材料',
    async find(db, scope, id) {
      const w = await workflowRepo.find(db, scope, id);
      if (!w) return null;
      return {
        countyCode: w.county_code,
        areaCode: w.area_code,
        label: `${KIND_LABELS[w.kind as keyof typeof KIND_LABELS] ?? w.kind}流程 ${w.household_no}${w.head_name ? `（${w.head_name}）` : ''}`,
        open: (OPEN_STATES as readonly string[]).includes(w.state),
      };
    },
  },
  loan_application: {
    view: 'loan:view',
    edit: ['loan:apply', 'loan:review:village', 'loan:review:station', 'loan:review:coop', 'loan:review:county'],
    closedMessage: '贷款申请已办结，不能再增减附件',
    async find(db, scope, id) {
      const a = await appRepo.get(db, scope, id);
      if (!a) return null;
      return {
        countyCode: a.county_code,
        areaCode: a.area_code,
        label: `贷款申请 ${a.app_no}（${a.borrower_name}）`,
        open: a.status === 'submitted' || a.status === 'returned',
      };
    },
  },
};

export function canEditOwner(ctx: Ctx, kind: OwnerKind) {
  return OWNER_RULES[kind].edit.some((p) => can(ctx, p));
}
