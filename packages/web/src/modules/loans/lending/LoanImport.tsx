import { DownloadOutlined, InboxOutlined, UploadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Descriptions, Modal, Space, Typography, Upload } from 'antd';
import { useState } from 'react';
import type { z } from 'zod';
import type { loanImportResult } from '@fupin/server/src/loans/import/schemas';
import { api, ApiError } from '../../../api/client';
import { reportError } from '../../../api/errors';

type LoanImportResult = z.output<typeof loanImportResult>;

/** The file goes as the request body itself, as the server streams it to disk. */
async function uploadFile(file: File): Promise<LoanImportResult> {
  const { csrfToken } = await api.get<{ csrfToken: string }>('/api/auth/me');
  const r = await fetch(`/api/loans/imports?filename=${encodeURIComponent(file.name)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', 'x-csrf-token': csrfToken },
    body: file,
  }).catch(() => {
    throw new ApiError(0, 'NETWORK', '无法连接服务器，请检查网络后重试');
  });
  const body = (await r.json().catch(() => ({}))) as { error?: { code: string; message: string; details?: unknown } } & Partial<LoanImportResult>;
  if (r.ok) return body as LoanImportResult;
  throw new ApiError(r.status, body.error?.code ?? `HTTP${r.status}`, body.error?.message ?? `上传失败（${r.status}）`, body.error?.details);
}

/** 导入历史贷款: template, upload, and the result with the error workbook of the rows not imported. */
export function LoanImportButton() {
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<LoanImportResult | null>(null);
  return (
    <>
      <Button icon={<UploadOutlined />} onClick={() => setOpen(true)}>
        导入历史贷款
      </Button>
      <Modal title="导入历史贷款" open={open} onCancel={() => setOpen(false)} footer={null} width={640} destroyOnHidden>
        <Space orientation="vertical" size={12} style={{ width: '100%' }}>
          <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
            本系统启用前发放、尚在台账上的扶贫贷款。按身份证号匹配本辖区农户档案中的成员；状态（正常、逾期、按期结清、逾期结清）由日期和已还本金得出。历史贷款的贴息已按原办法结算，本系统不计算、不兑付。同一合同号重复导入不会重复建账。
          </Typography.Paragraph>
          <a href="/api/loans/imports/template.xlsx" download>
            <DownloadOutlined /> 下载导入模板
          </a>
          <Upload.Dragger
            accept=".xlsx,.csv"
            showUploadList={false}
            disabled={busy}
            customRequest={async ({ file }) => {
              setBusy(true);
              setResult(null);
              try {
                setResult(await uploadFile(file as File));
                await qc.invalidateQueries({ queryKey: ['loans'] });
              } catch (e) {
                reportError(e);
              } finally {
                setBusy(false);
              }
            }}
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p className="ant-upload-text">{busy ? '正在导入…' : '点击或拖入 .xlsx / .csv 文件'}</p>
          </Upload.Dragger>
          {result && (
            <div data-testid="loan-import-result">
              <Descriptions size="small" column={4} bordered>
                <Descriptions.Item label="总行数">{result.rowsTotal}</Descriptions.Item>
                <Descriptions.Item label="新建">{result.createdCount}</Descriptions.Item>
                <Descriptions.Item label="已导入过">{result.unchangedCount}</Descriptions.Item>
                <Descriptions.Item label="错误行">{result.failedCount}</Descriptions.Item>
              </Descriptions>
              {result.errorFileUrl ? (
                <Alert
                  style={{ marginTop: 8 }}
                  type="warning"
                  showIcon
                  title={`${result.failedCount} 行未导入`}
                  description={
                    <a href={result.errorFileUrl} download>
                      <DownloadOutlined /> 下载错误行文件（每行旁有原因，改正后可再次导入）
                    </a>
                  }
                />
              ) : (
                <Alert style={{ marginTop: 8 }} type="success" showIcon title="全部导入成功" />
              )}
            </div>
          )}
        </Space>
      </Modal>
    </>
  );
}
