/**
 * Request/response schemas and types of the server, imported from the server's own
 * `schemas.ts` files so forms validate with exactly the API's zod schemas and Chinese
 * messages (style.md: one schema per endpoint, reused by the UI form). Type-only imports
 * cost nothing at run time; the runtime ones pull only zod and @fupin/shared.
 *
 * Rule for server authors (docs/ui-notes.md): a module's schemas.ts imports nothing but zod,
 * @fupin/shared and other schemas files — the browser bundles it.
 */
export {
  areaFieldLabels,
  createAreaBody,
  updateAreaBody,
  type AreaItem,
  type CreateAreaBody,
  type UpdateAreaBody,
} from '@fupin/server/src/areas/schemas';
export { createOrgBody, orgFieldLabels, updateOrgBody, type CreateOrgBody, type OrgItem, type UpdateOrgBody } from '@fupin/server/src/orgs/schemas';
export {
  createUserBody,
  updateUserBody,
  userFieldLabels,
  type CreateUserBody,
  type UpdateUserBody,
  type UserItem,
} from '@fupin/server/src/users/schemas';

import type { z } from 'zod';
import type { areaDetail } from '@fupin/server/src/areas/schemas';
export type AreaDetail = z.infer<typeof areaDetail>;
export { createRoleBody, roleFieldLabels, updateRoleBody, type CreateRoleBody, type UpdateRoleBody } from '@fupin/server/src/roles/schemas';
export { createItemBody, dictFieldLabels, updateItemBody, type CreateItemBody, type UpdateItemBody } from '@fupin/server/src/dicts/schemas';
export { calendarFieldLabels, overrideBody, type OverrideBody } from '@fupin/server/src/calendar/schemas';
export { paramFieldLabels } from '@fupin/server/src/params/schemas';
export { auditFieldLabels } from '@fupin/server/src/audit/schemas';

import type { roleItem, permissionCatalogue } from '@fupin/server/src/roles/schemas';
import type { dictType, dictItem } from '@fupin/server/src/dicts/schemas';
import type { calendarResponse, calendarDay, addWorkingDaysResponse } from '@fupin/server/src/calendar/schemas';
import type { paramItem } from '@fupin/server/src/params/schemas';
import type { auditItem } from '@fupin/server/src/audit/schemas';
import type { summaryResponse } from '@fupin/server/src/dashboard/schemas';
export type RoleItem = z.infer<typeof roleItem>;
export type PermissionCatalogue = z.infer<typeof permissionCatalogue>;
export type DictType = z.infer<typeof dictType>;
export type DictItem = z.infer<typeof dictItem>;
export type CalendarYear = z.infer<typeof calendarResponse>;
export type CalendarDay = z.infer<typeof calendarDay>;
export type AddWorkingDays = z.infer<typeof addWorkingDaysResponse>;
export type ParamItem = z.infer<typeof paramItem>;
export type AuditItem = z.infer<typeof auditItem>;
export type DashboardSummary = z.infer<typeof summaryResponse>;
