import { DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Progress, Space, Table, Tag, Typography, Upload } from 'antd';
import { useEffect, useState } from 'react';
import { api, ApiError } from '../../../api/client';
import { reportError } from '../../../api/errors';
import { useCan } from '../../../auth/session';
import { formatDateTime } from '../../../lib/format';
import { downloadUrl, registryApi, type ImportItem } from '../api';

const RUNNING = new Set(['queued', 'parsing', 'importing']);

/** Sends the file as the request body with upload progress (fetch cannot report it). */
async function uploadFile(file: File, onProgress: (pct: number) => void): Promise<ImportItem> {
  const { csrfToken } = await api.get<{ csrfToken: string }>('/api/auth/me');
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/registry/imports?filename=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.setRequestHeader('x-csrf-token', csrfToken);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(Math.round((e.loaded / e.total) * 100));
    xhr.onload = () => {
      let body: { error?: { code: string; message: string; details?: unknown } } & Partial<ImportItem> = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON */
      }
      if (xhr.status === 200) resolve(body as ImportItem);
      else reject(new ApiError(xhr.status, body.error?.code ?? `HTTP${xhr.status}`, body.error?.message ?? `上传失败（${xhr.status}）`, body.error?.details));
    };
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', '无法连接服务器，请检查网络后重试'));
    xhr.send(file);
  });
}

function Outcome({ r }: { r: ImportItem }) {
  const pct = r.totalHouseholds ? Math.round((r.processedHouseholds / r.totalHouseholds) * 100) : 0;
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Descriptions size="small" bordered column={{ xs: 1, md: 3 }}>
        <Descriptions.Item label="文件">{r.filename}</Descriptions.Item>
        <Descriptions.Item label="状态">
          <Tag color={r.status === 'done' ? 'green' : r.status === 'failed' ? 'red' : 'processing'}>{r.statusLabel}</Tag>
        </Descriptions.Item>
        <Descriptions.Item label="行数 / 户数">
          {r.totalRows} 行 / {r.totalHouseholds} 户
        </Descriptions.Item>
        <Descriptions.Item label="新建">{r.created} 户</Descriptions.Item>
        <Descriptions.Item label="更新 / 未变化">
          {r.updated} / {r.unchanged} 户
        </Descriptions.Item>
        <Descriptions.Item label="失败">
          <Typography.Text type={r.failedHouseholds ? 'danger' : undefined}>
            {r.failedHouseholds} 户（{r.failedRows} 行）
          </Typography.Text>
        </Descriptions.Item>
        {r.parseMs != null && (
          <Descriptions.Item label="用时">
            读取 {(r.parseMs / 1000).toFixed(1)} 秒{r.importMs != null && `，导入 ${(r.importMs / 1000).toFixed(1)} 秒`}
          </Descriptions.Item>
        )}
      </Descriptions>
      {RUNNING.has(r.status) && <Progress percent={r.status === 'importing' ? pct : 0} status="active" format={() => (r.status === 'parsing' ? `读取中 ${r.totalRows} 行` : `${r.processedHouseholds}/${r.totalHouseholds} 户`)} />}
      {r.message && <Alert type={r.status === 'failed' ? 'error' : r.failedHouseholds ? 'warning' : 'success'} showIcon title={r.message} />}
      {r.hasErrorFile && (
        <Button icon={<DownloadOutlined />} onClick={() => downloadUrl(`/api/registry/imports/${r.id}/errors.xlsx`)}>
          下载错误行文件（改正后可重新导入）
        </Button>
      )}
      {r.errorSample.length > 0 && (
        <Table
          size="small"
          rowKey={(x) => `${x.sheet}-${x.rowNo}`}
          pagination={{ pageSize: 10 }}
          dataSource={r.errorSample}
          columns={[
            { title: '工作表', dataIndex: 'sheet', width: 120 },
            { title: '行号', dataIndex: 'rowNo', width: 80 },
            { title: '原因', dataIndex: 'reason' },
          ]}
        />
      )}
    </Space>
  );
}

/** 导入导出: template, upload with progress and verdicts, history; the rosters are exported from 农户档案. */
export default function ImportPage() {
  const can = useCan();
  const qc = useQueryClient();
  const [uploading, setUploading] = useState<number | null>(null);
  const [current, setCurrent] = useState<number | null>(null);
  const status = useQuery({
    queryKey: ['registry', 'import', current],
    queryFn: ({ signal }) => registryApi.importStatus(current!, signal),
    enabled: current != null,
    refetchInterval: (q) => (q.state.data && !RUNNING.has(q.state.data.status) ? false : 1000),
  });
  const history = useQuery({ queryKey: ['registry', 'imports'], queryFn: ({ signal }) => registryApi.imports({ pageSize: 10 }, signal), placeholderData: keepPreviousData, enabled: can('registry:household:import') });
  const finished = status.data && !RUNNING.has(status.data.status) ? status.data.id : null;
  useEffect(() => {
    // the import ended: the history and any list of households are out of date
    if (finished != null) void qc.invalidateQueries({ queryKey: ['registry'] });
  }, [finished, qc]);

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card title="导入农户档案" extra={<Button icon={<DownloadOutlined />} onClick={() => downloadUrl('/api/registry/import/template.xlsx')}>下载导入模板</Button>}>
        <Typography.Paragraph type="secondary">
          支持 .xlsx 和 .csv（UTF-8 或 GBK）。可用模板的“户信息”“成员信息”两张表，也可用每人一行的花名册。同户所有行都通过才导入，有错的整户不导入并写入错误行文件；重复导入同一文件不会重复建档。
        </Typography.Paragraph>
        {can('registry:household:import') ? (
          <Upload.Dragger
            accept=".xlsx,.csv"
            showUploadList={false}
            disabled={uploading != null}
            customRequest={async ({ file }) => {
              setUploading(0);
              try {
                const r = await uploadFile(file as File, setUploading);
                setCurrent(r.id);
                await qc.invalidateQueries({ queryKey: ['registry', 'imports'] });
              } catch (e) {
                reportError(e);
              } finally {
                setUploading(null);
              }
            }}
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p className="ant-upload-text">点击或拖入文件上传</p>
          </Upload.Dragger>
        ) : (
          <Alert type="info" showIcon title="您的账号没有“导入农户档案”权限，可下载模板；导入由有此权限的乡镇扶贫工作站办理。" />
        )}
        {uploading != null && <Progress percent={uploading} status="active" format={(p) => `上传 ${p}%`} />}
        {status.data && (
          <div style={{ marginTop: 16 }}>
            <Outcome r={status.data} />
          </div>
        )}
      </Card>
      {can('registry:household:import') && (
        <Card title="导入记录">
          <Table<ImportItem>
            size="small"
            rowKey="id"
            pagination={false}
            loading={history.isFetching}
            dataSource={history.data?.items}
            onRow={(r) => ({ onClick: () => setCurrent(r.id), style: { cursor: 'pointer' } })}
            columns={[
              { title: '时间', dataIndex: 'createdAt', render: (v) => formatDateTime(v) },
              { title: '文件', dataIndex: 'filename' },
              { title: '状态', dataIndex: 'statusLabel' },
              { title: '新建', dataIndex: 'created' },
              { title: '更新', dataIndex: 'updated' },
              { title: '未变化', dataIndex: 'unchanged' },
              { title: '失败户', dataIndex: 'failedHouseholds' },
            ]}
          />
        </Card>
      )}
    </Space>
  );
}
