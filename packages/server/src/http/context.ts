import type { Scope } from '../scope/scope';

export type SessionUser = {
  id: number;
  username: string;
  name: string;
  orgId: number | null;
  areaCode: string | null;
  countyCode: string | null;
  dataScope: 'all' | 'custom' | 'area' | 'area_below' | 'self';
  mustChangePassword: boolean;
};

/** Who is acting, from where, and over which jurisdiction — passed to every service call. */
export type Ctx = {
  user: SessionUser;
  permissions: Set<string>;
  scope: Scope;
  ip: string;
  requestId: string;
};

/** For jobs, the CLI and start-up: acts as the system with full scope. */
export function systemCtx(what = 'system'): Ctx {
  return {
    user: {
      id: 0,
      username: what,
      name: '系统',
      orgId: null,
      areaCode: null,
      countyCode: null,
      dataScope: 'all',
      mustChangePassword: false,
    },
    permissions: new Set(['*']),
    scope: { kind: 'all' },
    ip: 'local',
    requestId: what,
  };
}

export function can(ctx: Ctx, permission: string): boolean {
  if (ctx.permissions.has('*') || ctx.permissions.has(permission)) return true;
  const module = permission.split(':')[0];
  return ctx.permissions.has(`${module}:*`);
}
