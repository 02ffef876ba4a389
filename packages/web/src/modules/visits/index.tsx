import { ApartmentOutlined, AuditOutlined, BarChartOutlined, FlagOutlined, HeartOutlined, MobileOutlined, SettingOutlined, SolutionOutlined, TeamOutlined } from '@ant-design/icons';
import { page } from '../../app/lazy';
import type { FeatureModule } from '../../app/types';

const S = '结对帮扶';

/** 结对帮扶 (issue 5): the cadre's phone page, and the station's pairing and visit-rate pages. */
export const visitsModule: FeatureModule = {
  key: 'visits',
  menu: [
    {
      key: 'visits',
      label: S,
      icon: <HeartOutlined />,
      order: 30,
      children: [
        { key: 'visits/field', label: '手机走访', icon: <MobileOutlined />, path: '/visits/field', permission: 'visit:record', order: 5 },
        { key: 'visits/rates', label: '走访率与催办', icon: <BarChartOutlined />, path: '/visits/rates', permission: 'visit:view', order: 10 },
        { key: 'visits/pairings', label: '干部包户', icon: <SolutionOutlined />, path: '/visits/pairings', permission: 'visit:view', order: 20 },
        { key: 'visits/cadres', label: '帮扶干部', icon: <TeamOutlined />, path: '/visits/cadres', permission: 'visit:view', order: 30 },
        { key: 'visits/unit-villages', label: '单位包村', icon: <ApartmentOutlined />, path: '/visits/unit-villages', permission: 'visit:view', order: 40 },
        { key: 'visits/records', label: '走访记录与整改', icon: <AuditOutlined />, path: '/visits/records', permission: 'visit:view', order: 50 },
        { key: 'visits/teams', label: '驻村工作队', icon: <FlagOutlined />, path: '/visits/teams', permission: 'visit:view', order: 60 },
        { key: 'visits/rules', label: '走访规则与豁免', icon: <SettingOutlined />, path: '/visits/rules', permission: 'visit:view', order: 70 },
      ],
    },
  ],
  auditModules: { visits: '结对帮扶' },
  auditActions: {
    end: '结束',
    replace: '更换',
    status: '变更状态',
    sync: '离线同步',
    'sync-download': '下载离线数据',
    photo: '上传照片',
    close: '销号',
    rule: '修改规则',
    export: '导出',
    revoke: '撤销',
    attendance: '考勤',
    'add-member': '增加队员',
    'end-member': '队员离任',
    'submit-report': '提交报告',
    'resubmit-report': '重新提交报告',
    'review-report': '审核报告',
    'visit-update-household': '走访更新户信息',
  },
  routes: [
    page('visits/field', { title: '手机走访', section: S, permission: 'visit:record' }, () => import('./field/FieldPage')),
    page('visits/rates', { title: '走访率与催办', section: S, permission: 'visit:view' }, () => import('./rates/RatesPage')),
    page('visits/pairings', { title: '干部包户', section: S, permission: 'visit:view' }, () => import('./pairing/PairingsPage')),
    page('visits/cadres', { title: '帮扶干部', section: S, permission: 'visit:view' }, () => import('./pairing/CadresPage')),
    page('visits/unit-villages', { title: '单位包村', section: S, permission: 'visit:view' }, () => import('./pairing/UnitVillagesPage')),
    page('visits/records', { title: '走访记录与整改', section: S, permission: 'visit:view' }, () => import('./records/VisitsPage')),
    page('visits/rules', { title: '走访规则与豁免', section: S, permission: 'visit:view' }, () => import('./rates/RulesPage')),
    page('visits/teams', { title: '驻村工作队', section: S, permission: 'visit:view' }, () => import('./teams/TeamsPage')),
  ],
};
