import { areaRoutes } from './areas/routes';
import { calendarRoutes } from './calendar/routes';
import { auditRoutes } from './audit/routes';
import { authRoutes } from './auth/routes';
import { dashboardRoutes } from './dashboard/routes';
import { dictRoutes } from './dicts/routes';
import { fileRoutes } from './files/routes';
import { healthRoutes } from './health/routes';
import { homeRoutes } from './home/routes';
import { loanRoutes } from './loans/routes';
import { orgRoutes } from './orgs/routes';
import { paramRoutes } from './params/routes';
import { registryRoutes } from './registry/routes';
import { roleRoutes } from './roles/routes';
import { userRoutes } from './users/routes';
import { visitRoutes } from './visits/routes';

// Every module's routes, in one list so the OpenAPI document and the app never drift.
export const modules = [healthRoutes, authRoutes, areaRoutes, orgRoutes, userRoutes, roleRoutes, auditRoutes, dashboardRoutes, dictRoutes, calendarRoutes, paramRoutes, loanRoutes, visitRoutes, registryRoutes, fileRoutes, homeRoutes];
