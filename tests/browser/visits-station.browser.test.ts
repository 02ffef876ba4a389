import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, demoUser, launch, login, newPage } from './browser';

/**
 * The station's and the county office's visit workflows on the demo data (the demo generator
 * loads pairings, visits with problems, resident teams): a problem becomes a task and is closed
 * with evidence, an exemption is added and revoked, the county's rule is changed, attendance
 * with a leave and its reason, a quarterly report submitted.
 */
let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** The open dropdown's option (antd renders every Select's list in the body). */
const option = (page: Page, text: string) => page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').filter({ hasText: text }).first();
const unique = () => String(Date.now()).slice(-6);

describe('走访记录与整改', () => {
  it('turns a problem found on a visit into a task with an owner by name, and closes it with evidence', async () => {
    const station = demoUser('station');
    const { context, page } = await newPage(browser);
    await login(page, station.username, station.password);
    const found = await call(page, 'GET', '/api/visits?withProblems=true&pageSize=1');
    const visit = found.body.items[0];
    expect(visit).toBeDefined();

    await page.goto(`/visits/records?householdId=${visit.householdId}`);
    await page.getByRole('button', { name: '详情' }).first().click();
    await page.getByRole('button', { name: '交办整改' }).click();
    const dialog = page.locator('.ant-modal').filter({ hasText: '交办整改：' });
    const problem = `屋顶漏雨待修-${unique()}`;
    await dialog.getByLabel('问题').fill(problem);
    // the owner is preset to the visit's cadre and shown by name, not by id
    await expect.poll(() => dialog.getByText(visit.cadreName).first().isVisible()).toBe(true);
    await dialog.getByRole('button', { name: /^交\s*办$/ }).click();
    await page.getByText('已交办整改任务').waitFor({ timeout: 30_000 });

    await page.goto(`/visits/records?tab=tasks&status=open&householdId=${visit.householdId}`);
    const row = page.locator('tr').filter({ hasText: problem });
    await row.waitFor({ timeout: 30_000 });
    expect(await row.textContent()).toContain(visit.cadreName);
    await row.getByRole('button', { name: /^销\s*号$/ }).click();
    const close = page.locator('.ant-modal').filter({ hasText: '整改销号' });
    await close.getByRole('button', { name: /^销\s*号$/ }).click();
    // evidence is required
    await close.getByText('请填写整改佐证').first().waitFor();
    await close.getByLabel('整改佐证').fill('已协调住建部门维修屋顶，入户核实');
    await close.getByRole('button', { name: /^销\s*号$/ }).click();
    await page.getByText('已销号').first().waitFor({ timeout: 30_000 });

    const tasks = await call(page, 'GET', `/api/visits/tasks?householdId=${visit.householdId}&pageSize=100`);
    const task = tasks.body.items.find((t: { problem: string }) => t.problem === problem);
    expect(task).toMatchObject({ status: 'closed', evidence: '已协调住建部门维修屋顶，入户核实', ownerCadreName: visit.cadreName });
    await context.close();
  });

  it('lets the village clerk record a paper visit of a cadre without a login (代录走访), credited to the cadre paired that day', async () => {
    const clerk = demoUser('village_clerk');
    const { context, page } = await newPage(browser);
    await login(page, clerk.username, clerk.password);
    const pairings = await call(page, 'GET', '/api/visits/pairings?current=true&pageSize=50');
    const pairing = pairings.body.items.find((p: { cadreStatus: string }) => p.cadreStatus === 'active');
    expect(pairing).toBeDefined();

    await page.goto('/visits/records');
    await page.getByRole('button', { name: '代录走访' }).click();
    const dialog = page.locator('.ant-modal').filter({ hasText: '代录走访' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: /^保\s*存$/ }).click();
    await dialog.getByText('请选择农户').waitFor();
    await dialog.getByLabel('农户').fill(pairing.householdNo);
    await option(page, pairing.householdNo).click();
    await dialog.getByText('电话联系', { exact: true }).click();
    await dialog.locator('.ant-form-item').filter({ hasText: '住房安全' }).getByText('有问题').click();
    const problem = `厨房屋顶漏雨-${unique()}`;
    await dialog.getByLabel('发现的问题').fill(problem);
    await dialog.getByRole('button', { name: /^保\s*存$/ }).click();
    await page.getByText(`帮扶干部 ${pairing.cadreName}`).first().waitFor({ timeout: 30_000 });

    const visits = await call(page, 'GET', `/api/visits?householdId=${pairing.householdId}&pageSize=20`);
    const saved = visits.body.items.find((v: { problems: string | null }) => v.problems === problem);
    expect(saved).toMatchObject({ cadreId: pairing.cadreId, kind: 'phone', source: 'web' });
    expect(saved.checks).toMatchObject({ housing: false, food: true, water: true });
    await context.close();
  });
});

