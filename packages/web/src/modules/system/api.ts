import { queryOptions } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { PermissionCatalogue, RoleItem } from '../../api/contract';

export type Role = RoleItem;
export type PermissionGroup = PermissionCatalogue['groups'][number];

export const rolesQuery = queryOptions({
  queryKey: ['roles'],
  queryFn: async ({ signal }) => (await api.get<{ items: Role[] }>('/api/roles', undefined, signal)).items,
  staleTime: 60_000,
});

export const permissionsQuery = queryOptions({
  queryKey: ['permissions'],
  queryFn: async ({ signal }) => (await api.get<PermissionCatalogue>('/api/permissions', undefined, signal)).groups,
  staleTime: 30 * 60_000,
});
