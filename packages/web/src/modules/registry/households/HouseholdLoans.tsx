import { useQuery } from '@tanstack/react-query';
import { Table, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { api, type Paged } from '../../../api/client';
import { formatYuan } from '../../../lib/format';

type LoanRow = {
  id: number;
  loanNo: string;
  year: number;
  origin: 'system' | 'imported';
  borrowerName: string;
  industryLabel: string;
  principalFen: number;
  outstandingFen: number;
  disbursedOn: string;
  maturityDate: string;
  lifecycleLabel: string;
};

/**
 * 到户贷款 on the household page (issue 3: the page shows the loans as that module lands). The
 * loans module registers no server section, so the tab reads its ledger filtered by household
 * (GET /api/loans/loans?householdId=, its own scope checks) for those who hold loan:view.
 */
export function HouseholdLoans({ householdId }: { householdId: number }) {
  const q = useQuery({
    queryKey: ['registry', 'household-loans', householdId],
    queryFn: ({ signal }) => api.get<Paged<LoanRow>>('/api/loans/loans', { householdId, pageSize: 50 }, signal),
  });
  return (
    <>
      <Table<LoanRow>
        size="small"
        rowKey="id"
        loading={q.isFetching}
        dataSource={q.data?.items}
        pagination={false}
        locale={{ emptyText: '本户没有到户贷款' }}
        columns={[
          { title: '贷款编号', dataIndex: 'loanNo', render: (v: string, r) => <span className="mono">{v}{r.origin === 'imported' && <Tag style={{ marginLeft: 6 }}>历史贷款</Tag>}</span> },
          { title: '年度', dataIndex: 'year', width: 70 },
          { title: '借款人', dataIndex: 'borrowerName' },
          { title: '产业', dataIndex: 'industryLabel' },
          { title: '金额（元）', dataIndex: 'principalFen', align: 'right', render: (v: number) => formatYuan(v) },
          { title: '余额（元）', dataIndex: 'outstandingFen', align: 'right', render: (v: number) => formatYuan(v) },
          { title: '放款日', dataIndex: 'disbursedOn' },
          { title: '到期日', dataIndex: 'maturityDate' },
          { title: '状态', dataIndex: 'lifecycleLabel' },
        ]}
      />
      <Typography.Paragraph style={{ marginTop: 8 }}>
        <Link to={`/loans/loans?householdId=${householdId}`}>在贷款台账中查看</Link>
      </Typography.Paragraph>
    </>
  );
}
