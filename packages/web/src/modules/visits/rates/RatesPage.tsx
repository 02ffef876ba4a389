import { DownloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Button, Card, Col, DatePicker, Row, Segmented, Skeleton, Space, Statistic, Switch, Table, Tabs, Tag, Typography, type TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { lazy, Suspense, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { todayInChina } from '@fupin/shared/date';
import { toSearch } from '../../../api/client';
import { useCan, useSessionUser } from '../../../auth/session';
import { AreaTreeSelect } from '../../../components/AreaTreeSelect';
import type { EChartsOption } from '../../../components/charts/Chart';
import { OUTCOME_COLORS, rateColor, visitsApi, type HouseholdRateItem, type RateRow } from '../api';

const Chart = lazy(() => import('../../../components/charts/Chart'));

const GROUPS = [
  { value: 'county', label: '县' },
  { value: 'township', label: '乡镇' },
  { value: 'village', label: '村' },
  { value: 'unit', label: '帮扶单位' },
  { value: 'cadre', label: '帮扶干部' },
];

const lastMonth = () => dayjs(todayInChina()).subtract(1, 'month').format('YYYY-MM');

/**
 * 走访率 and the station's monthly chase list: the rate per area, unit or cadre (lowest
 * first), the households behind with their cadre, the households nobody is paired with, an
 * Excel export of all of it, and the year's figures and trend.
 */
export default function RatesPage() {
  const user = useSessionUser();
  const can = useCan();
  const [sp, setSp] = useSearchParams();
  const month = sp.get('month') ?? lastMonth();
  const groupBy = sp.get('groupBy') ?? (user.dataScope === 'self' ? 'cadre' : 'village');
  const areaCode = sp.get('areaCode') ?? undefined;
  const behindOnly = sp.get('behindOnly') === 'true';
  const tab = sp.get('tab') ?? 'rates';
  const page = Number(sp.get('page') ?? 1);
  const setParam = (k: string, v: string | undefined) =>
    setSp((prev) => {
      const n = new URLSearchParams(prev);
      if (v === undefined || v === '') n.delete(k);
      else n.set(k, v);
      if (k !== 'page') n.delete('page');
      return n;
    });

  const rates = useQuery({
    queryKey: ['visits', 'rates', month, groupBy, areaCode, behindOnly],
    queryFn: ({ signal }) => visitsApi.rates({ month, groupBy, areaCode, behindOnly }, signal),
    placeholderData: keepPreviousData,
  });
  const behind = useQuery({
    queryKey: ['visits', 'rates', 'households', month, areaCode, page],
    queryFn: ({ signal }) => visitsApi.rateHouseholds({ month, areaCode, page, pageSize: 20 }, signal),
    enabled: tab === 'behind',
    placeholderData: keepPreviousData,
  });
  const unpaired = useQuery({
    queryKey: ['visits', 'rates', 'unpaired', month, areaCode, page],
    queryFn: ({ signal }) => visitsApi.unpaired({ month, areaCode, page, pageSize: 20 }, signal),
    enabled: tab === 'unpaired',
    placeholderData: keepPreviousData,
  });
  const dash = useQuery({
    queryKey: ['visits', 'dashboard', month.slice(0, 4), areaCode],
    queryFn: ({ signal }) => visitsApi.dashboard({ year: month.slice(0, 4), areaCode }, signal),
  });

  const rateColumns: TableColumnsType<RateRow> = [
    { title: GROUPS.find((g) => g.value === groupBy)?.label ?? '名称', dataIndex: 'name', render: (v, r) => (r.parentName ? `${v}（${r.parentName}）` : v) },
    { title: '应走访户数', dataIndex: 'required', align: 'right' },
    { title: '达标', dataIndex: 'met', align: 'right' },
    { title: '未达标', dataIndex: 'missed', align: 'right', render: (v) => (v ? <Typography.Text type="danger">{v}</Typography.Text> : v) },
    { title: '需重新结对', dataIndex: 'unassigned', align: 'right', render: (v) => (v ? <Tag color="orange">{v}</Tag> : v) },
    { title: '豁免', dataIndex: 'exempt', align: 'right' },
    { title: '走访率', dataIndex: 'rateText', align: 'right', render: (v, r) => <Tag color={rateColor(r.rate)}>{v}</Tag> },
  ];
  const householdColumns: TableColumnsType<HouseholdRateItem> = [
    { title: '乡镇', dataIndex: 'townshipName' },
    { title: '村', dataIndex: 'villageName' },
    { title: '户主', dataIndex: 'headName' },
    { title: '户编号', dataIndex: 'householdNo' },
    { title: '帮扶干部', dataIndex: 'cadreName' },
    { title: '帮扶单位', dataIndex: 'unitName' },
    { title: '应/已走访', key: 'n', render: (_, r) => `${r.required} / ${r.done}` },
    { title: '最近走访', dataIndex: 'lastVisitDate', render: (v) => v ?? '—' },
    { title: '情况', dataIndex: 'outcomeLabel', render: (v, r) => <Tag color={OUTCOME_COLORS[r.outcome]}>{v}</Tag> },
    { title: '说明', dataIndex: 'reason' },
  ];

  const trend = useMemo<EChartsOption | null>(() => {
    const t = dash.data?.trend ?? [];
    if (!t.length) return null;
    return {
      tooltip: { trigger: 'axis', valueFormatter: (v) => `${v}%` },
      grid: { left: 8, right: 16, bottom: 8, top: 24, containLabel: true },
      xAxis: { type: 'category', data: t.map((x) => x.month.slice(5) + '月') },
      yAxis: { type: 'value', name: '走访率 %', max: 100, min: 0 },
      series: [{ name: '走访率', type: 'bar', barMaxWidth: 36, data: t.map((x) => (x.rate === null ? null : Math.round(x.rate * 10000) / 100)), label: { show: true, position: 'top' } }],
    };
  }, [dash.data]);

  const c = dash.data?.counts;
  const exportUrl = `/api/visits/rates/export${toSearch({ month, areaCode })}`;

  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      <Card size="small">
        <Space wrap size={12}>
          <span>
            月份{' '}
            <DatePicker
              picker="month"
              allowClear={false}
              value={dayjs(`${month}-01`)}
              disabledDate={(d) => d.isAfter(dayjs(todayInChina()), 'month')}
              onChange={(d) => d && setParam('month', d.format('YYYY-MM'))}
              aria-label="统计月份"
            />
          </span>
          {/* a unit administrator has an area scope but no area permission: the picker would answer 403 */}
          {user.dataScope !== 'self' && can('system:area:view') && (
            <span>
              区划 <AreaTreeSelect style={{ width: 220 }} placeholder="全部" value={areaCode} onChange={(v) => setParam('areaCode', typeof v === 'string' ? v : undefined)} />
            </span>
          )}
          <Button icon={<DownloadOutlined />} href={exportUrl} download>
            导出催办清单
          </Button>
        </Space>
      </Card>

      {dash.isLoading ? (
        <Skeleton active />
      ) : (
        c && (
          <Row gutter={[12, 12]}>
            {[
              ['结对户', c.pairedHouseholds, '户'],
              ['帮扶干部', c.cadres, '人'],
              ['包村单位', c.unitsOnVillages, '个'],
              ['驻村队员', c.residentMembers, '人'],
              [`${dash.data!.year}年走访`, c.visitsThisYear, '次'],
              ['其中入户', c.homeVisitsThisYear, '次'],
              ['发现问题', c.visitsWithProblems, '次'],
              ['整改销号', c.tasksClosed, `/ ${c.tasksOpened}`],
              ['整改逾期', c.tasksOverdue, '项'],
              ['需重新结对', c.householdsToRepair, '户'],
              [`${dash.data!.attendance.month} 驻村达标`, dash.data!.attendance.compliant, `/ ${dash.data!.attendance.members}`],
            ].map(([label, value, suffix]) => (
              <Col key={String(label)} xs={12} sm={8} md={6} xl={4}>
                <Card size="small">
                  <Statistic title={label} value={value as number} suffix={suffix} />
                </Card>
              </Col>
            ))}
          </Row>
        )
      )}

      <Card size="small">
        <Tabs
          activeKey={tab}
          onChange={(k) => setParam('tab', k)}
          items={[
            {
              key: 'rates',
              label: '走访率',
              children: (
                <Space direction="vertical" style={{ width: '100%' }}>
                  <Space wrap>
                    <Segmented options={GROUPS} value={groupBy} onChange={(v) => setParam('groupBy', String(v))} />
                    <Switch checked={behindOnly} onChange={(v) => setParam('behindOnly', v ? 'true' : undefined)} /> 只看未达 100%
                  </Space>
                  {rates.data && (
                    <Typography.Text data-testid="rate-total">
                      {month} 合计：应走访 {rates.data.totals.required} 户，达标 {rates.data.totals.met} 户，走访率{' '}
                      <Tag color={rateColor(rates.data.totals.rate)}>{rates.data.totals.rateText}</Tag>
                      {rates.data.unpaired > 0 && <Typography.Text type="warning">另有 {rates.data.unpaired} 户未结对</Typography.Text>}
                    </Typography.Text>
                  )}
                  <Table<RateRow> rowKey="key" size="middle" loading={rates.isFetching} columns={rateColumns} dataSource={rates.data?.rows} pagination={{ pageSize: 50, hideOnSinglePage: true }} />
                </Space>
              ),
            },
            {
              key: 'behind',
              label: '催办清单',
              children: (
                <Table<HouseholdRateItem>
                  rowKey={(r) => `${r.countyCode}:${r.householdId}`}
                  size="middle"
                  loading={behind.isFetching}
                  columns={householdColumns}
                  dataSource={behind.data?.items}
                  scroll={{ x: 1000 }}
                  pagination={{ current: page, pageSize: 20, total: behind.data?.total, showTotal: (t) => `共 ${t} 户`, onChange: (p) => setParam('page', String(p)) }}
                />
              ),
            },
            {
              key: 'unpaired',
              label: '未结对农户',
              children: (
                <Table
                  rowKey={(r) => `${r.countyCode}:${r.householdId}`}
                  size="middle"
                  loading={unpaired.isFetching}
                  columns={[
                    { title: '村', dataIndex: 'villageName' },
                    { title: '户主', dataIndex: 'headName' },
                    { title: '户编号', dataIndex: 'householdNo' },
                  ]}
                  dataSource={unpaired.data?.items}
                  pagination={{ current: page, pageSize: 20, total: unpaired.data?.total, showTotal: (t) => `共 ${t} 户`, onChange: (p) => setParam('page', String(p)) }}
                />
              ),
            },
          ]}
        />
      </Card>

      {trend && (
        <Card size="small" title={`${dash.data!.year} 年逐月走访率`}>
          <Suspense fallback={<Skeleton active />}>
            <Chart option={trend} height={260} ariaLabel="逐月走访率" />
          </Suspense>
        </Card>
      )}
    </Space>
  );
}
