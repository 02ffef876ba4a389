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

const year = Number(todayInChina().slice(0, 4));
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

describe('工作台待办 and 附件', () => {
  it('the village clerk’s home page lists the application waiting for them; from there they open it and upload an attachment', async () => {
    const village = demoUser('village_clerk');
    const county = village.areaCode.slice(0, 6);
    const township = village.areaCode.slice(0, 9);

    // A household with a valid loan certificate in the clerk's village (set up through the API).
    const { context: adminCtx, page: admin } = await newPage(browser);
    await login(admin, 'admin', BROWSER_ADMIN_PASSWORD);
    expect([200, 409]).toContain((await call(admin, 'POST', '/api/loans/schemes', { countyCode: county, year, name: `${year} 年扶贫到户贷款` })).status);
    expect((await call(admin, 'PUT', '/api/loans/quotas', { countyCode: county, year, townshipCode: township, amountFen: 10_000_000_000, loanCount: 5000 })).status).toBe(200);
    const hh = await call(admin, 'GET', `/api/registry/households?villageCode=${village.areaCode}&status=identified&pageSize=50`);
    let householdId: number | null = null;
    for (const h of hh.body.items) {
      const c = await call(admin, 'POST', '/api/loans/certificates', { householdId: h.id });
      if (c.status !== 200) continue;
      await call(admin, 'POST', `/api/loans/certificates/${c.body.id}/village-review`, { version: 1, approve: true, incomeChecked: true, integrityChecked: true, opinion: '属实' });
      await call(admin, 'POST', `/api/loans/certificates/${c.body.id}/coop-decision`, { version: 2, decision: 'issue', creditGrade: 'AA', validFrom: todayInChina(), validTo: `${year + 1}-12-31` });
      const e = await call(admin, 'GET', `/api/loans/eligibility?householdId=${h.id}&amountFen=1000000&termMonths=12&production=true&industry=livestock`);
      if (e.body.eligible) {
        householdId = h.id;
        break;
      }
    }
    expect(householdId).not.toBeNull();

    const { context: vc, page } = await newPage(browser);
    await login(page, village.username, village.password);
    const filed = await call(page, 'POST', '/api/loans/applications', {
      householdId,
      projectName: '种植油茶 10 亩',
      industry: 'livestock',
      production: true,
      amountFen: 1_000_000,
      termMonths: 12,
      purpose: '购买苗木和肥料',
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(200);
    const appNo: string = filed.body.appNo;

    // 工作台: the application waits for the village committee's first review.
    await page.goto('/');
    await page.getByTestId('home-todo-title').waitFor({ timeout: 30_000 });
    const item = page.getByRole('link', { name: new RegExp(appNo) });
    await item.first().waitFor({ timeout: 30_000 });
    await page.getByRole('link', { name: '贷款申请待审' }).waitFor();

    // The to-do item opens the application where it is done.
    await item.first().click();
    await page.waitForURL((u) => u.pathname === '/loans/applications');
    const drawer = page.locator('.ant-drawer').filter({ hasText: appNo });
    await drawer.getByText('审查记录').waitFor({ timeout: 30_000 });

    // 附件: upload a signed application form with a Chinese name and see it listed.
    const list = drawer.getByTestId(`attachments-loan_application-${filed.body.id}`);
    await list.getByText('暂无附件').waitFor({ timeout: 30_000 });
    await list.locator('input[type=file]').setInputFiles({ name: '贷款申请书（签字）.pdf', mimeType: 'application/pdf', buffer: PDF });
    const link = list.getByRole('link', { name: '贷款申请书（签字）.pdf' });
    await link.waitFor({ timeout: 30_000 });
    expect(await link.getAttribute('href')).toMatch(/^\/api\/files\/\d+\/download$/);

    // the server kept it against the application, and the download works for the clerk
    const files = await call(page, 'GET', `/api/files?ownerKind=loan_application&ownerId=${filed.body.id}`);
    expect(files.body.items.map((f: { fileName: string }) => f.fileName)).toEqual(['贷款申请书（签字）.pdf']);
    const size = await page.evaluate(async (url) => (await (await fetch(url)).arrayBuffer()).byteLength, files.body.items[0].url as string);
    expect(size).toBe(PDF.length);

    // a type the server refuses is stopped in the browser with the same Chinese message
    await list.locator('input[type=file]').setInputFiles({ name: '说明.txt', mimeType: 'text/plain', buffer: Buffer.from('说明') });
    await page.getByText(/附件类型：只接受 PDF/).first().waitFor({ timeout: 30_000 });
    for (const c of [adminCtx, vc]) await c.close();
  });

  it('a village clerk attaches an uploaded file to a registry workflow step and sees it in the record', async () => {
    const village = demoUser('village_clerk');
    const { context, page } = await newPage(browser);
    await login(page, village.username, village.password);
    // a monitoring case (纳入监测) for a household of the clerk's village, started through the API
    const hh = await call(page, 'GET', `/api/registry/households?villageCode=${village.areaCode}&status=exited&pageSize=50`);
    let wf: { id: number } | null = null;
    for (const h of hh.body.items) {
      const r = await call(page, 'POST', '/api/registry/workflows', { householdId: h.id, kind: 'monitoring', origin: 'cadre_check', date: todayInChina(), reason: '因病支出骤增' });
      if (r.status === 200) {
        wf = r.body;
        break;
      }
    }
    expect(wf).not.toBeNull();

    await page.goto(`/registry/workflows?open=${wf!.id}`);
    const drawer = page.locator('.ant-drawer');
    const list = drawer.getByTestId(`attachments-registry_workflow-${wf!.id}`);
    await list.getByText('暂无附件').waitFor({ timeout: 30_000 });
    await list.locator('input[type=file]').setInputFiles({ name: '民主评议会议记录.pdf', mimeType: 'application/pdf', buffer: PDF });
    await list.getByRole('link', { name: '民主评议会议记录.pdf' }).waitFor({ timeout: 30_000 });
    // just uploaded, so already ticked for this step
    expect(await list.getByLabel('附到本环节：民主评议会议记录.pdf').isChecked()).toBe(true);
    await drawer.getByRole('button', { name: /^提\s*交$/ }).click();
    // the step's record names the file as a download link
    await drawer.getByText('佐证材料：').first().waitFor({ timeout: 30_000 });
    const detail = await call(page, 'GET', `/api/registry/workflows/${wf!.id}`);
    const appraise = detail.body.steps.find((s: { step: string }) => s.step === 'appraise');
    expect(appraise.evidence).toEqual([{ name: '民主评议会议记录.pdf', attachmentId: expect.any(Number) }]);
    await context.close();
  });
});
