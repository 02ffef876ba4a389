import { describe, expect, it } from 'vitest';
import type { Ctx } from '../http/context';
import type { Scope } from '../scope/scope';
import { permissionsBeyond, scopeCoversSubtree, scopeGrantProblem } from './guards';
import { areaViewOf, scopeRootCodes } from '../areas/service';

const town: Scope = { kind: 'areas', below: ['451226101'], exact: [], counties: ['451226'] };
const villageOnly: Scope = { kind: 'areas', below: [], exact: ['451226101201'], counties: ['451226'] };
const city: Scope = { kind: 'areas', below: ['4512'], exact: [], counties: null };

const ctxWith = (perms: string[]): Ctx => ({
  user: { id: 9, username: 'x', name: 'x', orgId: null, areaCode: null, countyCode: null, dataScope: 'area_below', mustChangePassword: false },
  permissions: new Set(perms),
  scope: town,
  ip: '127.0.0.1',
  requestId: 't',
});

describe('scope grant guards', () => {
  it('lets scope all grant anything, and nobody else grant all', () => {
    expect(scopeGrantProblem({ kind: 'all' }, { dataScope: 'all', areaCode: null, scopeAreas: [] })).toBeNull();
    expect(scopeGrantProblem(town, { dataScope: 'all', areaCode: null, scopeAreas: [] })).toMatch(/全部数据/);
  });

  it('allows subtrees inside the caller’s and refuses wider ones', () => {
    expect(scopeGrantProblem(town, { dataScope: 'area_below', areaCode: '451226101201', scopeAreas: [] })).toBeNull();
    expect(scopeGrantProblem(town, { dataScope: 'area_below', areaCode: '451226101', scopeAreas: [] })).toBeNull();
    expect(scopeGrantProblem(town, { dataScope: 'area_below', areaCode: '451226', scopeAreas: [] })).not.toBeNull();
    expect(scopeGrantProblem(town, { dataScope: 'area_below', areaCode: '451226102201', scopeAreas: [] })).not.toBeNull();
    expect(scopeGrantProblem(town, { dataScope: 'custom', areaCode: '451226101', scopeAreas: ['451226101201', '451226102'] })).toMatch(/451226102/);
    expect(scopeGrantProblem(town, { dataScope: 'custom', areaCode: '451226101', scopeAreas: [] })).toBeNull();
  });

  it('treats an exact (本区划) scope as not covering the area’s children', () => {
    expect(scopeGrantProblem(villageOnly, { dataScope: 'area', areaCode: '451226101201', scopeAreas: [] })).toBeNull();
    expect(scopeGrantProblem(villageOnly, { dataScope: 'area_below', areaCode: '451226101201', scopeAreas: [] })).not.toBeNull();
    expect(scopeCoversSubtree(villageOnly, '451226101201')).toBe(false);
  });

  it('matches a city prefix against 6-digit county codes, and refuses malformed codes', () => {
    expect(scopeCoversSubtree(city, '451226')).toBe(true);
    expect(scopeCoversSubtree(city, '451300')).toBe(false);
    expect(scopeCoversSubtree(town, '45122610120')).toBe(false);
    expect(scopeCoversSubtree({ kind: 'none' }, '451226')).toBe(false);
    expect(scopeCoversSubtree({ kind: 'self', userId: 1 }, '451226')).toBe(false);
  });
});

describe('permission grant guard', () => {
  it('lists the permissions a caller lacks; * only from *; module wildcards respected', () => {
    expect(permissionsBeyond(ctxWith(['loan:view']), ['loan:view', 'loan:disburse'])).toEqual(['loan:disburse']);
    expect(permissionsBeyond(ctxWith(['loan:*']), ['loan:disburse', 'loan:*'])).toEqual([]);
    expect(permissionsBeyond(ctxWith(['loan:*']), ['*'])).toEqual(['*']);
    expect(permissionsBeyond(ctxWith(['loan:view']), ['loan:*'])).toEqual(['loan:*']);
    expect(permissionsBeyond(ctxWith(['*']), ['*', 'anything'])).toEqual([]);
  });
});

describe('scope roots', () => {
  it('turns prefixes into codes and drops roots inside other roots', () => {
    expect(scopeRootCodes({ kind: 'areas', below: ['4512', '451226101', '45'], exact: [], counties: null })).toEqual(['450000']);
    expect(scopeRootCodes({ kind: 'areas', below: ['451226102', '451226101'], exact: ['451227001001'], counties: null })).toEqual(['451226101', '451226102', '451227001001']);
    expect(scopeRootCodes({ kind: 'none' })).toEqual([]);
    expect(scopeRootCodes({ kind: 'all' })).toBe('all');
  });

  it('gives the ancestors of the roots as read-only context', () => {
    expect(areaViewOf(town).context.sort()).toEqual(['450000', '451200', '451226']);
    expect(areaViewOf({ kind: 'all' }).context).toEqual([]);
  });
});
