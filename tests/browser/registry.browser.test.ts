import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, makeIdNumber, todayInChina } from '@fupin/shared';
import { call, demoUser, launch, login, newPage } from './browser';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const day = todayInChina();
const ago = (n: number) => addDays(day, -n);
// IDs born on a date the demo generator does not use for its own people
const idOf = (seq: number, birth = '1961-02-03') => makeIdNumber('450000', birth, seq);

async function loggedIn(role: string) {
  const u = demoUser(role);
  const { context, page } = await newPage(browser, { acceptDownloads: true });
  await login(page, u.username, u.password);
  await expect.poll(() => page.url(), { timeout: 20_000 }).not.toMatch(/\/login/);
  return { context, page, user: u };
}

/** Types a date into an antd DatePicker found by its label. */
async function setDate(page: Page, scope: ReturnType<Page['locator']>, label: string, date: string) {
  const input = scope.getByLabel(label);
  await input.click();
  await input.fill(date);
  // Tab commits the typed date without submitting the form (Enter would submit it)
  await page.keyboard.press('Tab');
}

function household(villageCode: string, headId: string, name: string) {
  return {
    areaCode: villageCode,
    address: '测试组 1 号',
    category: 'general',
    identificationStandard: 'national',
    mainCause: 'illness',
    housingSafety: 'B',
    waterSafe: true,
    incomeYear: 2025,
    incomeWagesFen: 600_000,
    members: [{ name, idNumber: headId, relation: 'head', ethnicity: 'han', education: 'junior', schooling: 'not_in_school', health: 'healthy', labour: 'ordinary', workStatus: 'local', workMonths: 6 }],
  };
}

