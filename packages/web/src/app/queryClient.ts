import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/client';
import { reportError } from '../api/errors';

// Errors of every query and mutation are shown by reportError (api/errors.ts); a form
// passes `meta: { form, fieldLabels }` so validation issues land on its fields.
export const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: (err, query) => reportError(err, query.meta) }),
  mutationCache: new MutationCache({ onError: (err, _vars, _ctx, mutation) => reportError(err, mutation.meta) }),
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      // Client errors (no permission, not found, validation) do not get better by retrying.
      retry: (count, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
    },
    mutations: { retry: false },
  },
});
