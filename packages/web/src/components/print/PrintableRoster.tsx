import { PrinterOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { useEffect, useLayoutEffect, useState, type ReactNode } from 'react';
import { createPortal, flushSync } from 'react-dom';
import { todayInChina } from '@fupin/shared/date';
import { formatYuan } from '../../lib/format';
import './print.css';

export type RosterColumn<T> = {
  key: string;
  title: string;
  /** CSS width, e.g. '22mm' or '12%'; signature columns default to 28mm */
  width?: string;
  align?: 'left' | 'center' | 'right';
  render?: (row: T, index: number) => ReactNode;
  /** an amount in fen, printed in yuan with two decimals, right-aligned */
  money?: (row: T) => number | null | undefined;
  /** an empty cell for a handwritten signature or fingerprint (签名/手印) */
  signature?: boolean;
};

export type PrintableRosterProps<T> = {
  /** e.g. 2026年第三季度到户贷款贴息花名册 */
  title: string;
  subtitle?: ReactNode;
  /** 填报单位, printed top left */
  unit?: ReactNode;
  /** 制表日期 'YYYY-MM-DD', printed top right; today (China) by default */
  date?: string;
  columns: RosterColumn<T>[];
  rows: readonly T[];
  rowKey: (row: T, index: number) => string | number;
  /** a 序号 column first (default true) */
  index?: boolean;
  /** values of the 合计 row by column key; no row when absent */
  totals?: Partial<Record<string, ReactNode>>;
  /** the signature lines under the table */
  signatures?: string[];
  /** notes printed between the table and the signatures */
  notes?: ReactNode;
  orientation?: 'portrait' | 'landscape';
  /** show the paper preview on screen (default true); printing works either way */
  preview?: boolean;
};

const DEFAULT_SIGNATURES = ['制表人', '审核人', '单位负责人（盖章）'];

/** The paper itself, used both for the screen preview and for the printed copy. */
function Paper<T>(p: PrintableRosterProps<T>) {
  const { columns, rows, rowKey, index = true, totals, signatures = DEFAULT_SIGNATURES } = p;
  const date = p.date ?? todayInChina();
  const [y, m, d] = date.split('-');
  const colCount = columns.length + (index ? 1 : 0);
  return (
    <div className={`roster-paper roster-${p.orientation ?? 'portrait'}`}>
      <h1 className="roster-title">{p.title}</h1>
      {p.subtitle && <div className="roster-subtitle">{p.subtitle}</div>}
      <div className="roster-meta">
        <span>{p.unit ? <>填报单位：{p.unit}</> : null}</span>
        <span>
          制表日期：{y}年{Number(m)}月{Number(d)}日
        </span>
      </div>
      <table className="roster-table">
        <colgroup>
          {index && <col style={{ width: '10mm' }} />}
          {columns.map((c) => (
            <col key={c.key} style={{ width: c.width ?? (c.signature ? '28mm' : undefined) }} />
          ))}
        </colgroup>
        <thead>
          <tr>
            {index && <th>序号</th>}
            {columns.map((c) => (
              <th key={c.key}>{c.title}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={colCount} className="roster-empty">
                （无）
              </td>
            </tr>
          )}
          {rows.map((row, i) => (
            <tr key={rowKey(row, i)} className={columns.some((c) => c.signature) ? 'roster-sign-row' : undefined}>
              {index && <td className="roster-c">{i + 1}</td>}
              {columns.map((c) => (
                <td key={c.key} className={c.money ? 'roster-r roster-num' : c.signature ? 'roster-sign' : c.align ? `roster-${c.align[0]}` : undefined}>
                  {c.signature ? null : c.money ? formatYuan(c.money(row) ?? null) : c.render ? c.render(row, i) : String((row as Record<string, unknown>)[c.key] ?? '')}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        {totals && (
          <tfoot>
            <tr className="roster-total">
              {index && <td className="roster-c">合计</td>}
              {columns.map((c, ci) => (
                <td key={c.key} className={c.money ? 'roster-r roster-num' : undefined}>
                  {totals[c.key] ?? (!index && ci === 0 ? '合计' : null)}
                </td>
              ))}
            </tr>
          </tfoot>
        )}
      </table>
      {p.notes && <div className="roster-notes">{p.notes}</div>}
      {signatures.length > 0 && (
        <div className="roster-signatures">
          {signatures.map((s) => (
            <span key={s} className="roster-signature">
              {s}：<span className="roster-line" />
            </span>
          ))}
          <span className="roster-signature">
            日期：<span className="roster-line short" />年<span className="roster-line tiny" />月<span className="roster-line tiny" />日
          </span>
        </div>
      )}
    </div>
  );
}

/**
 * A printable A4 roster (花名册) with a title, the unit and date, a bordered table whose
 * header repeats on every page, optional signature columns and signature lines underneath.
 * On screen it shows a paper preview; when printed (the 打印 button or Ctrl+P) only the
 * roster is printed — the app around it is hidden. Documented in docs/ui-notes.md.
 */
export function PrintableRoster<T>(props: PrintableRosterProps<T>) {
  const [printing, setPrinting] = useState(false);

  useEffect(() => {
    // flushSync so the print copy exists before the browser lays out the printed pages,
    // whether printing starts from our button or from the browser's own menu.
    const before = () => flushSync(() => setPrinting(true));
    const after = () => setPrinting(false);
    window.addEventListener('beforeprint', before);
    window.addEventListener('afterprint', after);
    return () => {
      window.removeEventListener('beforeprint', before);
      window.removeEventListener('afterprint', after);
    };
  }, []);

  useLayoutEffect(() => {
    if (!printing) return;
    document.body.classList.add('fp-printing');
    return () => document.body.classList.remove('fp-printing');
  }, [printing]);

  return (
    <>
      {props.preview !== false && (
        <div className="roster-preview" aria-label={`${props.title}（打印预览）`}>
          <Paper {...props} />
        </div>
      )}
      {printing &&
        createPortal(
          <div className="fp-print-host">
            <style>{`@page { size: A4 ${props.orientation ?? 'portrait'}; margin: 12mm 10mm 14mm; }`}</style>
            <Paper {...props} />
          </div>,
          document.body,
        )}
    </>
  );
}

/** Opens the browser's print dialog; every PrintableRoster on the page prints. */
export function PrintButton({ children = '打印', disabled }: { children?: ReactNode; disabled?: boolean }) {
  return (
    <Button icon={<PrinterOutlined />} onClick={() => window.print()} disabled={disabled}>
      {children}
    </Button>
  );
}
