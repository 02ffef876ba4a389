import { areaPrefix, isValidAreaCode } from '@fupin/shared/area';
import { can, type Ctx } from '../http/context';
import type { DataScopeKind } from '../db/schema';
import type { Scope } from '../scope/scope';

/**
 * Privilege-escalation guards (ruoyi's data-scope levels, style.md): whoever manages users may
 * hand out only what they hold themselves — a data scope inside their own, and roles whose
 * permissions they have.
 */

/** Does the caller's scope contain the whole subtree of `code`? */
export function scopeCoversSubtree(scope: Scope, code: string): boolean {
  if (scope.kind === 'all') return true;
  if (scope.kind !== 'areas' || !isValidAreaCode(code)) return false;
  const prefix = areaPrefix(code);
  return scope.below.some((p) => prefix.startsWith(p));
}

function scopeCoversOne(scope: Scope, code: string): boolean {
  if (scope.kind === 'all') return true;
  if (scope.kind !== 'areas') return false;
  return scope.below.some((p) => code.startsWith(p)) || scope.exact.includes(code);
}

export type GrantedScope = { dataScope: DataScopeKind; areaCode: string | null; scopeAreas: string[] };

/** Null when `target` lies within the caller's scope, else the reason in Chinese. */
export function scopeGrantProblem(caller: Scope, target: GrantedScope): string | null {
  if (caller.kind === 'all') return null;
  switch (target.dataScope) {
    case 'all':
      return '只有拥有“全部数据”权限的用户才能授予“全部数据”';
    case 'self':
    case 'area':
      return target.areaCode && scopeCoversOne(caller, target.areaCode) ? null : `区划 ${target.areaCode ?? '（空）'} 不在您的数据权限范围内`;
    case 'area_below':
      return target.areaCode && scopeCoversSubtree(caller, target.areaCode) ? null : `区划 ${target.areaCode ?? '（空）'} 及其下级不全在您的数据权限范围内`;
    case 'custom': {
      const outside = target.scopeAreas.filter((c) => !scopeCoversSubtree(caller, c));
      return outside.length ? `自定义区划 ${outside.join('、')} 不在您的数据权限范围内` : null;
    }
  }
}

/** The permissions of `granted` that the caller does not hold ('*' only from '*'). */
export function permissionsBeyond(ctx: Ctx, granted: string[]): string[] {
  return granted.filter((p) => {
    if (ctx.permissions.has('*')) return false;
    if (p === '*') return true;
    if (p.endsWith(':*')) return !ctx.permissions.has(p);
    return !can(ctx, p);
  });
}
