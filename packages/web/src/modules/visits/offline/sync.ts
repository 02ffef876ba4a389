/**
 * The phone's sync loop. Recording a visit only writes to IndexedDB; sending is separate and
 * safe to repeat: every queued visit carries the UUID made when it was recorded, so a retry
 * after a lost answer finds the first copy on the server ('duplicate') instead of making a
 * second. Photos are sent keyed by their visit's UUID, in any order.
 *
 * Runs while the page is open: on load, when the browser says it is back online, after each
 * recorded visit, every 15 s while offline and every minute otherwise. (Background Sync
 * would need the service worker to hold the CSRF token; not done.)
 */
import { useSyncExternalStore } from 'react';
import { ApiError, api, setCsrfToken } from '../../../api/client';
import { visitsApi, type SyncResponse, type VisitInput } from '../api';
import { newUuid, offlineDb, type Notice, type QueuedPhoto, type QueuedVisit } from './db';

export const RECENT_PER_HOUSEHOLD = 5;
const BATCH = 50;

export type FieldState = {
  userId: number | null;
  online: boolean;
  syncing: boolean;
  snapshot: { savedAt: string; data: SyncResponse } | null;
  queue: QueuedVisit[];
  photos: QueuedPhoto[];
  notices: Notice[];
  lastError: string | null;
  lastSyncAt: string | null;
  loaded: boolean;
};

let state: FieldState = {
  userId: null,
  online: typeof navigator === 'undefined' ? true : navigator.onLine,
  syncing: false,
  snapshot: null,
  queue: [],
  photos: [],
  notices: [],
  lastError: null,
  lastSyncAt: null,
  loaded: false,
};
const listeners = new Set<() => void>();
function set(patch: Partial<FieldState>) {
  state = { ...state, ...patch };
  for (const l of listeners) l();
}

export function useFieldState(): FieldState {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => state,
  );
}

async function reload(userId: number) {
  const [snapshot, queue, photos, notices] = await Promise.all([
    offlineDb.snapshot(userId),
    offlineDb.queue(userId),
    offlineDb.photos(userId),
    offlineDb.notices(userId),
  ]);
  set({ snapshot, queue, photos, notices, loaded: true });
}

let timer: ReturnType<typeof setTimeout> | null = null;
const onOnline = () => {
  set({ online: true });
  void syncNow();
};
const onOffline = () => set({ online: false });

// Phones report `navigator.onLine` late or wrongly (a tower with no data, a captive portal), so
// the loop does not trust it: it tries again every 15 s while the last try found no network,
// every minute otherwise.
function schedule() {
  if (timer) clearTimeout(timer);
  if (stopped) return;
  timer = setTimeout(() => void syncNow().finally(schedule), state.online ? 60_000 : 15_000);
}

/** Opens the store for this login (clearing another login's data) and starts the loop. */
export async function startField(userId: number) {
  if (state.userId !== userId) {
    await offlineDb.keepOnly(userId);
    set({ userId, snapshot: null, queue: [], photos: [], notices: [], lastError: null, loaded: false });
  }
  await reload(userId);
  window.addEventListener('online', onOnline);
  window.addEventListener('offline', onOffline);
  stopped = false;
  void syncNow().finally(schedule);
}

let stopped = false;
export function stopField() {
  stopped = true;
  window.removeEventListener('online', onOnline);
  window.removeEventListener('offline', onOffline);
  if (timer) clearTimeout(timer);
  timer = null;
}

/** Saves a visit (and its photos) on the phone; sending happens on the next sync. */
export async function recordVisit(input: Omit<VisitInput, 'clientId'>, headName: string | null, photos: { blob: Blob; mime: string }[]) {
  const userId = state.userId;
  if (userId === null) throw new Error('离线存储尚未就绪');
  const clientId = newUuid();
  const now = new Date().toISOString();
  await offlineDb.enqueue({
    clientId,
    userId,
    householdId: input.householdId,
    headName,
    payload: { ...input, clientId, clientRecordedAt: now },
    createdAt: now,
    status: 'pending',
    attempts: 0,
    error: null,
  });
  for (const p of photos) {
    await offlineDb.putPhoto({
      clientId: newUuid(),
      userId,
      visitClientId: clientId,
      householdId: input.householdId,
      mime: p.mime,
      blob: p.blob,
      createdAt: now,
      status: 'pending',
      error: null,
    });
  }
  await reload(userId);
  void syncNow();
  return clientId;
}

