import { Spin } from 'antd';
import { createBrowserRouter, redirect, type LoaderFunctionArgs } from 'react-router';
import { ApiError, ERR, setSessionHandlers } from '../api/client';
import { SESSION_KEY, sessionQuery } from '../auth/session';
import { moduleRoutes } from './modules';
import { queryClient } from './queryClient';
import { RouteError } from './RouteError';

const booting = (
  <div style={{ display: 'flex', justifyContent: 'center', paddingTop: '30vh' }}>
    <Spin size="large" />
  </div>
);

function loginUrl(from: string) {
  return from && from !== '/' && !from.startsWith('/login') ? `/login?redirect=${encodeURIComponent(from)}` : '/login';
}
const here = (request: Request) => {
  const u = new URL(request.url);
  return u.pathname + u.search;
};

/** Every page below the layout needs a session whose first-login password has been changed. */
async function requireUser({ request }: LoaderFunctionArgs) {
  try {
    const user = await queryClient.ensureQueryData(sessionQuery);
    if (user.mustChangePassword) return redirect('/change-password');
    return null;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return redirect(loginUrl(here(request)));
    throw e;
  }
}

async function requireAnySession({ request }: LoaderFunctionArgs) {
  try {
    await queryClient.ensureQueryData(sessionQuery);
    return null;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return redirect(loginUrl(here(request)));
    throw e;
  }
}

export const router = createBrowserRouter([
  {
    path: '/login',
    handle: { title: '登录' },
    hydrateFallbackElement: booting,
    lazy: async () => ({ Component: (await import('../auth/LoginPage')).default }),
    errorElement: <RouteError />,
  },
  {
    path: '/change-password',
    handle: { title: '修改密码' },
    loader: requireAnySession,
    hydrateFallbackElement: booting,
    lazy: async () => ({ Component: (await import('../auth/ChangePasswordPage')).default }),
    errorElement: <RouteError />,
  },
  {
    path: '/',
    loader: requireUser,
    hydrateFallbackElement: booting,
    lazy: async () => ({ Component: (await import('./AppLayout')).default }),
    errorElement: <RouteError />,
    children: [
      ...moduleRoutes,
      { path: '*', handle: { title: '页面不存在' }, lazy: async () => ({ Component: (await import('./NotFound')).default }) },
    ],
  },
]);

// A session that ends mid-work (expired, logged out elsewhere, password changed elsewhere)
// sends the user to log in and back to where they were afterwards.
setSessionHandlers({
  onUnauthenticated: () => {
    const { pathname, search } = router.state.location;
    const forget = () => queryClient.removeQueries({ queryKey: SESSION_KEY });
    // Leave the logged-in pages first: they cannot render without a user.
    if (!pathname.startsWith('/login')) void router.navigate(loginUrl(pathname + search), { replace: true }).then(forget);
    else forget();
  },
  onMustChangePassword: (err) => {
    if (err.code === ERR.mustChangePassword && router.state.location.pathname !== '/change-password')
      void router.navigate('/change-password', { replace: true });
  },
});
