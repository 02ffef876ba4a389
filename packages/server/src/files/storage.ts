import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Config } from '../config';
import { uploadsDir } from '../visits/records/service';

/**
 * Files live under the same FUPIN_DATA_DIR/uploads tree as the visit photos (one place to back
 * up); attachments under files/<county>/<yyyy-mm>/<uuid>. The name a user gave is kept in the
 * table only: stored names are ours, so no user text ever reaches a path.
 */
export function storagePath(config: Config, storageKey: string): string | null {
  const root = uploadsDir(config);
  const file = path.resolve(root, storageKey);
  return file.startsWith(root + path.sep) ? file : null;
}

export function newStorageKey(countyCode: string, now = new Date()): string {
  return path.posix.join('files', countyCode, now.toISOString().slice(0, 7), randomUUID());
}

const KEEP = 64 * 1024;

export type Received =
  | { ok: true; tmp: string; size: number; sha256: string; head: Buffer; tail: Buffer }
  | { ok: false; reason: 'too_large' | 'empty' };

/**
 * Streams a request body to a temporary file, hashing as it goes and keeping only the first and
 * last 64 KB in memory (for the type check). Past `maxBytes` it stops writing and reads on only
 * to let the client finish sending (so it sees the 413, not a reset), up to a bound.
 */
export async function receive(config: Config, body: Readable, maxBytes: number, abort: () => void): Promise<Received> {
  const dir = path.join(uploadsDir(config), 'files', 'tmp');
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `${randomUUID()}.part`);
  const out = fs.createWriteStream(tmp, { flags: 'wx' });
  const hash = createHash('sha256');
  const heads: Buffer[] = [];
  let headLen = 0;
  let tail = Buffer.alloc(0);
  let size = 0;
  let tooLarge = false;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (tooLarge) {
        if (size > maxBytes * 2 + KEEP) {
          abort();
          break;
        }
        continue;
      }
      if (size > maxBytes) {
        tooLarge = true;
        continue;
      }
      hash.update(chunk);
      if (headLen < KEEP) {
        heads.push(chunk.subarray(0, KEEP - headLen));
        headLen += Math.min(chunk.length, KEEP - headLen);
      }
      tail = Buffer.concat([tail, chunk]);
      if (tail.length > KEEP) tail = tail.subarray(tail.length - KEEP);
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
  } finally {
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
  if (tooLarge || size === 0) {
    fs.rmSync(tmp, { force: true });
    return { ok: false, reason: tooLarge ? 'too_large' : 'empty' };
  }
  return { ok: true, tmp, size, sha256: hash.digest('hex'), head: Buffer.concat(heads), tail };
}

export function place(config: Config, tmp: string, storageKey: string): string {
  const file = storagePath(config, storageKey);
  if (!file) throw new Error(`bad storage key ${storageKey}`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.renameSync(tmp, file);
  return file;
}
