import {
  ApartmentOutlined,
  BookOutlined,
  CalendarOutlined,
  ClusterOutlined,
  DashboardOutlined,
  FileSearchOutlined,
  SafetyCertificateOutlined,
  SettingOutlined,
  SlidersOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import { page } from '../../app/lazy';
import type { FeatureModule } from '../../app/types';

const S = '系统管理';

export const systemModule: FeatureModule = {
  key: 'system',
  menu: [
    { key: 'home', label: '工作台', icon: <DashboardOutlined />, path: '/', order: 0 },
    {
      key: 'system',
      label: S,
      icon: <SettingOutlined />,
      order: 90,
      children: [
        { key: 'system/areas', label: '行政区划', icon: <ClusterOutlined />, path: '/system/areas', permission: 'system:area:view', order: 10 },
        { key: 'system/orgs', label: '机构', icon: <ApartmentOutlined />, path: '/system/orgs', permission: 'system:org:view', order: 20 },
        { key: 'system/users', label: '用户', icon: <TeamOutlined />, path: '/system/users', permission: 'system:user:view', order: 30 },
        { key: 'system/roles', label: '角色与权限', icon: <SafetyCertificateOutlined />, path: '/system/roles', permission: 'system:role:view', order: 40 },
        { key: 'system/dicts', label: '字典', icon: <BookOutlined />, path: '/system/dicts', permission: 'system:dict:view', order: 50 },
        { key: 'system/calendar', label: '工作日历', icon: <CalendarOutlined />, path: '/system/calendar', permission: 'system:calendar:view', order: 60 },
        { key: 'system/params', label: '参数', icon: <SlidersOutlined />, path: '/system/params', permission: 'system:param:view', order: 70 },
        { key: 'system/audit-log', label: '操作日志', icon: <FileSearchOutlined />, path: '/system/audit-log', permission: 'system:audit:view', order: 80 },
      ],
    },
  ],
  auditModules: {
    auth: '登录与密码',
    areas: '行政区划',
    orgs: '机构',
    users: '用户',
    roles: '角色与权限',
    dicts: '字典',
    calendar: '工作日历',
    params: '参数',
    system: '系统',
    demo: '演示数据',
    files: '附件',
  },
  auditActions: { upload: '上传', download: '下载', remove: '移除' },
  routes: [
    page({ index: true }, { title: '工作台' }, () => import('./home/HomePage')),
    page('system/areas', { title: '行政区划', section: S, permission: 'system:area:view' }, () => import('./areas/AreasPage')),
    page('system/orgs', { title: '机构', section: S, permission: 'system:org:view' }, () => import('./orgs/OrgsPage')),
    page('system/users', { title: '用户', section: S, permission: 'system:user:view' }, () => import('./users/UsersPage')),
    page('system/roles', { title: '角色与权限', section: S, permission: 'system:role:view' }, () => import('./roles/RolesPage')),
    page('system/dicts', { title: '字典', section: S, permission: 'system:dict:view' }, () => import('./dicts/DictsPage')),
    page('system/calendar', { title: '工作日历', section: S, permission: 'system:calendar:view' }, () => import('./calendar/CalendarPage')),
    page('system/params', { title: '参数', section: S, permission: 'system:param:view' }, () => import('./params/ParamsPage')),
    page('system/audit-log', { title: '操作日志', section: S, permission: 'system:audit:view' }, () => import('./audit/AuditLogPage')),
  ],
};
