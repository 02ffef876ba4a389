import type { ReactNode } from 'react';
import type { RouteObject } from 'react-router';
import type { Permission } from '@fupin/shared/permissions';

export type Need = Permission | readonly Permission[];

/**
 * One entry of the sidebar. Top-level nodes with the same `key` from different modules are
 * merged (children concatenated), so e.g. 统计分析 can collect a dashboard from every module.
 * A node is shown when the user holds `permission` (any one of a list); a group is shown
 * when at least one child is. The server enforces permissions; the menu is only UX.
 */
export type MenuNode = {
  key: string;
  label: string;
  icon?: ReactNode;
  /** absolute path of the page; groups have none */
  path?: string;
  permission?: Need;
  /** smaller first; top-level groups use the ORDER constants in modules.tsx */
  order?: number;
  children?: MenuNode[];
};

/** `handle` of every page route: the title (tab, breadcrumb) and the permission it needs. */
export type RouteHandle = {
  title: string;
  permission?: Need;
  /** breadcrumb parent label, e.g. 系统管理 */
  section?: string;
};

/** What a feature module contributes to the app: menu entries and routes below the layout. */
export type FeatureModule = {
  key: string;
  menu: MenuNode[];
  /** children of the logged-in layout; paths are absolute ('/system/users') or relative */
  routes: RouteObject[];
  /**
   * Chinese names of the `module` codes this module writes into the audit log
   * (writeAudit's `module`), for the 操作日志 page's filter and table.
   */
  auditModules?: Record<string, string>;
  /** Chinese names of its audit `action` codes beyond create/update/delete */
  auditActions?: Record<string, string>;
};
