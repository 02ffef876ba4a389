import { ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { Button, Card, Form, Space, Typography } from 'antd';
import { useEffect, type ReactNode } from 'react';

/**
 * The filter row on top of every list. The URL holds the filters (useListParams); this form
 * mirrors them, and 查询 writes them back. `toForm`/`fromForm` convert fields that are not
 * plain strings (date ranges, numbers).
 */
export function FilterBar<V extends Record<string, unknown>>({
  filters,
  onSearch,
  children,
  toForm,
  fromForm,
}: {
  filters: Record<string, string>;
  onSearch: (values: Record<string, unknown>) => void;
  children: ReactNode;
  toForm?: (filters: Record<string, string>) => Partial<V>;
  fromForm?: (values: V) => Record<string, unknown>;
}) {
  const [form] = Form.useForm<V>();
  const key = JSON.stringify(filters);
  useEffect(() => {
    form.resetFields();
    form.setFieldsValue((toForm ? toForm(filters) : filters) as never);
  }, [key]);

  return (
    <Form
        name="filter"
      form={form}
      layout="inline"
      className="filter-bar"
      role="search"
      aria-label="筛选条件"
      onFinish={(v) => onSearch(fromForm ? fromForm(v) : v)}
    >
      {children}
      <Form.Item>
        <Space>
          <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
            查询
          </Button>
          <Button
            icon={<ReloadOutlined />}
            onClick={() => {
              form.resetFields();
              onSearch({});
            }}
          >
            重置
          </Button>
        </Space>
      </Form.Item>
    </Form>
  );
}

/** The card around a list: title, the count of what the filters match, and the actions. */
export function ListCard({
  title,
  total,
  actions,
  filters,
  children,
}: {
  title: ReactNode;
  total?: number;
  actions?: ReactNode;
  filters?: ReactNode;
  children: ReactNode;
}) {
  return (
    <Card
      className="list-card"
      title={
        <Space size={12} align="baseline">
          <Typography.Title level={4} style={{ margin: 0 }}>
            {title}
          </Typography.Title>
          {total !== undefined && (
            <Typography.Text type="secondary" data-testid="list-total">
              共 {total} 条
            </Typography.Text>
          )}
        </Space>
      }
      extra={actions && <Space wrap>{actions}</Space>}
    >
      {filters && <div className="list-filters">{filters}</div>}
      {children}
    </Card>
  );
}
