import './params';
import type { Module } from '../http/types';
import { householdRoutes } from './households/routes';
import { workflowRoutes } from './workflow/routes';
import { eventRoutes } from './events/routes';
import { pageRoutes } from './page';
import { qualityRoutes } from './quality/routes';
import { excelRoutes } from './excel/routes';

/** The registry (建档立卡) module: one entry in modules.ts, its parts registered here. */
export const registryRoutes: Module = async (app, deps) => {
  for (const part of [householdRoutes, workflowRoutes, eventRoutes, pageRoutes, qualityRoutes, excelRoutes]) await part(app, deps);
};
