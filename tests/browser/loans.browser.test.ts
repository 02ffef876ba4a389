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

const year = Number(todayInChina().slice(0, 4));

/** Opens the application in the queue of `user` and approves it in the drawer. */
async function approveInQueue(page: Page, appNo: string, opinion: string) {
  await page.goto('/loans/applications');
  const link = page.getByRole('link', { name: appNo }).or(page.getByText(appNo, { exact: true }));
  await expect.poll(() => link.first().isVisible(), { timeout: 30_000 }).toBe(true);
  await link.first().click();
  const drawer = page.locator('.ant-drawer');
  await expect.poll(() => drawer.getByText('审查记录').isVisible(), { timeout: 30_000 }).toBe(true);
  await drawer.getByLabel(/意见/).fill(opinion);
  await drawer.getByRole('button', { name: /^提\s*交$/ }).click();
  await expect.poll(() => drawer.getByText(opinion).isVisible(), { timeout: 30_000 }).toBe(true);
}

describe('到户贷款', () => {
  it('an application goes from the village committee through the station to the coop’s decision', async () => {
    const village = demoUser('village_clerk');
    const county = village.areaCode.slice(0, 6);
    const township = village.areaCode.slice(0, 9);
    const station = demoUser('station');
    const coop = demoUser('coop');
    expect(station.areaCode).toBe(township);

    // The county's scheme and the township's quota; a household with a valid certificate.
    const { context: adminCtx, page: admin } = await newPage(browser);
    await login(admin, 'admin', BROWSER_ADMIN_PASSWORD);
    expect((await call(admin, 'POST', '/api/loans/schemes', { countyCode: county, year, name: `${year} 年扶贫到户贷款` })).status).toBe(200);
    expect((await call(admin, 'PUT', '/api/loans/quotas', { countyCode: county, year, townshipCode: township, amountFen: 100_000_000, loanCount: 50 })).status).toBe(200);
    const hh = await call(admin, 'GET', `/api/registry/households?villageCode=${village.areaCode}&status=identified&pageSize=50`);
    let household: { id: number; headName: string } | null = null;
    for (const h of hh.body.items) {
      const c = await call(admin, 'POST', '/api/loans/certificates', { householdId: h.id });
      if (c.status !== 200) continue;
      await call(admin, 'POST', `/api/loans/certificates/${c.body.id}/village-review`, { version: 1, approve: true, incomeChecked: true, integrityChecked: true, opinion: '属实' });
      await call(admin, 'POST', `/api/loans/certificates/${c.body.id}/coop-decision`, { version: 2, decision: 'issue', creditGrade: 'AA', validFrom: todayInChina(), validTo: `${year + 1}-12-31` });
      const e = await call(admin, 'GET', `/api/loans/eligibility?householdId=${h.id}&amountFen=1000000&termMonths=12&production=true&industry=livestock`);
      if (e.body.eligible) {
        household = h;
        break;
      }
    }
    expect(household).not.toBeNull();

    // The village clerk files the application through the form.
    const { context: vc, page } = await newPage(browser);
    await login(page, village.username, village.password);
    await page.goto('/loans/applications');
    await page.getByRole('button', { name: /受理申请/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/农户/).fill(household!.headName);
    const option = page.locator('.ant-select-item-option').filter({ hasText: household!.headName }).first();
    await expect.poll(() => option.isVisible(), { timeout: 30_000 }).toBe(true);
    await option.click();
    await dialog.getByLabel('项目名称').fill('养殖肉牛 3 头');
    await dialog.getByLabel('产业').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '畜牧' }).first().click();
    await dialog.getByLabel(/申请金额/).fill('10000');
    await dialog.getByLabel('贷款用途').fill('购买架子牛');
    await dialog.getByRole('button', { name: /条件预审/ }).click();
    await expect.poll(() => dialog.getByText('符合贷款条件').isVisible(), { timeout: 30_000 }).toBe(true);
    await dialog.getByRole('button', { name: /提交申请/ }).click();
    const drawer = page.locator('.ant-drawer');
    await expect.poll(() => drawer.getByText('审查记录').isVisible(), { timeout: 30_000 }).toBe(true);
    const title = (await drawer.locator('.ant-drawer-title').textContent()) ?? '';
    const appNo = title.split(' ')[0];
    expect(appNo).toMatch(/^SQ\d{6}-\d{4}-\d{5}$/);
    // The village committee's first review, in the same drawer.
    await drawer.getByLabel(/意见/).fill('情况属实，同意上报');
    await drawer.getByRole('button', { name: /^提\s*交$/ }).click();
    await expect.poll(() => drawer.getByText('情况属实，同意上报').isVisible(), { timeout: 30_000 }).toBe(true);

    // The station, within its 5 working days.
    const { context: sc, page: sp } = await newPage(browser);
    await login(sp, station.username, station.password);
    await approveInQueue(sp, appNo, '同意推荐');

    // The coop decides.
    const { context: cc, page: cp } = await newPage(browser);
    await login(cp, coop.username, coop.password);
    await approveInQueue(cp, appNo, '资信良好，同意放贷');
    await expect.poll(() => cp.locator('.ant-drawer').getByText(/已批准待放款/).first().isVisible(), { timeout: 30_000 }).toBe(true);

    const list = await call(admin, 'GET', `/api/loans/applications?keyword=${appNo}`);
    const detail = await call(admin, 'GET', `/api/loans/applications/${list.body.items[0].id}`);
    expect(detail.body.status).toBe('approved');
    expect(detail.body.events.map((e: { action: string }) => e.action)).toEqual(['submit', 'approve', 'approve', 'approve']);
    for (const c of [adminCtx, vc, sc, cc]) await c.close();
  });
});
