import type { Module } from '../http/types';
import './household-section';
import { pairingImportRoutes } from './pairing/import-routes';
import { pairingRoutes } from './pairing/routes';
import { rateRoutes } from './rates/routes';
import { recordRoutes } from './records/routes';
import { syncRoutes } from './sync/routes';
import { teamRoutes } from './teams/routes';

/** 结对帮扶与走访: every route of the module (docs/visits.md). */
export const visitRoutes: Module = async (app, deps) => {
  pairingRoutes(app, deps);
  teamRoutes(app, deps);
  syncRoutes(app, deps);
  rateRoutes(app, deps);
  await recordRoutes(app, deps);
  await pairingImportRoutes(app, deps);
};
