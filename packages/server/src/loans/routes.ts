import type { Module } from '../http/types';
import './jobs';
import { applicationRoutes } from './applications/routes';
import { certificateRoutes } from './certificates/routes';
import { decisionRoutes } from './decisions/routes';
import { fundRoutes } from './funds/routes';
import { loanImportRoutes } from './import/routes';
import { lendingRoutes } from './lending/routes';
import { reportRoutes } from './reports/routes';
import { schemeRoutes } from './schemes/routes';
import { todoRoutes } from './todo/routes';

// 到户贷款 (seed §1): every sub-module's routes, registered as one module. Field labels are
// per route (config.fieldLabels) so that ours never rename another module's fields.
export const loanRoutes: Module = async (app, deps) => {
  for (const m of [schemeRoutes, certificateRoutes, applicationRoutes, lendingRoutes, fundRoutes, reportRoutes, decisionRoutes, todoRoutes, loanImportRoutes]) await m(app, deps);
};
