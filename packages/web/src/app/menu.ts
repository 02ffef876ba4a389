import { can, type SessionUser } from '../auth/session';
import type { MenuNode } from './types';

/**
 * One menu tree from every module's contributions: top-level nodes with the same key are
 * merged (children concatenated), and every level is sorted by `order` (50 when absent).
 */
export function mergeMenus(nodes: MenuNode[]): MenuNode[] {
  const byKey = new Map<string, MenuNode>();
  for (const n of nodes) {
    const prev = byKey.get(n.key);
    if (!prev) byKey.set(n.key, { ...n, children: n.children ? [...n.children] : undefined });
    else prev.children = [...(prev.children ?? []), ...(n.children ?? [])];
  }
  return [...byKey.values()]
    .sort((a, b) => (a.order ?? 50) - (b.order ?? 50))
    .map((n) => (n.children ? { ...n, children: mergeMenus(n.children) } : n));
}

/** The entries a user may see: leaves they hold the permission for, groups with a visible child. */
export function visibleMenu(nodes: MenuNode[], user: Pick<SessionUser, 'permissions'>): MenuNode[] {
  const out: MenuNode[] = [];
  for (const n of nodes) {
    if (!can(user, n.permission)) continue;
    if (n.children) {
      const children = visibleMenu(n.children, user);
      if (children.length) out.push({ ...n, children });
    } else if (n.path) out.push(n);
  }
  return out;
}
