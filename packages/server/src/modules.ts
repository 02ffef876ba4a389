import { areaRoutes } from './areas/routes';
import { authRoutes } from './auth/routes';
import { healthRoutes } from './health/routes';

// Every module's routes, in one list so the OpenAPI document and the app never drift.
export const modules = [healthRoutes, authRoutes, areaRoutes];
