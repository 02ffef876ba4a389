// The part of unzipper 0.10 (exceljs's own zip reader) that readXlsx uses; the package ships no types.
declare module 'unzipper' {
  import type { Readable } from 'node:stream';

  export interface CentralDirectoryFile {
    path: string;
    type: 'File' | 'Directory';
    uncompressedSize: number;
    stream(): Readable;
    buffer(): Promise<Buffer>;
  }
  export const Open: { file(path: string): Promise<{ files: CentralDirectoryFile[] }>; buffer(data: Buffer): Promise<{ files: CentralDirectoryFile[] }> };
}
