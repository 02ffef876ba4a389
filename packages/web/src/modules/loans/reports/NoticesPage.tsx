import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, List, Space, Tag } from 'antd';
import { useState } from 'react';
import { feedback } from '../../../app/feedback';
import { useCan } from '../../../auth/session';
import { PrintableRoster } from '../../../components/print/PrintableRoster';
import { loansApi, type Notice, type NoticePreview } from '../api';
import { useCounty, usePeriod, useTownship } from '../common';

type Content = NoticePreview['content'];

/** The printed notice: three tables, names masked, kept exactly as issued. */
function NoticePaper({ content, date }: { content: Content; date?: string }) {
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <PrintableRoster
        title={content.title}
        subtitle={`${content.period}　一、扶贫工作站审定推荐的项目`}
        unit={`${content.townshipName}扶贫工作站`}
        date={date}
        rows={content.recommended}
        rowKey={(r) => r.appNo}
        columns={[
          { key: 'borrower', title: '申请人', width: '22mm' },
          { key: 'village', title: '村', width: '22mm' },
          { key: 'project', title: '项目' },
          { key: 'industry', title: '产业', width: '24mm' },
          { key: 'amountFen', title: '金额（元）', money: (r) => r.amountFen, width: '24mm' },
          { key: 'onDate', title: '推荐日期', width: '24mm' },
        ]}
        signatures={[]}
      />
      <PrintableRoster
        title="二、信用社（县联社）评估决定"
        rows={content.decisions}
        rowKey={(r, i) => `${r.appNo}-${i}`}
        date={date}
        columns={[
          { key: 'borrower', title: '申请人', width: '22mm' },
          { key: 'village', title: '村', width: '22mm' },
          { key: 'decision', title: '决定' },
          { key: 'decidedBy', title: '决定单位' },
          { key: 'amountFen', title: '金额（元）', money: (r) => r.amountFen, width: '24mm' },
          { key: 'onDate', title: '日期', width: '24mm' },
        ]}
        signatures={[]}
      />
      <PrintableRoster
        title="三、放贷情况"
        rows={content.loans}
        rowKey={(r) => r.loanNo}
        date={date}
        columns={[
          { key: 'borrower', title: '借款人', width: '22mm' },
          { key: 'village', title: '村', width: '22mm' },
          { key: 'loanNo', title: '贷款编号' },
          { key: 'amountFen', title: '金额（元）', money: (r) => r.amountFen, width: '24mm' },
          { key: 'termMonths', title: '期限（月）', width: '18mm' },
          { key: 'disbursedOn', title: '放款日期', width: '24mm' },
        ]}
        notes={content.footer}
        signatures={['公示单位（盖章）']}
      />
    </Space>
  );
}

/** 月度公示 (第十二条3): preview, issue (kept as issued), the issued ones. */
export default function NoticesPage() {
  const can = useCan();
  const qc = useQueryClient();
  const { countyCode, picker: countyPicker } = useCounty();
  const { townshipCode, picker: townPicker } = useTownship(countyCode);
  const { year, month, picker } = usePeriod({ month: true });
  const [shown, setShown] = useState<Notice | null>(null);
  const preview = useQuery({ queryKey: ['loans', 'notice-preview', townshipCode, year, month], queryFn: ({ signal }) => loansApi.noticePreview({ townshipCode: townshipCode!, year, month }, signal), enabled: !!townshipCode });
  const issued = useQuery({ queryKey: ['loans', 'notices', townshipCode], queryFn: ({ signal }) => loansApi.notices({ townshipCode: townshipCode ?? undefined }, signal) });
  const issue = useMutation({
    mutationFn: () => loansApi.issueNotice({ townshipCode, year, month }),
    onSuccess: async (n) => {
      feedback.message.success(n.late ? '已发布（逾期发布）' : '已发布');
      setShown(n);
      await qc.invalidateQueries({ queryKey: ['loans', 'notices'] });
    },
  });
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card
        title="月度公示"
        extra={
          <Space wrap>
            {countyPicker}
            {townPicker}
            {picker}
            {can('loan:review:station') && preview.data && !preview.data.issued && (
              <Button type="primary" loading={issue.isPending} onClick={() => issue.mutate()}>
                发布公示（发布后不可修改）
              </Button>
            )}
          </Space>
        }
      >
        {!townshipCode && <Alert type="info" message="请选择乡镇" />}
        {preview.data && (
          <>
            <Alert
              style={{ marginBottom: 12 }}
              type={preview.data.issued ? 'success' : 'info'}
              message={preview.data.issued ? '本月公示已发布，以下为预览；发布版本见右侧列表' : `应于 ${preview.data.dueOn}（本月最后一个工作日）发布`}
            />
            {!shown && <NoticePaper content={preview.data.content} />}
          </>
        )}
        {shown && <NoticePaper content={shown.content as Content} date={shown.issuedOn} />}
      </Card>
      <Card title="已发布的公示">
        <List
          dataSource={issued.data?.items ?? []}
          renderItem={(n) => (
            <List.Item actions={[<a key="v" onClick={() => setShown(n)}>查看/打印</a>]}>
              {n.year}年{n.month}月 发布于 {n.issuedOn} {n.issuedByName} {n.late ? <Tag color="red">逾期发布</Tag> : <Tag color="green">按时</Tag>}
            </List.Item>
          )}
        />
      </Card>
    </Space>
  );
}
