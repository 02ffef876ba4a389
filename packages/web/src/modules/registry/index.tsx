import { AlertOutlined, AuditOutlined, ImportOutlined, LineChartOutlined, SolutionOutlined, TeamOutlined } from '@ant-design/icons';
import { page } from '../../app/lazy';
import type { FeatureModule } from '../../app/types';
import './registry.css';

const S = '建档立卡';

export const registryModule: FeatureModule = {
  key: 'registry',
  menu: [
    {
      key: 'registry',
      label: S,
      icon: <SolutionOutlined />,
      order: 10,
      children: [
        { key: 'registry/households', label: '农户档案', icon: <TeamOutlined />, path: '/registry/households', permission: 'registry:household:view', order: 10 },
        { key: 'registry/workflows', label: '识别与退出', icon: <AuditOutlined />, path: '/registry/workflows', permission: 'registry:household:view', order: 20 },
        { key: 'registry/quality', label: '数据质量', icon: <AlertOutlined />, path: '/registry/quality', permission: 'registry:quality:view', order: 30 },
        { key: 'registry/poverty-lines', label: '扶贫标准', icon: <LineChartOutlined />, path: '/registry/poverty-lines', permission: 'registry:household:view', order: 35 },
        { key: 'registry/import', label: '导入导出', icon: <ImportOutlined />, path: '/registry/import', permission: ['registry:household:import', 'registry:household:export'], order: 40 },
      ],
    },
  ],
  auditModules: { registry: '建档立卡' },
  auditActions: {
    reveal: '查看完整信息',
    export: '导出',
    'export-reveal': '导出（含完整证件号）',
    import: '导入',
    'poverty-line': '设置贫困线',
    'workflow.apply': '启动流程',
    'workflow.appraise': '民主评议',
    'workflow.notice': '张贴公示',
    'workflow.objection': '登记异议',
    'workflow.resolve': '处理异议',
    'workflow.township_review': '乡镇审核',
    'workflow.county_approval': '县级审批',
    'workflow.announce': '公告',
    'workflow.withdraw': '撤回流程',
    'event.birth': '出生',
    'event.death': '死亡',
    'event.marriage_in': '婚入',
    'event.marriage_out': '婚出',
    'event.move_in': '迁入',
    'event.move_out': '迁出',
    'event.move': '户间迁移',
    'event.split': '分户',
    'event.merge': '并户',
    'event.head_change': '户主变更',
    'event.member_add': '补录成员',
    'event.member_remove': '删除错误登记',
  },
  routes: [
    page('registry/households', { title: '农户档案', section: S, permission: 'registry:household:view' }, () => import('./households/HouseholdsPage')),
    page('registry/households/:id', { title: '农户一户一档', section: S, permission: 'registry:household:view' }, () => import('./households/HouseholdPage')),
    page('registry/workflows', { title: '识别与退出', section: S, permission: 'registry:household:view' }, () => import('./workflows/WorkflowsPage')),
    page('registry/notices/print', { title: '公示打印', section: S, permission: 'registry:household:view' }, () => import('./workflows/NoticePrintPage')),
    page('registry/quality', { title: '数据质量', section: S, permission: 'registry:quality:view' }, () => import('./quality/QualityPage')),
    page('registry/poverty-lines', { title: '扶贫标准与监测标准', section: S, permission: 'registry:household:view' }, () => import('./lines/PovertyLinesPage')),
    page('registry/import', { title: '导入导出', section: S, permission: ['registry:household:import', 'registry:household:export'] }, () => import('./excel/ImportPage')),
  ],
};

export { registerHouseholdSectionView } from './components';
