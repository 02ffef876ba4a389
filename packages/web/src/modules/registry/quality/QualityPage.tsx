import { DownloadOutlined, ReloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Col, Form, Row, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { feedback } from '../../../app/feedback';
import { FilterBar, ListCard } from '../../../components/ListPage';
import { formatDateTime } from '../../../lib/format';
import { useListParams } from '../../../lib/useListParams';
import { downloadUrl, registryApi, type QualityIssue } from '../api';

/** 数据质量监测: problems by rule, township and village, and the list to fix. */
export default function QualityPage() {
  const list = useListParams();
  const qc = useQueryClient();
  const { rule, severity, townshipCode, villageCode } = list.filters;
  const area = { townshipCode, villageCode };
  const summary = useQuery({ queryKey: ['registry', 'quality', 'summary', area], queryFn: ({ signal }) => registryApi.qualitySummary(area, signal), placeholderData: keepPreviousData });
  const issues = useQuery({ queryKey: ['registry', 'quality', 'issues', list.query], queryFn: ({ signal }) => registryApi.qualityIssues(list.query, signal), placeholderData: keepPreviousData });
  const run = useMutation({
    mutationFn: registryApi.runQuality,
    onSuccess: async (r) => {
      feedback.message.success(`检查完成：${r.households} 户、${r.persons} 人，发现 ${r.issues} 个问题`);
      await qc.invalidateQueries({ queryKey: ['registry'] });
    },
  });
  const s = summary.data;
  const pick = (values: Record<string, string | undefined>) => list.setFilters({ ...list.filters, ...values });

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Row gutter={16}>
        <Col xs={12} md={6}>
          <Card>
            <Statistic title="待整改问题" value={s?.issues ?? 0} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card>
            <Statistic title="涉及农户" value={s?.households ?? 0} suffix="户" />
          </Card>
        </Col>
        <Col xs={24} md={12}>
          <Card>
            <Space orientation="vertical">
              <Typography.Text type="secondary">
                上次全面检查：{s?.lastRun ? `${formatDateTime(s.lastRun.finishedAt)}（${s.lastRun.households} 户，${s.lastRun.issues} 个问题）` : '尚未运行'}；每晚自动检查，保存档案时即时检查。
              </Typography.Text>
              <Button icon={<ReloadOutlined />} loading={run.isPending} onClick={() => run.mutate()}>
                立即检查我的辖区
              </Button>
            </Space>
          </Card>
        </Col>
      </Row>
      <Row gutter={16}>
        <Col xs={24} lg={8}>
          <Card size="small" title="按规则">
            <Table
              size="small"
              rowKey="rule"
              pagination={false}
              dataSource={s?.byRule ?? []}
              rowClassName={(r) => (r.rule === rule ? 'row-selected' : '')}
              onRow={(r) => ({ onClick: () => pick({ rule: r.rule === rule ? undefined : r.rule }), style: { cursor: 'pointer' } })}
              columns={[
                { title: '规则', dataIndex: 'label' },
                { title: '问题', dataIndex: 'issues', align: 'right', render: (v) => (v ? <Tag color="red">{v}</Tag> : <Tag color="green">0</Tag>) },
                { title: '户数', dataIndex: 'households', align: 'right' },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <Card size="small" title="按乡镇">
            <Table
              size="small"
              rowKey="code"
              pagination={false}
              dataSource={s?.byTownship ?? []}
              onRow={(r) => ({ onClick: () => pick({ townshipCode: r.code, villageCode: undefined }), style: { cursor: 'pointer' } })}
              columns={[
                { title: '乡镇', dataIndex: 'name' },
                { title: '问题', dataIndex: 'issues', align: 'right' },
                { title: '户数', dataIndex: 'households', align: 'right' },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <Card size="small" title="按村（问题最多的在前）">
            <Table
              size="small"
              rowKey="code"
              pagination={{ pageSize: 10, size: 'small' }}
              dataSource={s?.byVillage ?? []}
              onRow={(r) => ({ onClick: () => pick({ villageCode: r.code, townshipCode: undefined }), style: { cursor: 'pointer' } })}
              columns={[
                { title: '村', key: 'n', render: (_, r) => `${r.townshipName ?? ''} ${r.name ?? r.code}` },
                { title: '问题', dataIndex: 'issues', align: 'right' },
                { title: '户数', dataIndex: 'households', align: 'right' },
              ]}
            />
          </Card>
        </Col>
      </Row>
      <ListCard
        title="问题清单"
        total={issues.data?.total}
        actions={
          <Button icon={<DownloadOutlined />} onClick={() => downloadUrl('/api/registry/quality/issues.xlsx', { rule, severity, townshipCode, villageCode })}>
            导出 Excel
          </Button>
        }
        filters={
          <FilterBar filters={list.filters} onSearch={list.setFilters}>
            <Form.Item label="规则" name="rule">
              <Select allowClear placeholder="全部" style={{ width: 180 }} options={(s?.byRule ?? []).map((r) => ({ value: r.rule, label: r.label }))} />
            </Form.Item>
            <Form.Item label="级别" name="severity">
              <Select allowClear placeholder="全部" style={{ width: 100 }} options={[{ value: 'error', label: '错误' }, { value: 'warning', label: '提醒' }]} />
            </Form.Item>
            {(townshipCode || villageCode) && (
              <Form.Item>
                <Button onClick={() => pick({ townshipCode: undefined, villageCode: undefined })}>清除区划筛选</Button>
              </Form.Item>
            )}
          </FilterBar>
        }
      >
        <Table<QualityIssue>
          rowKey="id"
          size="small"
          dataSource={issues.data?.items}
          loading={issues.isFetching}
          pagination={list.pagination(issues.data?.total)}
          onChange={list.onTableChange as never}
          columns={[
            { title: '村', key: 'v', render: (_, i) => `${i.townshipName ?? ''} ${i.villageName ?? ''}` },
            { title: '农户', key: 'h', render: (_, i) => <Link to={`/registry/households/${i.householdId}`}>{i.headName ?? i.householdNo}户</Link> },
            { title: '成员', dataIndex: 'personName', render: (v) => v ?? '—' },
            { title: '规则', dataIndex: 'ruleLabel' },
            { title: '级别', dataIndex: 'severityLabel', render: (v, i) => <Tag color={i.severity === 'error' ? 'red' : 'orange'}>{v}</Tag> },
            { title: '问题', dataIndex: 'message' },
          ]}
        />
      </ListCard>
    </Space>
  );
}
