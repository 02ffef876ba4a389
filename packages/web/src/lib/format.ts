import dayjs from 'dayjs';
import { fenToYuan } from '@fupin/shared/money';

export const DATE_FORMAT = 'YYYY-MM-DD';
export const DATETIME_FORMAT = 'YYYY-MM-DD HH:mm:ss';

/** 'YYYY-MM-DD' from a date string, a timestamp or a dayjs; '' for nothing. */
export function formatDate(v: string | number | Date | dayjs.Dayjs | null | undefined): string {
  if (v === null || v === undefined || v === '') return '';
  // A plain date string is already in the right form; parsing it could shift the day.
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return v;
  const d = dayjs(v);
  return d.isValid() ? d.format(DATE_FORMAT) : String(v);
}

/** Timestamps (ISO 8601) in the browser's local time, which for our users is UTC+8. */
export function formatDateTime(v: string | number | Date | null | undefined): string {
  if (v === null || v === undefined || v === '') return '';
  const d = dayjs(v);
  return d.isValid() ? d.format(DATETIME_FORMAT) : String(v);
}

/** Fen (integer) → '20,000.00'; '' for nothing. The API carries money as fen only. */
export function formatYuan(fen: number | null | undefined, opts: { thousands?: boolean } = { thousands: true }): string {
  if (fen === null || fen === undefined) return '';
  return fenToYuan(fen, opts);
}

/** Fen → '20,000.00 元'. */
export function formatYuanText(fen: number | null | undefined): string {
  const s = formatYuan(fen);
  return s ? `${s} 元` : '';
}

export { parseYuan, yuanToFen } from '@fupin/shared/money';

/** 13800001234 → 138****1234; leaves already-masked values alone. */
export function maskPhone(phone: string | null | undefined): string {
  if (!phone) return '';
  if (phone.includes('*')) return phone;
  return phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : phone;
}

/** 18-digit ID → 3411**********1234. */
export function maskIdNumber(id: string | null | undefined): string {
  if (!id) return '';
  if (id.includes('*')) return id;
  return id.length > 8 ? `${id.slice(0, 4)}${'*'.repeat(id.length - 8)}${id.slice(-4)}` : id;
}
