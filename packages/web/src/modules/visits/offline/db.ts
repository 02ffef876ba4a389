/**
 * The phone's offline store (IndexedDB, no library): the last download of the cadre's own
 * households, the queue of visits recorded offline, and their photos. It holds one login's
 * data only — another login on the same phone clears it — and never more than the server's
 * bounded download (own households, last N visits each).
 */
import type { SyncResponse, VisitInput } from '../api';

const DB_NAME = 'fupin-visits';
const DB_VERSION = 1;

export type QueueStatus = 'pending' | 'rejected';

/** A visit waiting to be sent; `clientId` (made on the phone) is what makes retries safe. */
export type QueuedVisit = {
  clientId: string;
  userId: number;
  householdId: number;
  headName: string | null;
  payload: VisitInput;
  createdAt: string;
  status: QueueStatus;
  attempts: number;
  error: { code: string; message: string } | null;
};

export type QueuedPhoto = {
  clientId: string;
  userId: number;
  visitClientId: string;
  householdId: number;
  mime: string;
  blob: Blob;
  createdAt: string;
  status: QueueStatus;
  error: { code: string; message: string } | null;
};

/** Something the cadre must see: a visit saved but its household had changed meanwhile. */
export type Notice = {
  clientId: string;
  userId: number;
  householdId: number;
  headName: string | null;
  visitId: number | null;
  at: string;
  message: string;
  household: { version: number; headName: string | null; phone: string | null; address: string | null } | null;
};

type Snapshot = { key: 'current'; userId: number; savedAt: string; data: SyncResponse };

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains('snapshot')) db.createObjectStore('snapshot', { keyPath: 'key' });
      if (!db.objectStoreNames.contains('queue')) db.createObjectStore('queue', { keyPath: 'clientId' });
      if (!db.objectStoreNames.contains('photos')) db.createObjectStore('photos', { keyPath: 'clientId' });
      if (!db.objectStoreNames.contains('notices')) db.createObjectStore('notices', { keyPath: 'clientId' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('无法打开手机离线存储'));
  });
}

let dbp: Promise<IDBDatabase> | null = null;
const db = () => (dbp ??= open());

type StoreName = 'snapshot' | 'queue' | 'photos' | 'notices';

async function run<T>(store: StoreName, mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T> | void): Promise<T | undefined> {
  const d = await db();
  return new Promise<T | undefined>((resolve, reject) => {
    const tx = d.transaction(store, mode);
    const req = fn(tx.objectStore(store));
    tx.oncomplete = () => resolve(req ? req.result : undefined);
    tx.onerror = () => reject(tx.error ?? new Error('离线存储写入失败'));
    tx.onabort = () => reject(tx.error ?? new Error('离线存储写入被中止'));
  });
}

const all = <T>(store: StoreName) => run<T[]>(store, 'readonly', (s) => s.getAll() as IDBRequest<T[]>).then((r) => r ?? []);

export const offlineDb = {
  async snapshot(userId: number): Promise<{ savedAt: string; data: SyncResponse } | null> {
    const s = await run<Snapshot>('snapshot', 'readonly', (st) => st.get('current') as IDBRequest<Snapshot>);
    return s && s.userId === userId ? { savedAt: s.savedAt, data: s.data } : null;
  },
  saveSnapshot: (userId: number, data: SyncResponse) =>
    run('snapshot', 'readwrite', (s) => {
      s.put({ key: 'current', userId, savedAt: new Date().toISOString(), data } satisfies Snapshot);
    }),

  queue: async (userId: number) => (await all<QueuedVisit>('queue')).filter((q) => q.userId === userId).sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
  enqueue: (v: QueuedVisit) => run('queue', 'readwrite', (s) => void s.put(v)),
  updateQueued: (v: QueuedVisit) => run('queue', 'readwrite', (s) => void s.put(v)),
  dequeue: (clientId: string) => run('queue', 'readwrite', (s) => void s.delete(clientId)),

  photos: async (userId: number) => (await all<QueuedPhoto>('photos')).filter((p) => p.userId === userId),
  putPhoto: (p: QueuedPhoto) => run('photos', 'readwrite', (s) => void s.put(p)),
  dropPhoto: (clientId: string) => run('photos', 'readwrite', (s) => void s.delete(clientId)),

  notices: async (userId: number) => (await all<Notice>('notices')).filter((n) => n.userId === userId).sort((a, b) => b.at.localeCompare(a.at)),
  addNotice: (n: Notice) => run('notices', 'readwrite', (s) => void s.put(n)),
  dropNotice: (clientId: string) => run('notices', 'readwrite', (s) => void s.delete(clientId)),

  /**
   * Another login on this phone: drop what belonged to someone else. Their unsent visits go
   * too — they could not be sent under this login anyway, and must not be readable by it.
   */
  async keepOnly(userId: number) {
    const d = await db();
    await new Promise<void>((resolve, reject) => {
      const tx = d.transaction(['snapshot', 'queue', 'photos', 'notices'], 'readwrite');
      const sweep = (name: StoreName) => {
        const req = tx.objectStore(name).openCursor();
        req.onsuccess = () => {
          const c = req.result;
          if (!c) return;
          const v = c.value as { userId?: number };
          if (v.userId !== userId) c.delete();
          c.continue();
        };
      };
      (['snapshot', 'queue', 'photos', 'notices'] as const).forEach(sweep);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('离线存储清理失败'));
    });
  },
};

/** A v4 UUID also where crypto.randomUUID is missing (pages served over plain http). */
export function newUuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
