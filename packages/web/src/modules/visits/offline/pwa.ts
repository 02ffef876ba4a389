/**
 * Makes the phone page installable and usable offline: the web app manifest (linked here,
 * only for this page) and the service worker (public/visits-sw.js). Service workers need a
 * secure origin (https, or localhost); elsewhere the page still works online.
 */
export function linkManifest() {
  if (document.querySelector('link[rel="manifest"]')) return;
  const link = document.createElement('link');
  link.rel = 'manifest';
  link.href = '/visits.webmanifest';
  document.head.appendChild(link);
  if (!document.querySelector('meta[name="theme-color"]')) {
    const meta = document.createElement('meta');
    meta.name = 'theme-color';
    meta.content = '#1f5fbf';
    document.head.appendChild(meta);
  }
}

export async function registerServiceWorker(): Promise<boolean> {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return false;
  try {
    const reg = await navigator.serviceWorker.register('/visits-sw.js', { scope: '/' });
    await navigator.serviceWorker.ready;
    const worker = reg.active ?? navigator.serviceWorker.controller;
    if (!worker) return false;
    // Files this page loaded before the worker was in control: hand them over for the cache,
    // and wait until the worker has stored them (and the session) — then the page can reopen
    // with no network.
    const urls = [
      location.pathname,
      ...performance
        .getEntriesByType('resource')
        .map((e) => e.name)
        .filter((u) => !u.includes('/api/')),
    ];
    await new Promise<void>((resolve) => {
      const channel = new MessageChannel();
      const timer = setTimeout(resolve, 30_000);
      channel.port1.onmessage = () => {
        clearTimeout(timer);
        resolve();
      };
      worker.postMessage({ type: 'cache-urls', urls }, [channel.port2]);
    });
    document.documentElement.dataset.offlineReady = '1';
    return true;
  } catch {
    return false;
  }
}