describe('registry in the browser', () => {
  it('imports a file: good households go in, the bad one comes back in an error workbook with its reason', async () => {
    const { context, page, user } = await loggedIn('station');
    try {
      const villages = (await call(page, 'GET', `/api/areas?parentCode=${user.areaCode}`)).body.items;
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('花名册');
      ws.addRow(['某镇扶贫对象花名册']);
      ws.addRow(['行政村', '姓名', '与户主关系', '身份证号码', '民族', '健康状况', '劳动技能', '工资性收入（元）']);
      ws.addRow([villages[0].name, '浏览器甲', '户主', idOf(11), '汉族', '健康', '普通劳动力', 8000]);
      ws.addRow([villages[0].name, '浏览器乙', '户主', Number(idOf(13)), '汉族', '健康', '普通劳动力', 9000]);
      const file = path.join(os.tmpdir(), `registry-import-${Date.now()}.xlsx`);
      await wb.xlsx.writeFile(file);

      await page.goto('/registry/import');
      await page.getByText('导入农户档案').first().waitFor();
      await page.locator('input[type=file]').setInputFiles(file);
      await page.getByText(/新建 1 户，更新 0 户，未变化 0 户，失败 1 户/).waitFor({ timeout: 60_000 });
      await page.getByText(/Excel 保存为数字/).first().waitFor();
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /下载错误行文件/ }).click()]);
      const saved = path.join(os.tmpdir(), `errors-${Date.now()}.xlsx`);
      await download.saveAs(saved);
      const back = new ExcelJS.Workbook();
      await back.xlsx.readFile(saved);
      const rows = back.worksheets[0].getSheetValues().filter(Boolean) as unknown[][];
      expect(rows[0]).toContain('错误原因');
      expect(rows).toHaveLength(2);
      expect(String(rows[1].at(-1))).toMatch(/第 4 行：身份证号：身份证号码被 Excel 保存为数字/);
      fs.rmSync(file, { force: true });
      fs.rmSync(saved, { force: true });
    } finally {
      await context.close();
    }
  });

  it('takes a household through identification to announcement, each level in its own account', async () => {
    const clerk = await loggedIn('village_clerk');
    const headId = idOf(21, '1958-08-08');
    let hid = 0;
    try {
      const created = await call(clerk.page, 'POST', '/api/registry/households', household(clerk.user.areaCode, headId, '浏览器识别'));
      expect(created.status).toBe(200);
      hid = created.body.id;
      await clerk.page.goto(`/registry/households/${hid}`);
      await clerk.page.getByRole('button', { name: /启动流程/ }).click();
      const modal = clerk.page.getByRole('dialog');
      await setDate(clerk.page, modal, '日期', ago(20));
      await modal.getByRole('button', { name: /启\s*动/ }).click();
      await expect.poll(() => clerk.page.url(), { timeout: 20_000 }).toMatch(/\/registry\/workflows\?open=/);
      const drawer = clerk.page.getByRole('dialog');
      await drawer.getByText('村级民主评议').first().waitFor();
      await setDate(clerk.page, drawer, '日期', ago(18));
      await drawer.getByLabel('参会人数').fill('30');
      await drawer.getByRole('button', { name: /提\s*交/ }).click();
      await drawer.getByText('张贴村级公示').waitFor({ timeout: 20_000 });
      // the record of the appraisal shows its vote, not only who and when
      await drawer.getByText('参会 30 人').waitFor();
      await setDate(clerk.page, drawer, '公示开始日期', ago(15));
      await drawer.getByRole('button', { name: /提\s*交/ }).click();
      await drawer.getByText(/公示期满，待乡镇审核/).first().waitFor({ timeout: 20_000 });
      // an objection is recorded and found unfounded, its finding written in the page's own dialog
      await drawer.getByPlaceholder('异议内容').fill('该户有小轿车');
      await drawer.getByRole('button', { name: /登记异议/ }).click();
      await drawer.getByText('公示异议（未处理 1）').waitFor();
      await drawer.getByRole('button', { name: '不成立', exact: true }).click();
      const finding = clerk.page.getByRole('dialog').filter({ hasText: '核实结果' });
      await finding.getByLabel('核实结果').fill('经入户核实，车辆为亲属所有');
      await finding.getByRole('button', { name: /确\s*定/ }).click();
      await drawer.getByText('公示异议（未处理 0）').waitFor();
    } finally {
      await clerk.context.close();
    }

    const station = await loggedIn('station');
    try {
      await station.page.goto('/registry/workflows');
      // a case whose notice is over waits on the station: it is under 待乡镇审核, not 公示
      await station.page.getByRole('tab', { name: /待乡镇审核 [1-9]/ }).click();
      await station.page.getByRole('link', { name: '浏览器识别户' }).or(station.page.getByText('浏览器识别户')).first().click();
      const drawer = station.page.getByRole('dialog');
      await drawer.getByText('乡镇审核').first().waitFor();
      await drawer.getByLabel('意见').fill('经审核情况属实');
      await drawer.getByRole('button', { name: /提\s*交/ }).click();
      await drawer.getByText(/待县级审批/).first().waitFor({ timeout: 20_000 });
    } finally {
      await station.context.close();
    }

    const county = await loggedIn('county_office');
    try {
      await county.page.goto('/registry/workflows');
      await county.page.getByText('浏览器识别户').first().click();
      const drawer = county.page.getByRole('dialog');
      await drawer.getByText('县级审批').first().waitFor();
      await drawer.getByRole('button', { name: /提\s*交/ }).click();
      await drawer.getByText('发布公告').first().waitFor({ timeout: 20_000 });
      await drawer.getByLabel('公告文号').fill('测发〔2026〕1号');
      await drawer.getByRole('button', { name: /提\s*交/ }).click();
      await drawer.getByText(/已完成/).first().waitFor({ timeout: 20_000 });
      await drawer.getByText('公告文号：测发〔2026〕1号').waitFor();
      const h = await call(county.page, 'GET', `/api/registry/households/${hid}`);
      expect(h.body.status).toBe('identified');
    } finally {
      await county.context.close();
    }
  });

  it('shows a household page with members masked, history and the exit check, and refuses another village', async () => {
    const clerk = await loggedIn('village_clerk');
    try {
      const list = await call(clerk.page, 'GET', '/api/registry/households?pageSize=1');
      const h = list.body.items[0];
      await clerk.page.goto(`/registry/households/${h.id}`);
      await clerk.page.getByText(`${h.headName}户`).first().waitFor();
      await clerk.page.getByRole('tab', { name: /家庭成员/ }).waitFor();
      await clerk.page.getByText(/\d{4}\*{10}[\dX]{4}/).first().waitFor();
      // the masked ID reads on one line (an inline box has one client rect per line; it wrapped into three)
      expect(await clerk.page.locator('td .mono').filter({ hasText: /^\d{4}\*{10}[\dX]{4}$/ }).first().evaluate((e) => e.getClientRects().length)).toBe(1);
      await clerk.page.getByRole('columnheader', { name: '民族' }).first().waitFor();
      expect(await clerk.page.getByRole('button', { name: '查看完整信息' }).count()).toBe(0);
      await clerk.page.getByRole('tab', { name: '状态变更' }).click();
      await clerk.page.locator('.ant-timeline-item').first().waitFor();
      await clerk.page.getByRole('tab', { name: '退出核验' }).click();
      await clerk.page.getByText(/收入稳定超过贫困线|人均纯收入|收入年度/).first().waitFor();
      // the household's loans (the demo lends in the clerk's village) on the same page
      const loans = await call(clerk.page, 'GET', '/api/loans/loans?pageSize=1');
      const loan = loans.body.items[0];
      expect(loan?.householdId).toBeTruthy();
      await clerk.page.goto(`/registry/households/${loan.householdId}`);
      await clerk.page.getByRole('tab', { name: '到户贷款' }).click();
      await clerk.page.getByText(loan.loanNo).first().waitFor();
      // a household of another village: not found
      const other = await call(clerk.page, 'GET', `/api/registry/households/999999999`);
      expect(other.status).toBe(404);
      await clerk.page.goto('/registry/households/999999999');
      await clerk.page.getByText('农户不存在或不在您的管辖范围内').waitFor();
    } finally {
      await clerk.context.close();
    }
  });

  it('lists the poverty lines through the current year on 扶贫标准, read-only without system:param:edit', async () => {
    const county = await loggedIn('county_office');
    try {
      await county.page.goto('/registry/poverty-lines');
      const row = county.page.locator('tr').filter({ hasText: '2025' }).filter({ hasText: '全国默认' });
      await row.waitFor();
      expect(await row.innerText()).toContain('6,000.00');
      await county.page.locator('tr').filter({ hasText: day.slice(0, 4) }).first().waitFor();
      expect(await county.page.getByRole('button', { name: '新增标准' }).count()).toBe(0);
    } finally {
      await county.context.close();
    }
  });

  it('edits a member on the household page: a bad ID is refused in Chinese, a good edit is saved and shown masked', async () => {
    const clerk = await loggedIn('village_clerk');
    try {
      const { page, user } = clerk;
      const created = await call(page, 'POST', '/api/registry/households', household(user.areaCode, idOf(31, '1966-05-07'), '浏览器丁'));
      expect(created.status).toBe(200);
      await page.goto(`/registry/households/${created.body.id}`);
      await page.getByRole('button', { name: '修改成员 浏览器丁' }).click();
      const modal = page.locator('.ant-modal').filter({ hasText: '修改家庭成员' });
      await modal.waitFor();

      // a woman's ID with a wrong check digit: refused beside the field, nothing sent
      const good = idOf(40, '1968-09-10');
      const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
      await modal.getByLabel('身份证号码').fill(bad);
      await modal.getByRole('button', { name: /保\s*存/ }).click();
      await modal.getByText(/身份证号码校验位错误/).waitFor();

      // the good ID fills sex and birth date; education changes too
      await modal.getByLabel('身份证号码').fill(good);
      await expect.poll(() => modal.getByLabel('出生日期').inputValue()).toBe('1968-09-10');
      await modal.getByLabel('务工月数').fill('9');
      await modal.getByRole('button', { name: /保\s*存/ }).click();
      await page.getByText('已保存：浏览器丁').waitFor();
      await modal.waitFor({ state: 'detached' });
      const masked = `${good.slice(0, 4)}**********${good.slice(14)}`;
      await page.getByText(masked).first().waitFor();
      await page.getByText('1968-09-10').first().waitFor();
      await page.getByText(/9个月/).first().waitFor();
      const saved = await call(page, 'GET', `/api/registry/households/${created.body.id}`);
      expect(saved.body.members[0]).toMatchObject({ idNumberMasked: masked, birthDate: '1968-09-10', workMonths: 9 });
    } finally {
      await clerk.context.close();
    }
  });
  it('shows a wrong ID check digit beside the field in 新建农户, and asks the former head’s relation in 户主变更 in its row', async () => {
    const clerk = await loggedIn('village_clerk');
    try {
      const { page, user } = clerk;
      await page.goto('/registry/households');
      await page.getByRole('button', { name: /新建农户/ }).click();
      const drawer = page.locator('.ant-drawer').filter({ hasText: '新建农户档案' });
      await drawer.waitFor();
      const good = idOf(61, '1968-04-05');
      await drawer.getByLabel('姓名').first().fill('校验甲');
      await drawer.getByLabel('身份证号码').first().fill(good.slice(0, 17) + (good[17] === '1' ? '2' : '1'));
      await drawer.getByRole('button', { name: /保\s*存/ }).click();
      await drawer.locator('.ant-form-item-explain-error').filter({ hasText: `身份证号码校验位错误，应为 ${good[17]}` }).waitFor();
      // what the data-quality rule 必填项缺失 counts as an error is required here, not flagged after saving
      await drawer.locator('.ant-form-item-explain-error').filter({ hasText: '请选择民族' }).first().waitFor();
      await drawer.locator('.ant-form-item-explain-error').filter({ hasText: '请填写收入年度' }).waitFor();
      // a school-age head (as the rule counts it) must say whether in school
      await drawer.getByLabel('身份证号码').first().fill(idOf(65, `${Number(day.slice(0, 4)) - 12}-01-15`));
      await drawer.getByRole('button', { name: /保\s*存/ }).click();
      await drawer.locator('.ant-form-item-explain-error').filter({ hasText: /请选择在校生状况（1[12] 岁须填写）/ }).waitFor();
      await page.getByRole('button', { name: /取\s*消/ }).click();

      const body = household(user.areaCode, idOf(63, '1966-01-02'), '户变甲');
      body.members.push({ ...body.members[0], name: '户变乙', idNumber: idOf(64, '1967-03-04'), relation: 'spouse' });
      const h = await call(page, 'POST', '/api/registry/households', body);
      expect(h.status).toBe(200);
      await page.goto(`/registry/households/${h.body.id}`);
      const modal = page.locator('.ant-modal').filter({ hasText: '动态调整：户变甲户' });
      const option = (text: string) => page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').filter({ hasText: text }).first();
      await page.getByRole('button', { name: /动态调整/ }).click();
      await modal.waitFor();
      await modal.getByLabel('变动类型').fill('户主变更');
      await option('户主变更').click();
      await modal.getByLabel('新户主', { exact: true }).click();
      await option('户变乙').click();
      await expect.poll(() => page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').count()).toBe(0);
      await modal.getByRole('button', { name: /保\s*存/ }).click();
      // before: the server's refusal came back as “请按提示修改标红的项目” with nothing marked red
      await modal.locator('.ant-form-item-explain-error').filter({ hasText: '请选择原户主户变甲与新户主的关系' }).waitFor();
      await modal.getByLabel('户变甲与新户主的关系').click();
      await option('配偶').click();
      await expect.poll(() => page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').count()).toBe(0);
      await modal.getByRole('button', { name: /保\s*存/ }).click();
      await modal.waitFor({ state: 'detached' });
      const after = await call(page, 'GET', `/api/registry/households/${h.body.id}`);
      expect(after.body.headName).toBe('户变乙');
      expect(after.body.members.find((m: { name: string }) => m.name === '户变甲')).toMatchObject({ relation: 'spouse' });
    } finally {
      await clerk.context.close();
    }
  });

  it('tells a county office without the import permission so in words, not by the permission code', async () => {
    const county = await loggedIn('county_office');
    try {
      await county.page.goto('/registry/import');
      await county.page.getByText('您的账号没有“导入农户档案”权限').waitFor();
      expect(await county.page.locator('body').innerText()).not.toContain('registry:');
    } finally {
      await county.context.close();
    }
  });

  it('records a marriage in with every member field, then merges another household found by name, asking each incoming member’s relation to the head', async () => {
    const clerk = await loggedIn('village_clerk');
    try {
      const { page, user } = clerk;
      const a = await call(page, 'POST', '/api/registry/households', household(user.areaCode, idOf(51, '1970-03-04'), '并户甲'));
      const b = await call(page, 'POST', '/api/registry/households', household(user.areaCode, idOf(53, '1972-06-07'), '并户乙'));
      expect([a.status, b.status]).toEqual([200, 200]);
      await page.goto(`/registry/households/${a.body.id}`);
      const modal = page.locator('.ant-modal').filter({ hasText: '动态调整：并户甲户' });
      const option = (text: string) => page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').filter({ hasText: text }).first();

      // a wife marries in: the member form has every member field, pension insurance and phone included
      await page.getByRole('button', { name: /动态调整/ }).click();
      await modal.waitFor();
      await modal.getByLabel('变动类型').fill('婚入');
      await option('婚入').click();
      await modal.getByLabel('姓名').fill('婚入丙');
      await modal.getByLabel('身份证号码').fill(idOf(55, '1973-08-09'));
      await modal.getByLabel('与户主关系').click();
      await option('配偶').click();
      for (const [label, value] of [['文化程度', '初中'], ['健康状况', '健康'], ['劳动技能', '普通劳动力']]) {
        await modal.getByLabel(label, { exact: true }).click();
        await option(value).click();
      }
      // 瑶族 is far down the 56 民族: typing finds it
      await modal.getByLabel('民族', { exact: true }).fill('瑶');
      await option('瑶族').click();
      await modal.getByLabel('参加养老保险').click();
      await option('是').click();
      await modal.getByLabel('成员电话').fill('13912345678');
      // no dropdown still closing over the form when 保存 is pressed
      await expect.poll(() => page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').count()).toBe(0);
      await modal.getByRole('button', { name: /保\s*存/ }).click();
      await page.getByText('已记录').first().waitFor();
      await modal.waitFor({ state: 'detached' });
      await page.getByRole('cell', { name: '婚入丙', exact: true }).first().waitFor();
      const married = await call(page, 'GET', `/api/registry/households/${a.body.id}`);
      expect(married.body.members.find((m: { name: string }) => m.name === '婚入丙')).toMatchObject({ relation: 'spouse', ethnicity: 'yao', pensionInsurance: true, phoneMasked: '139****5678' });

      await page.getByRole('button', { name: /动态调整/ }).click();
      await modal.waitFor();
      await modal.getByLabel('变动类型').fill('并户');
      await option('并户').click();
      // the other household is found by its head's name, not by an internal number
      await modal.getByLabel('被并户').fill('并户乙');
      await option(`并户乙户（`).click();
      await modal.getByText('并入的成员').waitFor();
      await modal.getByRole('button', { name: /保\s*存/ }).click();
      await modal.getByText('请选择并户乙与本户户主的关系').waitFor();
      await modal.getByLabel('并户乙与本户户主的关系').fill('兄弟');
      await option('兄弟姐妹').click();
      await expect.poll(() => page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').count()).toBe(0);
      await modal.getByRole('button', { name: /保\s*存/ }).click();
      await modal.waitFor({ state: 'detached' });
      await page.getByRole('cell', { name: '并户乙', exact: true }).first().waitFor();
      const merged = await call(page, 'GET', `/api/registry/households/${a.body.id}`);
      expect(merged.body.members.filter((m: { status: string }) => m.status === 'active').map((m: { name: string; relation: string }) => [m.name, m.relation]).sort()).toEqual([
        ['婚入丙', 'spouse'],
        ['并户乙', 'sibling'],
        ['并户甲', 'head'],
      ]);
      const gone = await call(page, 'GET', `/api/registry/households/${b.body.id}`);
      expect(gone.body.status).toBe('cancelled');
      // the merged household's page says how its member left, not only 已迁出
      await page.goto(`/registry/households/${b.body.id}`);
      await page.getByRole('cell', { name: '已迁出（并户）', exact: true }).waitFor();
    } finally {
      await clerk.context.close();
    }
  });
});
