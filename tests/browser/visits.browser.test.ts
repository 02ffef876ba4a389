import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayInChina } from '@fupin/shared';
import { BROWSER_ADMIN_PASSWORD, call, demoUser, launch, login, newPage } from './browser';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const month = todayInChina().slice(0, 7);
// runs in the page; typed without the DOM library the Node-side checker uses
const swControls = () => !!(globalThis as unknown as { navigator?: { serviceWorker?: { controller?: unknown } } }).navigator?.serviceWorker?.controller;

describe('手机走访 (offline)', () => {
  it('records a visit with no network on a phone, sends it when the network returns, and the rate counts it', async () => {
    // The demo data pairs each village's demo cadre login (cd + village code) to a few households.
    const cadreUser = demoUser('cadre');
    const { context: adminCtx, page: admin } = await newPage(browser);
    await login(admin, 'admin', BROWSER_ADMIN_PASSWORD);
    const users = await call(admin, 'GET', `/api/users?keyword=${cadreUser.username}`);
    const u = users.body.items.find((x: { username: string }) => x.username === cadreUser.username);
    const cadres = await call(admin, 'GET', `/api/visits/cadres?keyword=${encodeURIComponent(u.name)}&pageSize=100`);
    const cadre = { body: cadres.body.items.find((c: { username: string | null }) => c.username === cadreUser.username) };
    expect(cadre.body).toBeDefined();
    const pairs = await call(admin, 'GET', `/api/visits/pairings?cadreId=${cadre.body.id}&current=true&pageSize=100`);
    expect(pairs.body.items.length).toBeGreaterThan(0);
    const household = { id: pairs.body.items[0].householdId as number };
    const before = await call(admin, 'GET', `/api/visits/rates/households?month=${month}&outcome=all&pageSize=200&cadreId=${cadre.body.id}`);
    const doneBefore = (before.body.items.find((r: { householdId: number }) => r.householdId === household.id)?.done as number | undefined) ?? 0;
    const visitsBefore = (await call(admin, 'GET', `/api/visits?householdId=${household.id}&pageSize=100`)).body.total as number;

    // The cadre's phone.
    const { context, page } = await newPage(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await login(page, cadreUser.username, cadreUser.password);
    await page.goto('/visits/field');
    const card = page.getByTestId(`household-${household.id}`);
    await expect.poll(() => card.isVisible(), { timeout: 30_000 }).toBe(true);
    // the phone holds only this cadre's households
    expect(await page.locator('[data-testid^="household-"]').count()).toBe(pairs.body.items.length);
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
    // the household's members and recent visits are on the phone too, one tap away
    await page.getByTestId(`household-${household.id}`).getByRole('button', { name: /家庭成员和最近走访/ }).click();
    const details = page.locator('.ant-drawer').filter({ hasText: '最近走访' });
    await details.getByText(/\d{4}-\d{2}-\d{2}.*(入户走访|电话联系|其他)/).first().waitFor();
    await details.getByRole('button', { name: 'Close' }).or(details.locator('.ant-drawer-close')).first().click();

    await context.setOffline(false);
    await expect.poll(() => page.getByTestId('pending-count').textContent(), { timeout: 60_000 }).toBe('待上传 0 条');

    // Counted: the station sees one more visit this month for the household (a new day — or the
    // same count if the demo already had a home visit today, which counts once a day).
    const rows = await call(admin, 'GET', `/api/visits/rates/households?month=${month}&outcome=all&pageSize=200&cadreId=${cadre.body.id}`);
    const row = rows.body.items.find((r: { householdId: number }) => r.householdId === household.id);
    expect(row.cadreName).toBe(cadre.body.name);
    expect([doneBefore + 1, doneBefore]).toContain(row.done);
    const visits = await call(admin, 'GET', `/api/visits?householdId=${household.id}&pageSize=100`);
    expect(visits.body.total).toBe(visitsBefore + 1);
    expect(visits.body.items.find((v: { problems: string | null }) => v.problems === '屋顶漏雨，需维修')).toMatchObject({ source: 'sync', visitDate: todayInChina() });
    await context.close();
    await adminCtx.close();
  });
});

describe('the cadre at a desk', () => {
  it('opens every 结对帮扶 page and 识别与退出 without a refused request (no area picker for 本人 scope)', async () => {
    const cadreUser = demoUser('cadre');
    const { context, page } = await newPage(browser);
    const refused: string[] = [];
    page.on('response', (r) => {
      if (r.status() === 403) refused.push(`${r.request().method()} ${new URL(r.url()).pathname}`);
    });
    await login(page, cadreUser.username, cadreUser.password);
    for (const [path, title] of [
      ['/visits/records', '走访记录'],
      ['/visits/pairings', '干部包户'],
      ['/visits/unit-villages', '单位包村'],
      ['/visits/teams', '驻村工作队'],
      ['/visits/rules', '每户每月最少走访次数'],
      ['/registry/workflows', '识别与退出'],
    ]) {
      await page.goto(path);
      await page.getByText(title).first().waitFor();
      await page.waitForLoadState('networkidle');
    }
    expect(refused).toEqual([]);
    expect(await page.getByText('没有权限执行此操作').count()).toBe(0);
    // the cadre records their own visits at the desk too: 登记走访, not 代录走访
    await page.goto('/visits/records');
    await page.getByRole('button', { name: '登记走访' }).waitFor();
    expect(await page.getByRole('button', { name: '代录走访' }).count()).toBe(0);
    await context.close();
  });
});
