import { AREA_LEVELS } from '@fupin/shared/area';
import { scopeRootCodes } from '../areas/service';
import { ctxOf } from '../http/auth-hooks';
import { errorEnvelope } from '../http/common-schemas';
import { typed, type Module } from '../http/types';
import { DATA_SCOPE_LABELS } from '../users/schemas';
import { dashboardRepo } from './repository';
import { summaryResponse } from './schemas';

export const dashboardRoutes: Module = (app, { db }) => {
  typed(app).get('/api/dashboard/summary', {
    // Every logged-in user has a home page; the figures are limited to their own jurisdiction.
    schema: { tags: ['dashboard'], operationId: 'dashboardSummary', summary: '工作台：本人管辖范围的关键数字', response: { 200: summaryResponse, 401: errorEnvelope } },
    handler: async (req) => {
      const ctx = ctxOf(req);
      const scope = ctx.scope;
      const statuses = await dashboardRepo.householdsByStatus(db, scope);
      const roots = await dashboardRepo.roots(db, scopeRootCodes(scope));
      return {
        dataScope: ctx.user.dataScope,
        dataScopeLabel: DATA_SCOPE_LABELS[ctx.user.dataScope],
        roots: roots.map((r) => ({ code: r.code, name: r.name, levelLabel: AREA_LEVELS[r.level - 1]?.label ?? '' })),
        areas: await dashboardRepo.areaCounts(db, scope),
        households: {
          total: statuses.reduce((s, r) => s + Number(r.n), 0),
          byStatus: statuses.map((r) => ({ status: r.status, label: r.label ?? r.status, count: Number(r.n) })),
        },
        persons: await dashboardRepo.persons(db, scope),
        orgs: await dashboardRepo.orgs(db, scope),
        users: await dashboardRepo.users(db, scope),
      };
    },
  });
};
