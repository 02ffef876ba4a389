import type { ComponentType } from 'react';
import type { RouteObject } from 'react-router';
import type { RouteHandle } from './types';

/**
 * A page route whose component is loaded on first visit (its own chunk).
 * `page(path, handle, () => import('./x/XPage'))` — the module's default export is the page.
 */
export function page(
  path: string | { index: true },
  handle: RouteHandle,
  load: () => Promise<{ default: ComponentType }>,
): RouteObject {
  const lazy = async () => ({ Component: (await load()).default });
  return typeof path === 'string' ? { path, handle, lazy } : { index: true, handle, lazy };
}
