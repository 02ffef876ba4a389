import { DeleteOutlined, PaperClipOutlined, UploadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Checkbox, Empty, List, Popconfirm, Space, Tag, Typography, Upload } from 'antd';
import type { z } from 'zod';
import type { attachmentItem, listAttachmentsResponse, OwnerKind } from '@fupin/server/src/files/schemas';
import { FILE_TYPE_INFO } from '@fupin/server/src/files/types';
import { api } from '../api/client';
import { feedback } from '../app/feedback';
import { formatDateTime } from '../lib/format';

export type Attachment = z.infer<typeof attachmentItem>;
type AttachmentList = z.infer<typeof listAttachmentsResponse>;
/** What a step or an application form sends: the file's name and its attachment id. */
export type PickedAttachment = { id: number; fileName: string };

export const attachmentsKey = (ownerKind: OwnerKind, ownerId: number) => ['files', ownerKind, ownerId] as const;

function sizeText(n: number) {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.ceil(n / 1024))} KB`;
}

/**
 * 附件: the files of one record (a registry workflow, a loan application) — upload, download,
 * remove. With `value`/`onChange` (inside a Form.Item) each file gets a tick box, and a file
 * just uploaded is ticked, so a step's form can name the files it rests on. The server
 * decides type, size and who may change the list (`canEdit`); the checks here only spare a
 * pointless upload.
 */
export function AttachmentList({
  ownerKind,
  ownerId,
  value,
  onChange,
}: {
  ownerKind: OwnerKind;
  ownerId: number;
  value?: PickedAttachment[];
  onChange?: (v: PickedAttachment[]) => void;
}) {
  const qc = useQueryClient();
  const key = attachmentsKey(ownerKind, ownerId);
  const q = useQuery({ queryKey: key, queryFn: ({ signal }) => api.get<AttachmentList>('/api/files', { ownerKind, ownerId }, signal) });
  const upload = useMutation({
    mutationFn: (file: File) => api.upload<Attachment>('/api/files', { ownerKind, ownerId, fileName: file.name }, file),
    onSuccess: async (a) => {
      feedback.message.success(`已上传「${a.fileName}」`);
      if (onChange) onChange([...(value ?? []), { id: a.id, fileName: a.fileName }]);
      await qc.invalidateQueries({ queryKey: key });
    },
  });
  const remove = useMutation({
    mutationFn: (id: number) => api.delete<Attachment>(`/api/files/${id}`),
    onSuccess: async (a) => {
      feedback.message.success(`已移除「${a.fileName}」（记录保留备查）`);
      if (onChange && value?.some((v) => v.id === a.id)) onChange(value.filter((v) => v.id !== a.id));
      await qc.invalidateQueries({ queryKey: key });
    },
  });
  const data = q.data;
  const exts = (data?.allowedTypes ?? []).flatMap((t) => FILE_TYPE_INFO[t].exts);
  const picked = new Set((value ?? []).map((v) => v.id));

  const beforeUpload = (file: File) => {
    if (!data) return Upload.LIST_IGNORE;
    const ext = file.name.includes('.') ? file.name.split('.').pop()!.toLowerCase() : '';
    if (!exts.includes(ext)) {
      feedback.message.error(`附件类型：只接受 ${exts.map((e) => e.toUpperCase()).join('、')} 文件`);
      return Upload.LIST_IGNORE;
    }
    if (file.size > data.maxBytes) {
      feedback.message.error(`附件大小：不能超过 ${sizeText(data.maxBytes)}`);
      return Upload.LIST_IGNORE;
    }
    upload.mutate(file);
    return false;
  };

  return (
    <div className="attachment-list" data-testid={`attachments-${ownerKind}-${ownerId}`}>
      {data?.canEdit && (
        <Space style={{ marginBottom: 8 }} wrap>
          <Upload beforeUpload={beforeUpload} showUploadList={false} multiple accept={exts.map((e) => `.${e}`).join(',')}>
            <Button icon={<UploadOutlined />} loading={upload.isPending}>
              上传附件
            </Button>
          </Upload>
          <Typography.Text type="secondary">
            {exts.map((e) => e.toUpperCase()).join('、')}，单个不超过 {sizeText(data.maxBytes)}
          </Typography.Text>
        </Space>
      )}
      <List<Attachment>
        size="small"
        bordered
        loading={q.isLoading}
        dataSource={data?.items ?? []}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="暂无附件" /> }}
        renderItem={(a) => (
          <List.Item
            actions={
              data?.canEdit
                ? [
                    <Popconfirm key="rm" title={`移除「${a.fileName}」？`} description="移除后不再列出，文件和记录保留备查" okText="移除" cancelText="取消" onConfirm={() => remove.mutate(a.id)}>
                      <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={`移除 ${a.fileName}`} />
                    </Popconfirm>,
                  ]
                : []
            }
          >
            <Space wrap>
              {onChange && (
                <Checkbox
                  checked={picked.has(a.id)}
                  aria-label={`附到本环节：${a.fileName}`}
                  onChange={(e) => onChange(e.target.checked ? [...(value ?? []), { id: a.id, fileName: a.fileName }] : (value ?? []).filter((v) => v.id !== a.id))}
                />
              )}
              <PaperClipOutlined />
              <a href={a.url} download={a.fileName}>
                {a.fileName}
              </a>
              <Tag>{sizeText(a.sizeBytes)}</Tag>
              <Typography.Text type="secondary">
                {a.uploadedByName ?? ''} {formatDateTime(a.createdAt)}
              </Typography.Text>
            </Space>
          </List.Item>
        )}
      />
    </div>
  );
}

/** A step's or an application's recorded evidence: names, with a download link for uploaded files. */
export function EvidenceNames({ items }: { items: { name: string; attachmentId?: number }[] }) {
  return (
    <>
      {items.map((e, i) => (
        <span key={`${e.name}-${i}`}>
          {i > 0 && '、'}
          {e.attachmentId ? (
            <a href={`/api/files/${e.attachmentId}/download`} download={e.name}>
              {e.name}
            </a>
          ) : (
            e.name
          )}
        </span>
      ))}
    </>
  );
}
