import { KeyOutlined, LogoutOutlined, MenuFoldOutlined, MenuUnfoldOutlined, UserOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Breadcrumb, Button, Dropdown, Grid, Layout, Menu, Spin, Tag, Typography, type MenuProps } from 'antd';
import { Suspense, useEffect, useMemo, useState } from 'react';
import { Link, Outlet, useLocation, useMatches, useNavigate, useNavigation } from 'react-router';
import { setCsrfToken } from '../api/client';
import { authApi, can, DATA_SCOPE_LABELS, useSessionUser } from '../auth/session';
import { visibleMenu } from './menu';
import { menuTree } from './modules';
import { Forbidden } from './NotFound';
import type { MenuNode, RouteHandle } from './types';
import './layout.css';

type MenuItem = Required<MenuProps>['items'][number];

/** antd Menu items for the entries the user may see. */
function menuItems(nodes: MenuNode[]): MenuItem[] {
  return nodes.map((n) =>
    n.children
      ? { key: `group:${n.key}`, icon: n.icon, label: n.label, children: menuItems(n.children) }
      : { key: n.path!, icon: n.icon, label: <Link to={n.path!}>{n.label}</Link> },
  );
}

function leafPaths(nodes: MenuNode[], parents: string[] = [], acc = new Map<string, string[]>()) {
  for (const n of nodes) {
    if (n.path) acc.set(n.path, parents);
    if (n.children) leafPaths(n.children, [...parents, `group:${n.key}`], acc);
  }
  return acc;
}
const LEAVES = leafPaths(menuTree);

/** The menu entry for a location: the longest menu path the location is in. */
function selectedPath(pathname: string): string | undefined {
  let best: string | undefined;
  for (const p of LEAVES.keys()) {
    const hit = p === '/' ? pathname === '/' : pathname === p || pathname.startsWith(`${p}/`);
    if (hit && (!best || p.length > best.length)) best = p;
  }
  return best;
}

export default function AppLayout() {
  const user = useSessionUser();
  const location = useLocation();
  const navigate = useNavigate();
  const navigation = useNavigation();
  const matches = useMatches();
  const queryClient = useQueryClient();
  const screens = Grid.useBreakpoint();
  // Breakpoints are unknown on the first render ({}): assume a desktop until told otherwise.
  const narrow = screens.lg === false;
  const [collapsed, setCollapsed] = useState(narrow);
  useEffect(() => setCollapsed(narrow), [narrow]);

  const handle = [...matches].reverse().find((m) => (m.handle as RouteHandle | undefined)?.title)?.handle as RouteHandle | undefined;
  const allowed = can(user, handle?.permission);
  useEffect(() => {
    document.title = handle?.title ? `${handle.title} - 扶贫工作站` : '扶贫工作站';
  }, [handle?.title]);

  const items = useMemo(() => menuItems(visibleMenu(menuTree, user)), [user]);
  const selected = selectedPath(location.pathname);
  const [openKeys, setOpenKeys] = useState<string[]>(() => (selected ? (LEAVES.get(selected) ?? []) : []));
  // The current page's group is open whenever the menu is shown in full.
  useEffect(() => {
    const groups = selected ? (LEAVES.get(selected) ?? []) : [];
    if (!collapsed) setOpenKeys((prev) => [...new Set([...prev, ...groups])]);
  }, [selected, collapsed]);

  const logout = useMutation({
    mutationFn: authApi.logout,
    onSettled: async () => {
      // Whatever the server said, this browser forgets the session — after leaving the
      // layout, which cannot render without a user.
      setCsrfToken('');
      await navigate('/login', { replace: true });
      queryClient.clear();
    },
    meta: { silent: true },
  });

  const userMenu: MenuProps['items'] = [
    { key: 'password', icon: <KeyOutlined />, label: '修改密码', onClick: () => navigate('/change-password') },
    { type: 'divider' },
    { key: 'logout', icon: <LogoutOutlined />, label: '退出登录', onClick: () => logout.mutate() },
  ];

  return (
    <Layout className="app-layout">
      <Layout.Sider
        width={220}
        collapsible
        collapsed={collapsed}
        collapsedWidth={narrow ? 0 : 64}
        trigger={null}
        className="app-sider"
        aria-label="主菜单"
      >
        <Link to="/" className="app-logo" aria-label="扶贫工作站 首页">
          <span className="app-logo-mark">扶</span>
          {!collapsed && <span className="app-logo-text">扶贫工作站</span>}
        </Link>
        <nav aria-label="主菜单">
          <Menu
            theme="dark"
            mode="inline"
            items={items}
            selectedKeys={selected ? [selected] : []}
            openKeys={collapsed ? undefined : openKeys}
            // A collapsing menu reports every group closed; that is not the user's choice.
            onOpenChange={(keys) => !collapsed && setOpenKeys(keys as string[])}
            onClick={() => narrow && setCollapsed(true)}
          />
        </nav>
      </Layout.Sider>
      {narrow && !collapsed && <div className="app-sider-mask" aria-hidden onClick={() => setCollapsed(true)} />}
      <Layout>
        <Layout.Header className="app-header">
          <Button
            type="text"
            aria-label={collapsed ? '展开菜单' : '收起菜单'}
            icon={collapsed ? <MenuUnfoldOutlined /> : <MenuFoldOutlined />}
            onClick={() => setCollapsed(!collapsed)}
          />
          <Breadcrumb
            className="app-breadcrumb"
            items={[...(handle?.section ? [{ title: handle.section }] : []), { title: handle?.title ?? '' }]}
          />
          <div className="app-user">
            {!narrow && (
              <span className="app-user-post" data-testid="user-post">
                {user.orgName && <span>{user.orgName}</span>}
                {user.areaName && <Tag>{user.areaName}</Tag>}
                <Tag color="blue">{DATA_SCOPE_LABELS[user.dataScope]}</Tag>
              </span>
            )}
            <Dropdown menu={{ items: userMenu }} trigger={['click']} placement="bottomRight">
              <Button type="text" icon={<UserOutlined />} aria-label={`当前用户 ${user.name}`}>
                {user.name}
              </Button>
            </Dropdown>
          </div>
        </Layout.Header>
        <Layout.Content className="app-content">
          {navigation.state === 'loading' && <div className="app-route-loading" role="progressbar" aria-label="页面加载中" />}
          {allowed ? (
            <Suspense fallback={<Spin className="app-page-spin" />}>
              <Outlet />
            </Suspense>
          ) : (
            <Forbidden />
          )}
        </Layout.Content>
        <Layout.Footer className="app-footer">
          <Typography.Text type="secondary">扶贫工作站 · {user.username}</Typography.Text>
        </Layout.Footer>
      </Layout>
    </Layout>
  );
}
