import { describe, expect, it } from 'vitest';
import { mergeMenus, visibleMenu } from './menu';
import type { MenuNode } from './types';

const system: MenuNode[] = [
  { key: 'home', label: '工作台', path: '/', order: 0 },
  {
    key: 'system',
    label: '系统管理',
    order: 90,
    children: [
      { key: 'users', label: '用户', path: '/system/users', permission: 'system:user:view', order: 30 },
      { key: 'areas', label: '行政区划', path: '/system/areas', permission: 'system:area:view', order: 10 },
    ],
  },
];
const loans: MenuNode[] = [
  { key: 'loans', label: '到户贷款', order: 20, children: [{ key: 'loan-apps', label: '贷款申请', path: '/loans/applications', permission: 'loan:view' }] },
  { key: 'stats', label: '统计分析', order: 40, children: [{ key: 'loan-stats', label: '贷款统计', path: '/stats/loans', permission: 'loan:report' }] },
];
const registry: MenuNode[] = [{ key: 'stats', label: '统计分析', order: 40, children: [{ key: 'reg-stats', label: '档案统计', path: '/stats/registry', order: 10 }] }];

describe('module menus', () => {
  const tree = mergeMenus([...system, ...loans, ...registry]);
  it('merges groups of the same key and orders every level', () => {
    expect(tree.map((n) => n.key)).toEqual(['home', 'loans', 'stats', 'system']);
    expect(tree.find((n) => n.key === 'stats')!.children!.map((n) => n.key)).toEqual(['reg-stats', 'loan-stats']);
    expect(tree.find((n) => n.key === 'system')!.children!.map((n) => n.key)).toEqual(['areas', 'users']);
  });
  it('shows only what the user may open, and no empty groups', () => {
    const clerk = visibleMenu(tree, { permissions: ['system:area:view'] });
    expect(clerk.map((n) => n.key)).toEqual(['home', 'stats', 'system']);
    expect(clerk.find((n) => n.key === 'system')!.children!.map((n) => n.key)).toEqual(['areas']);
    expect(visibleMenu(tree, { permissions: ['*'] }).map((n) => n.key)).toEqual(['home', 'loans', 'stats', 'system']);
  });
});