export async function dismissNotice(clientId: string) {
  await offlineDb.dropNotice(clientId);
  if (state.userId !== null) await reload(state.userId);
}

/** A visit the server refused for good (e.g. a household handed to another cadre) is dropped by the cadre. */
export async function dropRejected(clientId: string) {
  await offlineDb.dequeue(clientId);
  for (const p of state.photos.filter((x) => x.visitClientId === clientId)) await offlineDb.dropPhoto(p.clientId);
  if (state.userId !== null) await reload(state.userId);
}

const transient = (e: unknown) => !(e instanceof ApiError) || e.status === 0 || e.status === 401 || e.status === 429 || e.status >= 500;

let running: Promise<void> | null = null;
let csrf = '';

/** One pass: visits up, photos up, fresh copy down. Never runs twice at once. */
export function syncNow(): Promise<void> {
  running ??= pass().finally(() => {
    running = null;
  });
  return running;
}

async function pass() {
  const userId = state.userId;
  if (userId === null) return;
  set({ syncing: true, lastError: null });
  try {
    // A fresh CSRF token (and a check that the session is still alive) before writing.
    const me = await api.get<{ csrfToken: string }>('/api/auth/me');
    setCsrfToken(me.csrfToken);
    csrf = me.csrfToken;

    const queue = (await offlineDb.queue(userId)).filter((q) => q.status === 'pending');
    for (let i = 0; i < queue.length; i += BATCH) {
      const batch = queue.slice(i, i + BATCH);
      const res = await visitsApi.syncUpload(batch.map((q) => q.payload));
      for (const [k, r] of res.results.entries()) {
        const q = batch[k];
        if (r.status === 'created' || r.status === 'duplicate') await offlineDb.dequeue(q.clientId);
        else if (r.status === 'conflict') {
          await offlineDb.dequeue(q.clientId);
          await offlineDb.addNotice({
            clientId: q.clientId,
            userId,
            householdId: q.householdId,
            headName: q.headName,
            visitId: r.visitId,
            at: new Date().toISOString(),
            message: '走访已保存，但该户信息在您离线期间已被修改；您提交的户信息变更未应用，请核对最新信息。',
            household: r.household,
          });
        } else {
          await offlineDb.updateQueued({ ...q, status: 'rejected', attempts: q.attempts + 1, error: r.error });
        }
      }
    }

    for (const p of (await offlineDb.photos(userId)).filter((x) => x.status === 'pending')) {
      try {
        await uploadPhoto(p);
        await offlineDb.dropPhoto(p.clientId);
      } catch (e) {
        if (transient(e)) throw e;
        const err = e as ApiError;
        await offlineDb.putPhoto({ ...p, status: 'rejected', error: { code: err.code, message: err.message } });
      }
    }

    const fresh = await visitsApi.syncDownload(RECENT_PER_HOUSEHOLD);
    await offlineDb.saveSnapshot(userId, fresh);
    set({ lastSyncAt: new Date().toISOString(), online: true });
  } catch (e) {
    const offline = e instanceof ApiError && e.status === 0;
    set({ lastError: offline ? null : (e as Error).message, online: !offline });
  } finally {
    await reload(userId);
    set({ syncing: false });
  }
}

async function uploadPhoto(p: QueuedPhoto) {
  // The body is the image itself; api.ts speaks JSON only, so this one call is made here.
  const url = `/api/visits/photos/${p.clientId}?visitClientId=${p.visitClientId}&householdId=${p.householdId}`;
  let res: Response;
  try {
    res = await fetch(url, { method: 'PUT', body: p.blob, credentials: 'same-origin', headers: { 'content-type': p.mime, 'x-csrf-token': csrf } });
  } catch {
    throw new ApiError(0, 'NETWORK', '无法连接服务器');
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
    throw new ApiError(res.status, body?.error?.code ?? `HTTP${res.status}`, body?.error?.message ?? `照片上传失败（${res.status}）`);
  }
}
