import type { Page } from 'playwright-core';
import { afterEach, beforeEach } from 'vitest';

/**
 * What a failed browser test leaves in the CI log. A flaky failure in CI shows only the locator
 * that timed out; what the page said (a refused request, a form error, a toast) is what tells a
 * lost click from a server refusal. Every page made by `newPage` is watched.
 */
const pages = new Set<Page>();
let events: string[] = [];

export function watch(page: Page) {
  pages.add(page);
  page.on('close', () => pages.delete(page));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') events.push(`${stamp()} console.${m.type()}: ${m.text().slice(0, 300)}`);
  });
  page.on('pageerror', (e) => events.push(`${stamp()} pageerror: ${e.message.slice(0, 300)}`));
  page.on('response', async (r) => {
    if (!r.url().includes('/api/')) return;
    const line = `${stamp()} ${r.request().method()} ${new URL(r.url()).pathname} → ${r.status()}`;
    events.push(line);
    if (r.status() >= 400) events.push(`  ${(await r.text().catch(() => '')).slice(0, 300)}`);
  });
}

function stamp() {
  return new Date().toISOString().slice(11, 23);
}

beforeEach(() => {
  events = [];
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state !== 'fail') return;
  const out: string[] = [`── what the pages showed when "${ctx.task.name}" failed ──`];
  for (const p of pages) {
    if (p.isClosed()) continue;
    const shown = await p
      .evaluate(() => {
        // the test files compile without the DOM library
        const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> } }).document;
        const texts = (sel: string) => Array.from(doc.querySelectorAll(sel)).map((e) => (e.textContent ?? '').trim()).filter(Boolean);
        return {
          messages: texts('.ant-message-notice, .ant-notification-notice, .ant-alert'),
          formErrors: texts('.ant-form-item-explain-error'),
          drawers: texts('.ant-drawer-open .ant-drawer-title, .ant-modal-title'),
        };
      })
      .catch((e: Error) => ({ error: e.message }));
    out.push(`page ${p.url()}: ${JSON.stringify(shown)}`);
  }
  out.push('recent API calls and console errors (last 60):', ...events.slice(-60));
  console.error(out.join('\n'));
});
