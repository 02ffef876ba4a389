import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  areaCodeSchema,
  dateSchema,
  errorEnvelopeSchema,
  idNumberSchema,
  pagedResult,
  pageQuerySchema,
  phoneSchema,
} from './common';

const messages = (result: { success: boolean; error?: z.ZodError }) => result.error?.issues.map((i) => i.message) ?? [];

describe('idNumberSchema', () => {
  it('outputs the normalised ID', () => {
    expect(idNumberSchema.parse(' １１０１０５１９４９１２３１００２ｘ ')).toBe('11010519491231002X');
  });

  it('reports the Chinese reason and the machine code of a refusal', () => {
    const result = idNumberSchema.safeParse('3.41E+17');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ code: 'custom', params: { idError: 'scientific' } });
    expect(messages(idNumberSchema.safeParse('110105194912310021'))).toEqual(['身份证号码校验位错误，应为 X']);
    expect(messages(idNumberSchema.safeParse(341202199001011234))).toEqual(['身份证号码必须是文本']);
  });
});

describe('areaCodeSchema', () => {
  it('accepts every level and explains a refusal', () => {
    for (const code of ['340000', '341200', '341202', '341202001', '341202001001', '341202001001001']) {
      expect(areaCodeSchema.parse(code)).toBe(code);
    }
    expect(messages(areaCodeSchema.safeParse('341202000'))).toEqual(['乡镇代码 341202000 的末三位不能为 000']);
  });
});

describe('phoneSchema', () => {
  it('accepts mobiles and landlines, normalised', () => {
    expect(phoneSchema.parse('13812345678')).toBe('13812345678');
    expect(phoneSchema.parse('+86 138 1234 5678')).toBe('13812345678');
    expect(phoneSchema.parse('１３８１２３４５６７８')).toBe('13812345678');
    expect(phoneSchema.parse('0551-62345678')).toBe('0551-62345678');
    expect(phoneSchema.parse('01062345678')).toBe('01062345678');
    expect(phoneSchema.parse('0551-62345678-801')).toBe('0551-62345678-801');
  });

  it('refuses the rest in Chinese', () => {
    for (const bad of ['12812345678', '1381234567', '138123456789', '62345678', '0551-0234567', '']) {
      expect(messages(phoneSchema.safeParse(bad))[0], bad).toMatch(/电话号码格式不正确/);
    }
  });
});

describe('dateSchema', () => {
  it('accepts only real YYYY-MM-DD dates', () => {
    expect(dateSchema.parse('2024-02-29')).toBe('2024-02-29');
    for (const bad of ['2026-02-29', '2026/01/01', '2026-1-1', '2026-01-01T00:00:00Z']) {
      expect(messages(dateSchema.safeParse(bad))[0], bad).toMatch(/YYYY-MM-DD/);
    }
  });
});

describe('pageQuerySchema', () => {
  it('coerces query-string values and fills defaults, treating blanks as absent', () => {
    expect(pageQuerySchema.parse({})).toEqual({ page: 1, pageSize: 20 });
    expect(pageQuerySchema.parse({ page: '3', pageSize: '50', sort: 'created_at', order: 'desc' })).toEqual({
      page: 3,
      pageSize: 50,
      sort: 'created_at',
      order: 'desc',
    });
    expect(pageQuerySchema.parse({ page: '', pageSize: '', sort: '', order: '' })).toEqual({ page: 1, pageSize: 20 });
  });

  it('refuses out-of-range or unsafe values, field by field', () => {
    const result = pageQuerySchema.safeParse({ page: '0', pageSize: '201', sort: 'name; drop table', order: 'up' });
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['page', '页码不能小于 1'],
      ['pageSize', '每页条数不能超过 200'],
      ['sort', '排序字段名格式不正确'],
      ['order', '排序方向只能是 asc 或 desc'],
    ]);
    expect(messages(pageQuerySchema.safeParse({ page: '1.5' }))).toEqual(['页码必须是整数']);
    expect(messages(pageQuerySchema.safeParse({ page: 'abc' }))).toEqual(['页码必须是数字']);
  });
});

describe('envelopes', () => {
  it('pagedResult validates its items with the given schema', () => {
    const schema = pagedResult(z.object({ id: z.number() }));
    expect(schema.parse({ items: [{ id: 1 }], total: 1, page: 1, pageSize: 20 }).items[0].id).toBe(1);
    expect(schema.safeParse({ items: [{ id: '1' }], total: 1, page: 1, pageSize: 20 }).success).toBe(false);
    expect(schema.safeParse({ items: [], total: -1, page: 1, pageSize: 20 }).success).toBe(false);
  });

  it('errorEnvelopeSchema accepts optional details', () => {
    expect(errorEnvelopeSchema.safeParse({ error: { code: 'NOT_FOUND', message: '未找到' } }).success).toBe(true);
    expect(errorEnvelopeSchema.safeParse({ error: { code: 'X', message: '…', details: [1] } }).success).toBe(true);
    expect(errorEnvelopeSchema.safeParse({ error: { message: '…' } }).success).toBe(false);
  });
});
