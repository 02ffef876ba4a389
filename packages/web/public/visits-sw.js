/*
 * Service worker of the cadre's phone page (/visits/field), so the page opens with no network.
 * What it caches, and why:
 *  - the app shell (index.html for every page address) — network first, the cached copy offline;
 *  - built assets (/assets/*, hashed, never change) — cache first;
 *  - GET /api/auth/me — network first, the cached copy offline, so the logged-in pages can boot;
 *    dropped on logout.
 * Nothing else from /api is cached here: the cadre's households live in IndexedDB, bounded by
 * the server's download (own households, last N visits). Visits are queued in IndexedDB and
 * sent by the page; this worker never replays requests.
 */
const VERSION = 'v2';
const SHELL = `fupin-shell-${VERSION}`;
const SESSION = `fupin-session-${VERSION}`;
const PRECACHE = ['/', '/visits/field', '/visits.webmanifest', '/visits-icon-192.png', '/visits-icon-512.png'];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(SHELL)
      .then((c) => Promise.all(PRECACHE.map((u) => c.add(new Request(u, { cache: 'reload' })).catch(() => undefined))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('fupin-') && k !== SHELL && k !== SESSION).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// The page lists what it loaded before this worker took control, so those files work offline
// too, and the session is read once through the worker; the page is told when all is stored.
self.addEventListener('message', (event) => {
  const data = event.data || {};
  const reply = event.ports && event.ports[0];
  if (data.type === 'cache-urls' && Array.isArray(data.urls)) {
    const same = data.urls.filter((u) => {
      try {
        const url = new URL(u, self.location.origin);
        return url.origin === self.location.origin && !url.pathname.startsWith('/api/');
      } catch {
        return false;
      }
    });
    const shell = caches.open(SHELL).then((c) => Promise.all(same.map((u) => c.add(u).catch(() => undefined))));
    const session = networkFirst(new Request('/api/auth/me', { credentials: 'same-origin' }), SESSION).catch(() => undefined);
    event.waitUntil(
      Promise.all([shell, session]).then(() => {
        if (reply) reply.postMessage({ type: 'cached' });
      }),
    );
  }
  if (data.type === 'logout') event.waitUntil(caches.delete(SESSION));
});

async function networkFirst(request, cacheName, fallbackUrl) {
  const cache = await caches.open(cacheName);
  try {
    const res = await fetch(request);
    if (res.ok) await cache.put(fallbackUrl || request, res.clone());
    return res;
  } catch (e) {
    const hit = (await cache.match(request, { ignoreSearch: true })) || (fallbackUrl && (await cache.match(fallbackUrl)));
    if (hit) return hit;
    throw e;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(SHELL);
  const hit = await cache.match(request);
  if (hit) return hit;
  const res = await fetch(request);
  if (res.ok) await cache.put(request, res.clone());
  return res;
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.method !== 'GET') {
    if (url.pathname === '/api/auth/logout') event.waitUntil(caches.delete(SESSION));
    return;
  }
  if (req.mode === 'navigate') {
    // Every page address is the same app shell; keep one copy under '/'.
    event.respondWith(networkFirst(req, SHELL, '/'));
    return;
  }
  if (url.pathname === '/api/auth/me') {
    event.respondWith(networkFirst(req, SESSION));
    return;
  }
  if (url.pathname.startsWith('/api/')) return;
  if (url.pathname.startsWith('/assets/') || PRECACHE.includes(url.pathname)) {
    event.respondWith(cacheFirst(req));
  }
});
