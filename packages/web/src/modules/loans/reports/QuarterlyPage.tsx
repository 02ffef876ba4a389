import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Space, Table, Tag } from 'antd';
import { feedback } from '../../../app/feedback';
import { useCan } from '../../../auth/session';
import { formatYuanText } from '../../../lib/format';
import { loansApi } from '../api';
import { useCounty, usePeriod, useTownship } from '../common';

const STATUS_COLOR: Record<string, string> = { submitted: 'green', late: 'orange', missing: 'default', overdue: 'red' };

/** 季度报表 (第十二条3–4): the station to the county office, the coop to the credit union; due the 5th. */
export default function QuarterlyPage() {
  const can = useCan();
  const qc = useQueryClient();
  const { countyCode, picker: countyPicker } = useCounty();
  const { townshipCode, picker: townPicker } = useTownship(countyCode);
  const { year, quarter, picker } = usePeriod({ quarter: true });
  const preview = useQuery({ queryKey: ['loans', 'quarter-preview', townshipCode, year, quarter], queryFn: ({ signal }) => loansApi.quarterPreview({ townshipCode: townshipCode!, year, quarter }, signal), enabled: !!townshipCode });
  const board = useQuery({ queryKey: ['loans', 'board', countyCode, year, quarter], queryFn: ({ signal }) => loansApi.board({ countyCode: countyCode!, year, quarter }, signal), enabled: !!countyCode });
  const submit = useMutation({
    mutationFn: (reporter: 'station' | 'coop') => loansApi.submitQuarter({ townshipCode, year, quarter, reporter }),
    onSuccess: async (r) => {
      feedback.message.success(`已报送${r.recipientLabel}${r.late ? '（逾期）' : ''}`);
      await qc.invalidateQueries({ queryKey: ['loans', 'board'] });
    },
  });
  const f = preview.data?.figures;
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card
        title="季度贷款发放与回收情况"
        extra={
          <Space wrap>
            {countyPicker}
            {townPicker}
            {picker}
          </Space>
        }
      >
        {!townshipCode && <Alert type="info" message="请选择乡镇" />}
        {f && preview.data && (
          <>
            <Alert style={{ marginBottom: 12 }} type="info" message={`${preview.data.label}报表应于 ${preview.data.dueOn} 前报送（每季度第一个月 5 日，遇节假日顺延）`} />
            <Descriptions bordered size="small" column={3}>
              <Descriptions.Item label="本季发放">{`${f.disbursedCount} 笔 ${formatYuanText(f.disbursedFen)}`}</Descriptions.Item>
              <Descriptions.Item label="本季收回本金">{formatYuanText(f.repaidFen)}</Descriptions.Item>
              <Descriptions.Item label="本季到期本金">{formatYuanText(f.dueFen)}</Descriptions.Item>
              <Descriptions.Item label="到期已收回">{formatYuanText(f.recoveredFen)}</Descriptions.Item>
              <Descriptions.Item label="回收率">{f.recoveryRateText}</Descriptions.Item>
              <Descriptions.Item label="贷款余额">{formatYuanText(f.outstandingFen)}</Descriptions.Item>
              <Descriptions.Item label="逾期">{`${f.overdueCount} 笔 ${formatYuanText(f.overdueFen)}`}</Descriptions.Item>
              <Descriptions.Item label="兑付贴息">{formatYuanText(f.subsidyPaidFen)}</Descriptions.Item>
            </Descriptions>
            <Space style={{ marginTop: 12 }}>
              {can('loan:review:station') && (
                <Button type="primary" loading={submit.isPending} onClick={() => submit.mutate('station')}>
                  工作站报送县扶贫办
                </Button>
              )}
              {can('loan:review:coop') && (
                <Button type="primary" loading={submit.isPending} onClick={() => submit.mutate('coop')}>
                  信用社报送县信用联社
                </Button>
              )}
            </Space>
          </>
        )}
      </Card>
      {board.data && (
        <Card title={`${board.data.label}报送情况（截止 ${board.data.dueOn}）`}>
          <Table
            size="small"
            rowKey={(r) => `${r.townshipCode}-${r.reporter}`}
            pagination={false}
            dataSource={board.data.items}
            columns={[
              { title: '乡镇', dataIndex: 'townshipName' },
              { title: '报送单位', dataIndex: 'reporterLabel' },
              { title: '状态', dataIndex: 'status', render: (v, r) => <Tag color={STATUS_COLOR[v]}>{r.statusLabel}</Tag> },
              { title: '报送日期', dataIndex: 'submittedOn', render: (v) => v ?? '—' },
            ]}
          />
        </Card>
      )}
    </Space>
  );
}
