import { DownloadOutlined } from '@ant-design/icons';
import { Button, Modal, Progress } from 'antd';
import { useRef, useState } from 'react';
import type { Paged } from '../api/client';
import { reportError } from '../api/errors';
import { feedback } from '../app/feedback';
import { downloadText, toCsv } from '../lib/csv';
import { todayInChina } from '@fupin/shared/date';

export type ExportColumn<T> = { title: string; value: (row: T) => string | number | null | undefined };

const PAGE = 200;

/**
 * Exports exactly what the list's filters match (ui.md), by reading the same endpoint page
 * by page, with a progress bar and a cancel button. For lists of system data (users, logs);
 * registers of households are exported by the server (Excel, in the background).
 */
export function ExportButton<T>({
  name,
  columns,
  fetchPage,
  total,
  max = 20_000,
}: {
  /** file name without date and extension, e.g. 用户列表 */
  name: string;
  columns: ExportColumn<T>[];
  fetchPage: (page: number, pageSize: number) => Promise<Paged<T>>;
  total?: number;
  max?: number;
}) {
  const [progress, setProgress] = useState<number | null>(null);
  const cancelled = useRef(false);

  async function run() {
    if (total !== undefined && total > max) {
      feedback.message.warning(`符合条件的数据有 ${total} 条，超过单次导出上限 ${max} 条，请先缩小筛选范围`);
      return;
    }
    cancelled.current = false;
    setProgress(0);
    try {
      const rows: T[] = [];
      for (let page = 1; ; page++) {
        const r = await fetchPage(page, PAGE);
        rows.push(...r.items);
        setProgress(r.total ? Math.round((rows.length / r.total) * 100) : 100);
        if (cancelled.current) return;
        if (rows.length >= r.total || r.items.length < PAGE || rows.length >= max) break;
      }
      downloadText(`${name}_${todayInChina()}.csv`, toCsv(columns.map((c) => c.title), rows.map((row) => columns.map((c) => c.value(row)))));
      feedback.message.success(`已导出 ${rows.length} 条`);
    } catch (e) {
      reportError(e);
    } finally {
      setProgress(null);
    }
  }

  return (
    <>
      <Button icon={<DownloadOutlined />} onClick={run} loading={progress !== null}>
        导出
      </Button>
      <Modal
        open={progress !== null}
        title="正在导出"
        closable={false}
        mask={{ closable: false }}
        okButtonProps={{ style: { display: 'none' } }}
        cancelText="取消"
        onCancel={() => {
          cancelled.current = true;
          setProgress(null);
        }}
      >
        <Progress percent={progress ?? 0} />
      </Modal>
    </>
  );
}
