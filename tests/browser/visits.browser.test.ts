import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayInChina } from '@fupin/shared';
import { BROWSER_ADMIN_PASSWORD, demoUser, launch, login, newPage } from './browser';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** A JSON call from inside the logged-in page (same cookie, CSRF token from /api/auth/me). */
async function call(page: Page, method: string, url: string, body?: unknown): Promise<{ status: number; body: any }> {
  return page.evaluate(
    async ({ method, url, body }) => {
      const me = (await (await fetch('/api/auth/me')).json()) as { csrfToken: string };
      const r = await fetch(url, { method, headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: r.status, body: await r.json().catch(() => null) };
    },
    { method, url, body },
  );
}

const month = todayInChina().slice(0, 7);
// runs in the page; typed without the DOM library the Node-side checker uses
const swControls = () => !!(globalThis as unknown as { navigator?: { serviceWorker?: { controller?: unknown } } }).navigator?.serviceWorker?.controller;

describe('手机走访 (offline)', () => {
  it('records a visit with no network on a phone, sends it when the network returns, and the rate counts it', async () => {
    // The station's side: the demo cadre of a village becomes the paired cadre of one household.
    const cadreUser = demoUser('cadre');
    const { context: adminCtx, page: admin } = await newPage(browser);
    await login(admin, 'admin', BROWSER_ADMIN_PASSWORD);
    const users = await call(admin, 'GET', `/api/users?keyword=${cadreUser.username}`);
    const u = users.body.items.find((x: { username: string }) => x.username === cadreUser.username);
    const cadre = await call(admin, 'POST', '/api/visits/cadres', { userId: u.id, unitOrgId: u.orgId, countyCode: cadreUser.areaCode.slice(0, 6) });
    expect(cadre.status).toBe(200);
    const hh = await call(admin, 'GET', `/api/registry/households?villageCode=${cadreUser.areaCode}&status=identified&pageSize=1`);
    const household = hh.body.items[0];
    const paired = await call(admin, 'POST', '/api/visits/pairings', { householdId: household.id, cadreId: cadre.body.id, startDate: `${month}-01`, reason: '年度结对安排' });
    expect(paired.status).toBe(200);

    // The cadre's phone.
    const { context, page } = await newPage(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await login(page, cadreUser.username, cadreUser.password);
    await page.goto('/visits/field');
    const card = page.getByTestId(`household-${household.id}`);
    await expect.poll(() => card.isVisible(), { timeout: 30_000 }).toBe(true);
    // the phone holds only this cadre's households
    expect(await page.locator('[data-testid^="household-"]').count()).toBe(1);
    // wait until the service worker has stored the page and the session, so it can reopen offline
    await page.getByTestId('offline-ready').waitFor({ timeout: 30_000 });

    await context.setOffline(true);
    await expect.poll(() => page.getByText('离线').first().isVisible()).toBe(true);
    await card.getByRole('button', { name: '记录走访' }).click();
    await page.getByLabel('发现的问题').fill('屋顶漏雨，需维修');
    await page.getByLabel('帮扶措施').fill('联系危房改造');
    await page.getByRole('button', { name: '保存走访' }).click();
    await expect.poll(() => page.getByTestId('pending-count').textContent()).toBe('待上传 1 条');

    // Reopened with no network: the shell and the queue come from the phone.
    expect(await page.evaluate(swControls)).toBe(true);
    await page.reload();
    await expect.poll(() => page.getByTestId('pending-count').textContent(), { timeout: 30_000 }).toBe('待上传 1 条');
    await expect.poll(() => page.getByTestId(`household-${household.id}`).isVisible()).toBe(true);

    await context.setOffline(false);
    await expect.poll(() => page.getByTestId('pending-count').textContent(), { timeout: 60_000 }).toBe('待上传 0 条');

    // Counted: the station sees one visit made this month for the household.
    const rows = await call(admin, 'GET', `/api/visits/rates/households?month=${month}&outcome=all&pageSize=200`);
    const row = rows.body.items.find((r: { householdId: number }) => r.householdId === household.id);
    expect(row).toMatchObject({ done: 1, cadreName: cadre.body.name });
    const visits = await call(admin, 'GET', `/api/visits?householdId=${household.id}`);
    expect(visits.body.items).toHaveLength(1);
    expect(visits.body.items[0]).toMatchObject({ problems: '屋顶漏雨，需维修', source: 'sync' });
    await context.close();
    await adminCtx.close();
  });
});
