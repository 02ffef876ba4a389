import { useQuery } from '@tanstack/react-query';
import { Card, Result, Space, Typography } from 'antd';
import { useSearchParams } from 'react-router';
import { PrintableRoster, PrintButton } from '../../../components/print/PrintableRoster';
import { registryApi, type NoticePrint } from '../api';

type Row = NoticePrint['rows'][number];

/**
 * 村级公示 for the village board, A4. The server sends only names, groups, household sizes and
 * category (or income for an exit): never an ID number, phone, bank account or health detail.
 */
export default function NoticePrintPage() {
  const [sp] = useSearchParams();
  const villageCode = sp.get('villageCode') ?? '';
  const kind = sp.get('kind') ?? 'identification';
  const startDate = sp.get('startDate') ?? undefined;
  const q = useQuery({
    queryKey: ['registry', 'notice-print', villageCode, kind, startDate],
    queryFn: () => registryApi.noticePrint({ villageCode, kind, ...(startDate ? { startDate } : {}) }),
    enabled: /^\d{12}$/.test(villageCode),
  });
  if (!/^\d{12}$/.test(villageCode)) return <Result status="warning" title="请从流程中打开公示（缺少村代码）" />;
  if (!q.data) return <Card loading />;
  const p = q.data;
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space>
        <PrintButton disabled={!p.rows.length}>打印公示</PrintButton>
        <Typography.Text type="secondary">共 {p.rows.length} 户</Typography.Text>
      </Space>
      <PrintableRoster<Row>
        title={p.title}
        subtitle={<div style={{ textAlign: 'left', textIndent: '2em', lineHeight: 1.8 }}>{p.body}</div>}
        unit={[p.countyName, p.townshipName, p.villageName].filter(Boolean).join('')}
        date={p.date}
        index={false}
        columns={p.columns.map((c) => ({ key: c.key, title: c.title, align: c.key === 'income' || c.key === 'memberCount' || c.key === 'seq' ? 'center' : 'left', render: (r: Row) => String(r[c.key] ?? '') }))}
        rows={p.rows}
        rowKey={(r, i) => `${r.seq ?? i}`}
        signatures={[p.issuer + '（盖章）', '监督电话']}
        notes={<span>公示期间如有异议，请向村民委员会或乡镇扶贫工作站反映。</span>}
      />
    </Space>
  );
}
