import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authService, type LoadedSession } from '../auth/service';
import type { Db } from '../db/db';
import { can, type Ctx } from './context';
import { errors } from './errors';

export const SESSION_COOKIE = 'fupin_sid';

declare module 'fastify' {
  interface FastifyRequest {
    session: LoadedSession | null;
  }
  interface FastifyContextConfig {
    /** No login needed (health, login, OpenAPI). */
    public?: boolean;
    /** Permission string required (see @fupin/shared/permissions). */
    permission?: string;
    /** Reachable while the user still has to change the first-login password. */
    allowBeforePasswordChange?: boolean;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Authentication, CSRF, first-login password change and permission checks for every /api
 * route, declared on the route's `config` so no route can forget them: the default is
 * "logged in", and a route must say `public: true` to opt out.
 */
export function installAuthHooks(app: FastifyInstance, db: Db) {
  app.decorateRequest('session', null);
  app.addHook('preHandler', async (req) => {
    // Unmatched URLs go to the 404 handler without an auth check (no route, nothing to guard).
    if (!req.url.startsWith('/api/') || !req.routeOptions.url) return;
    const cfg = req.routeOptions.config ?? {};
    const token = req.cookies?.[SESSION_COOKIE];
    if (token) req.session = await authService.load(db, token);
    if (cfg.public) return;
    const s = req.session;
    if (!s) throw errors.unauthenticated();
    if (!SAFE_METHODS.has(req.method)) {
      const header = req.headers['x-csrf-token'];
      if (typeof header !== 'string' || header !== s.csrfToken) throw errors.csrf();
    }
    if (s.user.mustChangePassword && !cfg.allowBeforePasswordChange) throw errors.mustChangePassword();
    if (cfg.permission && !can(ctxOf(req), cfg.permission)) throw errors.forbidden(cfg.permission);
  });
}

/** The acting user's context for services; only valid on routes that are not public. */
export function ctxOf(req: FastifyRequest): Ctx {
  const s = req.session;
  if (!s) throw errors.unauthenticated();
  return { user: s.user, permissions: s.permissions, scope: s.scope, ip: req.ip, requestId: String(req.id) };
}
