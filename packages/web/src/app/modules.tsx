import { mergeMenus } from './menu';
import type { FeatureModule, MenuNode } from './types';
import { systemModule } from '../modules/system';
import { visitsModule } from '../modules/visits';
import { registryModule } from '../modules/registry';
import { loansModule } from '../modules/loans';

/**
 * The module registry. A feature module lives in src/modules/<name>/ and exports a
 * FeatureModule from its index.tsx; adding it to the app is one import and one entry below.
 * Pages are lazy routes, so a module costs the first load only its menu entries.
 */
export const featureModules: FeatureModule[] = [
  systemModule,
  registryModule,
  loansModule,
  visitsModule,
];

/** Positions of the top-level groups of ui.md, so modules land where users expect them. */
export const MENU_ORDER = {
  home: 0,
  registry: 10, // 建档立卡
  loans: 20, // 到户贷款
  visits: 30, // 结对帮扶
  stats: 40, // 统计分析
  system: 90, // 系统管理
} as const;

export const menuTree: MenuNode[] = mergeMenus(featureModules.flatMap((m) => m.menu));
export const moduleRoutes = featureModules.flatMap((m) => m.routes);
export const auditModuleNames: Record<string, string> = Object.assign({}, ...featureModules.map((m) => m.auditModules ?? {}));
export const auditActionNames: Record<string, string> = Object.assign({}, ...featureModules.map((m) => m.auditActions ?? {}));