describe('走访规则与豁免', () => {
  it('adds an exemption for a household chosen by name and revokes it', async () => {
    const station = demoUser('station');
    const { context, page } = await newPage(browser);
    await login(page, station.username, station.password);
    const pairs = await call(page, 'GET', '/api/visits/pairings?current=true&pageSize=1');
    const headName: string = pairs.body.items[0].headName;

    await page.goto('/visits/rules?tab=exemptions');
    await page.getByRole('button', { name: '登记豁免' }).click();
    const dialog = page.locator('.ant-modal').filter({ hasText: '登记走访豁免' });
    await dialog.getByLabel('农户', { exact: true }).fill(headName);
    await expect.poll(() => option(page, headName).isVisible(), { timeout: 30_000 }).toBe(true);
    await option(page, headName).click();
    const reason = `全家外出务工-${unique()}`;
    await dialog.getByLabel('豁免原因').fill(reason);
    await dialog.getByRole('button', { name: /^登\s*记$/ }).click();
    await page.getByText('已登记豁免').waitFor({ timeout: 30_000 });

    const row = page.locator('tr').filter({ hasText: reason });
    await row.waitFor({ timeout: 30_000 });
    expect(await row.textContent()).toContain(headName);
    expect(await row.textContent()).toContain('有效');
    await row.getByRole('button', { name: '撤销' }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: /确\s*定|OK/ }).click();
    await expect.poll(async () => (await row.textContent()) ?? '', { timeout: 30_000 }).toContain('已撤销');
    await context.close();
  });

  it('lets the county office change the county’s visit rule for the year', async () => {
    const office = demoUser('county_office');
    const { context, page } = await newPage(browser);
    await login(page, office.username, office.password);
    const county = office.areaCode.slice(0, 6);
    const year = new Date().getFullYear();
    await page.goto('/visits/rules');
    const min = page.getByLabel('每户每月最少走访次数');
    await expect.poll(() => min.inputValue(), { timeout: 30_000 }).toBe('2');
    await min.fill('3');
    await page.getByRole('button', { name: new RegExp(`保存 ${year} 年规则`) }).click();
    await page.getByText('走访规则已保存').waitFor({ timeout: 30_000 });
    const rule = await call(page, 'GET', `/api/visits/rules?countyCode=${county}&year=${year}`);
    expect(rule.body).toMatchObject({ isDefault: false, minVisitsPerMonth: 3 });
    // back to the seed's two a month for the other tests
    const { isDefault: _d, countyCode: _c, year: _y, ...body } = rule.body;
    expect((await call(page, 'PUT', `/api/visits/rules/${county}/${year}`, { ...body, minVisitsPerMonth: 2 })).status).toBe(200);
    await context.close();
  });
});

describe('驻村工作队', () => {
  it('records a month of attendance with a leave and its reason, and a quarterly report', async () => {
    const station = demoUser('station');
    const { context, page } = await newPage(browser);
    await login(page, station.username, station.password);
    await page.goto('/visits/teams?tab=attendance');
    await page.getByRole('button', { name: '登记考勤' }).first().click();
    const dialog = page.locator('.ant-modal').filter({ hasText: '考勤' });
    const month = ((await dialog.locator('.ant-modal-title').textContent()) ?? '').match(/\d{4}-\d{2}/)?.[0];
    expect(month).toBeDefined();
    // the first day's status
    const day1 = dialog.locator(`[data-day="${month}-01"]`);
    await day1.locator('.ant-select').click();
    await option(page, '请假').click();
    await dialog.getByRole('button', { name: /确\s*定|OK/ }).click();
    // a leave needs its reason
    await page.getByText('请假、缺勤须填写原因').waitFor();
    await day1.getByPlaceholder('请假事由').fill('回县城就医');
    await dialog.getByRole('button', { name: /确\s*定|OK/ }).click();
    await page.getByText('考勤已保存').waitFor({ timeout: 30_000 });
    const att = await call(page, 'GET', `/api/visits/attendance?month=${month}`);
    const days = att.body.items.flatMap((m: { days: { date: string; status: string; note: string | null }[] }) => m.days);
    expect(days).toContainEqual(expect.objectContaining({ status: 'leave', note: '回县城就医' }));

    await page.goto('/visits/teams?tab=reports');
    const submit = page.getByRole('button', { name: /^(提交报告|重新提交)$/ }).first();
    const back = page.getByRole('button', { name: /^退\s*回$/ }).first();
    await expect.poll(async () => (await submit.isVisible()) || (await back.isVisible()), { timeout: 30_000 }).toBe(true);
    // every demo report may be in already: the station returns one, which can then be submitted again
    if (!(await submit.isVisible())) await back.click();
    await submit.waitFor({ timeout: 30_000 });
    await submit.click();
    const rep = page.locator('.ant-modal').filter({ hasText: '季度工作报告' });
    await rep.getByLabel('报告内容').fill('本季度走访结对户 40 户次，协调修缮饮水管道 2 处，组织技能培训一期。');
    await rep.getByRole('button', { name: /^提\s*交$/ }).click();
    await page.getByText('报告已提交').waitFor({ timeout: 30_000 });
    await context.close();
  });
});
