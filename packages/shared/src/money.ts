/**
 * Money is an integer number of fen (分) everywhere; yuan appear only at the edges
 * (input fields, imports, printed forms). Arithmetic that multiplies amounts goes
 * through BigInt so that no product is ever rounded by floating point.
 */

export type YuanParseResult = { ok: true; fen: number } | { ok: false; reason: string };

/** Thrown by yuanToFen; `message` is the Chinese reason, fit to show to the user. */
export class MoneyFormatError extends Error {
  override readonly name = 'MoneyFormatError';
  constructor(
    readonly input: unknown,
    reason: string,
  ) {
    super(reason);
  }
}

const MAX_FEN = BigInt(Number.MAX_SAFE_INTEGER);
const TOO_MANY_DECIMALS = '金额最多保留两位小数（精确到分）';
const TOO_LARGE = '金额过大';

function normalizeYuanText(text: string): string {
  return text
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\s\u200B\uFEFF]/g, '')
    .replace(/^[¥￥]/, '')
    .replace(/元$/, '');
}

/**
 * Yuan → fen, as a result (for forms and imports that collect every row's reason).
 * Accepts '20000', '20,000.50', full-width '２００００', '¥20,000', '20000元'; refuses
 * negatives, more than two decimals (trailing zeros such as '1.500' are exact and
 * accepted), misplaced thousands separators, and anything beyond
 * Number.MAX_SAFE_INTEGER fen. A number is read through its shortest decimal form,
 * so 0.1 + 0.2 is refused rather than silently rounded.
 */
export function parseYuan(input: string | number): YuanParseResult {
  let text: string;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return { ok: false, reason: '金额必须是有限的数字' };
    if (input < 0) return { ok: false, reason: '金额不能为负数' };
    text = String(input);
    if (/e/i.test(text)) return { ok: false, reason: input >= 1 ? TOO_LARGE : TOO_MANY_DECIMALS };
  } else if (typeof input === 'string') {
    text = normalizeYuanText(input);
  } else {
    return { ok: false, reason: '金额必须是数字或文本' };
  }

  if (text === '') return { ok: false, reason: '金额不能为空' };
  if (text.startsWith('-')) return { ok: false, reason: '金额不能为负数' };
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) {
    return {
      ok: false,
      reason: text.includes(',') ? '金额的千分位逗号位置不正确' : '金额格式不正确，应为数字，例如 20000 或 20,000.50',
    };
  }
  const fraction = m[2] ?? '';
  if (/[^0]/.test(fraction.slice(2))) return { ok: false, reason: TOO_MANY_DECIMALS };
  const fen = BigInt(m[1].replaceAll(',', '')) * 100n + BigInt(fraction.slice(0, 2).padEnd(2, '0'));
  if (fen > MAX_FEN) return { ok: false, reason: TOO_LARGE };
  return { ok: true, fen: Number(fen) };
}

/** Yuan → fen; throws MoneyFormatError with the Chinese reason. */
export function yuanToFen(input: string | number): number {
  const result = parseYuan(input);
  if (!result.ok) throw new MoneyFormatError(input, result.reason);
  return result.fen;
}

export interface FenToYuanOptions {
  /** Group the integer part with commas: 20,000.00. */
  thousands?: boolean;
}

/** 2000050 → '20000.50' (or '20,000.50'); negative amounts keep their sign. */
export function fenToYuan(fen: number, options: FenToYuanOptions = {}): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`金额（分）必须是整数：${fen}`);
  const abs = Math.abs(fen);
  let yuan = String(Math.floor(abs / 100));
  if (options.thousands) yuan = yuan.replace(/\B(?=(\d{3})+$)/g, ',');
  return `${fen < 0 ? '-' : ''}${yuan}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * numerator / denominator rounded to the nearest integer, halves away from zero
 * (四舍五入 — for negative values this mirrors the positive case).
 */
export function roundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('除数不能为 0');
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const q = (2n * n + d) / (2n * d);
  return negative ? -q : q;
}

function toBigInt(value: number | bigint, name: string): bigint {
  if (typeof value === 'bigint') return value;
  if (!Number.isSafeInteger(value)) throw new RangeError(`${name}必须是整数：${value}`);
  return BigInt(value);
}

/** round(a × b ÷ c) with an exact intermediate product; the result must fit a safe integer. */
export function mulDivRound(a: number | bigint, b: number | bigint, c: number | bigint): number {
  const result = roundHalfUp(toBigInt(a, '乘数') * toBigInt(b, '乘数'), toBigInt(c, '除数'));
  if (result > MAX_FEN || result < -MAX_FEN) throw new RangeError('计算结果超出安全整数范围');
  return Number(result);
}
