import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Col, Row, Space, Spin, Statistic } from 'antd';
import { lazy, Suspense } from 'react';
import { formatYuan } from '../../../lib/format';
import { loansApi } from '../api';
import { useCounty, usePeriod } from '../common';

const Chart = lazy(() => import('../../../components/charts/Chart'));
const yuan = (fen: number) => Math.round(fen) / 100;

/** 到户贷款统计: lending and recovery by township and month, quota use, ageing, subsidy. */
export default function DashboardPage() {
  const { countyCode, picker } = useCounty();
  const { year, picker: yearPicker } = usePeriod();
  const q = useQuery({ queryKey: ['loans', 'dashboard', countyCode, year], queryFn: ({ signal }) => loansApi.dashboard({ countyCode: countyCode!, year }, signal), enabled: !!countyCode });
  const d = q.data;
  const name = (code: string | null) => d?.townships.find((t) => t.code === code)?.name ?? code ?? '县本级';
  const months = Array.from({ length: 12 }, (_, i) => `${i + 1}月`);
  const towns = d ? [...new Set(d.monthly.map((m) => m.townshipCode))] : [];
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card title="到户贷款统计" extra={<Space>{picker}{yearPicker}</Space>}>
        {!countyCode && <Alert type="info" message="请选择县（区）" />}
        {q.isLoading && <Spin />}
        {d && (
          <Row gutter={16}>
            <Col span={6}>
              <Statistic title="本年发放（元）" value={formatYuan(d.monthly.reduce((s, m) => s + m.disbursedFen, 0))} />
            </Col>
            <Col span={6}>
              <Statistic title="本年收回（元）" value={formatYuan(d.monthly.reduce((s, m) => s + m.repaidFen, 0))} />
            </Col>
            <Col span={6}>
              <Statistic title="逾期贷款余额（元）" value={formatYuan(d.ageing.reduce((s, b) => s + b.outstandingFen, 0))} valueStyle={{ color: '#cf1322' }} />
            </Col>
            <Col span={6}>
              <Statistic title="已兑付贴息（元）" value={formatYuan(d.subsidy.reduce((s, x) => s + x.paidFen, 0))} />
            </Col>
          </Row>
        )}
      </Card>
      {d && (
        <Suspense fallback={<Spin />}>
          <Row gutter={16}>
            <Col span={12}>
              <Card title="按月发放与收回（元）">
                <Chart
                  ariaLabel="按月发放与收回"
                  option={{
                    tooltip: { trigger: 'axis' },
                    legend: {},
                    xAxis: { type: 'category', data: months },
                    yAxis: { type: 'value' },
                    series: [
                      ...towns.map((t) => ({ name: `${name(t)}发放`, type: 'bar' as const, stack: 'lend', data: months.map((_, i) => yuan(d.monthly.find((m) => m.townshipCode === t && m.month === i + 1)?.disbursedFen ?? 0)) })),
                      { name: '收回', type: 'bar' as const, data: months.map((_, i) => yuan(d.monthly.filter((m) => m.month === i + 1).reduce((s, m) => s + m.repaidFen, 0))) },
                    ],
                  }}
                />
              </Card>
            </Col>
            <Col span={12}>
              <Card title="回收率（%）">
                <Chart
                  ariaLabel="各乡镇回收率"
                  option={{
                    tooltip: {},
                    xAxis: { type: 'category', data: d.recovery.map((r) => name(r.townshipCode)) },
                    yAxis: { type: 'value', max: 100 },
                    series: [{ name: '回收率', type: 'bar', data: d.recovery.map((r) => (r.recoveryRateBp == null ? 0 : r.recoveryRateBp / 100)) }],
                  }}
                />
              </Card>
            </Col>
            <Col span={12}>
              <Card title="计划指标使用（元）">
                <Chart
                  ariaLabel="计划指标使用"
                  option={{
                    tooltip: { trigger: 'axis' },
                    legend: {},
                    xAxis: { type: 'category', data: d.quotaUse.map((q) => name(q.townshipCode)) },
                    yAxis: { type: 'value' },
                    series: [
                      { name: '计划', type: 'bar', data: d.quotaUse.map((q) => yuan(q.amountFen)) },
                      { name: '已用', type: 'bar', data: d.quotaUse.map((q) => yuan(q.usedFen)) },
                    ],
                  }}
                />
              </Card>
            </Col>
            <Col span={12}>
              <Card title="逾期账龄（元）">
                <Chart
                  ariaLabel="逾期账龄"
                  option={{
                    tooltip: {},
                    xAxis: { type: 'category', data: d.ageing.map((b) => b.label) },
                    yAxis: { type: 'value' },
                    series: [{ name: '逾期余额', type: 'bar', data: d.ageing.map((b) => yuan(b.outstandingFen)), itemStyle: { color: '#e8684a' } }],
                  }}
                />
              </Card>
            </Col>
            <Col span={24}>
              <Card title="贴息资金：拨付、预拨与兑付（元）">
                <Chart
                  ariaLabel="贴息资金拨付与兑付"
                  option={{
                    tooltip: { trigger: 'axis' },
                    legend: {},
                    xAxis: { type: 'category', data: d.subsidy.map((s) => name(s.townshipCode)) },
                    yAxis: { type: 'value' },
                    series: [
                      { name: '财政局拨付', type: 'bar', data: d.subsidy.map((s) => yuan(s.allocatedFen)) },
                      { name: '预拨信用社', type: 'bar', data: d.subsidy.map((s) => yuan(s.prepaidFen)) },
                      { name: '兑付农户', type: 'bar', data: d.subsidy.map((s) => yuan(s.paidFen)) },
                    ],
                  }}
                />
              </Card>
            </Col>
          </Row>
        </Suspense>
      )}
    </Space>
  );
}
