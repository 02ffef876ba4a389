/**
 * The file types an attachment may have. The type is decided by the file's own bytes (a
 * renamed .exe stays refused) and the name's extension must agree with it; the browser's
 * declared Content-Type is not trusted (it is empty or octet-stream for Office files on many
 * systems).
 */
export const FILE_TYPES = ['pdf', 'jpeg', 'png', 'webp', 'xlsx', 'docx'] as const;
export type FileType = (typeof FILE_TYPES)[number];

export const FILE_TYPE_INFO: Record<FileType, { label: string; mime: string; exts: string[] }> = {
  pdf: { label: 'PDF', mime: 'application/pdf', exts: ['pdf'] },
  jpeg: { label: 'JPEG 图片', mime: 'image/jpeg', exts: ['jpg', 'jpeg'] },
  png: { label: 'PNG 图片', mime: 'image/png', exts: ['png'] },
  webp: { label: 'WebP 图片', mime: 'image/webp', exts: ['webp'] },
  xlsx: { label: 'Excel 表格（.xlsx）', mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', exts: ['xlsx'] },
  docx: { label: 'Word 文档（.docx）', mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', exts: ['docx'] },
};

const PNG_SIG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
// latin1 maps every byte to one character, so byte offsets and ASCII names survive.
const latin1 = new TextDecoder('latin1');
const text = (b: Uint8Array, start = 0, end = b.length) => latin1.decode(b.subarray(start, end));

/**
 * The type from the first bytes (`head`) and, for zip-based Office files, the part names, which
 * a zip stores uncompressed both in its local headers (near the start) and its central
 * directory (at the end, `tail`). Plain Uint8Array so the module stays browser-safe.
 */
export function sniffFileType(head: Uint8Array, tail: Uint8Array = new Uint8Array(0)): FileType | null {
  if (head.length >= 5 && text(head, 0, 5) === '%PDF-') return 'pdf';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (head.length >= 8 && PNG_SIG.every((x, i) => head[i] === x)) return 'png';
  if (head.length >= 12 && text(head, 0, 4) === 'RIFF' && text(head, 8, 12) === 'WEBP') return 'webp';
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
    const names = text(head) + text(tail);
    if (names.includes('xl/workbook.xml')) return 'xlsx';
    if (names.includes('word/document.xml')) return 'docx';
  }
  return null;
}

export function extensionOf(fileName: string): string {
  const i = fileName.lastIndexOf('.');
  return i < 0 ? '' : fileName.slice(i + 1).toLowerCase();
}

export function typesLabel(types: readonly FileType[]): string {
  return types.map((t) => FILE_TYPE_INFO[t].exts[0].toUpperCase()).join('、');
}

/**
 * Content-Disposition for a download: an ASCII fallback for old clients plus the UTF-8 name
 * by RFC 5987/6266, so a Chinese file name arrives intact.
 */
export function contentDisposition(fileName: string, kind: 'attachment' | 'inline' = 'attachment'): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
