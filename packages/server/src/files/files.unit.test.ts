import { describe, expect, it } from 'vitest';
import { contentDisposition, extensionOf, sniffFileType } from './types';

describe('attachment file types', () => {
  it('recognises each allowed type by its bytes', () => {
    expect(sniffFileType(Buffer.from('%PDF-1.7\n…'))).toBe('pdf');
    expect(sniffFileType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]))).toBe('jpeg');
    expect(sniffFileType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('png');
    expect(sniffFileType(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBe('webp');
    const zip = (name: string) => Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(26), Buffer.from(name)]);
    expect(sniffFileType(zip('[Content_Types].xml'), Buffer.from('xl/workbook.xml'))).toBe('xlsx');
    expect(sniffFileType(zip('word/document.xml'))).toBe('docx');
  });

  it('refuses what is none of them: a plain zip, text, an executable', () => {
    expect(sniffFileType(Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('data.csv')]))).toBeNull();
    expect(sniffFileType(Buffer.from('姓名,身份证号'))).toBeNull();
    expect(sniffFileType(Buffer.from('MZ\x90\x00'))).toBeNull();
    expect(sniffFileType(Buffer.alloc(0))).toBeNull();
  });

  it('takes the extension case-insensitively', () => {
    expect(extensionOf('申请书.PDF')).toBe('pdf');
    expect(extensionOf('无扩展名')).toBe('');
  });

  it('names a Chinese file by RFC 5987 with an ASCII fallback', () => {
    const h = contentDisposition('贷款申请书 (2026).pdf');
    expect(h).toBe(`attachment; filename="_____ (2026).pdf"; filename*=UTF-8''%E8%B4%B7%E6%AC%BE%E7%94%B3%E8%AF%B7%E4%B9%A6%20%282026%29.pdf`);
    expect(contentDisposition('a"b.pdf')).toContain('filename="a_b.pdf"');
  });
});
