import { queryOptions, useQuery } from '@tanstack/react-query';
import { useRef } from 'react';
import type { Permission } from '@fupin/shared/permissions';
import { api, setCsrfToken } from '../api/client';

export type DataScope = 'all' | 'custom' | 'area' | 'area_below' | 'self';

/** The five levels as staff know them from ruoyi (dictionary data_scope). */
export const DATA_SCOPE_OPTIONS: { value: DataScope; label: string }[] = [
  { value: 'all', label: '全部数据' },
  { value: 'custom', label: '自定义区划' },
  { value: 'area', label: '本区划' },
  { value: 'area_below', label: '本区划及以下' },
  { value: 'self', label: '仅本人' },
];
export const DATA_SCOPE_LABELS = Object.fromEntries(DATA_SCOPE_OPTIONS.map((o) => [o.value, o.label])) as Record<DataScope, string>;

/** packages/server/src/auth/schemas.ts sessionUserSchema */
export type SessionUser = {
  id: number;
  username: string;
  name: string;
  orgId: number | null;
  orgName: string | null;
  areaCode: string | null;
  areaName: string | null;
  countyCode: string | null;
  dataScope: DataScope;
  mustChangePassword: boolean;
  permissions: string[];
  roles: { code: string; name: string }[];
};
export type LoginResponse = { csrfToken: string; user: SessionUser };

export const SESSION_KEY = ['session'] as const;

export const sessionQuery = queryOptions({
  queryKey: SESSION_KEY,
  queryFn: async ({ signal }) => {
    const r = await api.get<LoginResponse>('/api/auth/me', undefined, signal);
    setCsrfToken(r.csrfToken);
    return r.user;
  },
  staleTime: 5 * 60_000,
  retry: false,
  // A missing session is not an error to announce: the router sends the user to log in.
  meta: { silent: true },
});

export const authApi = {
  login: async (body: { username: string; password: string }) => {
    const r = await api.post<LoginResponse>('/api/auth/login', body);
    setCsrfToken(r.csrfToken);
    return r.user;
  },
  logout: () => api.post<{ ok: true }>('/api/auth/logout'),
  changePassword: (body: { oldPassword: string; newPassword: string }) => api.post<{ ok: true }>('/api/auth/password', body),
};

/** Whether the user holds a permission ('*' holds all); with a list, any one suffices. */
export function can(user: Pick<SessionUser, 'permissions'> | null | undefined, need?: Permission | readonly Permission[] | null): boolean {
  if (!need || (Array.isArray(need) && need.length === 0)) return true;
  if (!user) return false;
  if (user.permissions.includes('*')) return true;
  const list: readonly string[] = typeof need === 'string' ? [need] : need;
  return list.some((p) => user.permissions.includes(p));
}

/**
 * The logged-in user; only used below the protected routes, whose loaders fetched it. While
 * the app leaves those pages (logout, expired session) the cache is cleared; the last user
 * is kept for those final renders instead of failing them.
 */
export function useSessionUser(): SessionUser {
  const { data } = useQuery(sessionQuery);
  const last = useRef<SessionUser | null>(null);
  if (data) last.current = data;
  if (!last.current) throw new Error('useSessionUser() outside the logged-in part of the app');
  return last.current;
}

export function useCan() {
  const { data } = useQuery(sessionQuery);
  return (need?: Permission | readonly Permission[] | null) => can(data, need);
}
