import ExcelJS from 'exceljs';
import { Client } from 'pg';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { todayInChina } from '@fupin/shared';
import { addDays } from '@fupin/shared/date';
import { call, demoUser, launch, login, newPage } from './browser';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('历史贷款导入', () => {
  it('the coop downloads the template link, imports a file on 贷款台账 and sees the counts and the error workbook link', async () => {
    const coop = demoUser('coop');
    const pg = new Client({ connectionString: inject('databaseUrl') });
    await pg.connect();
    let person: { name: string; id_number: string };
    try {
      const r = await pg.query(
        `SELECT p.name, p.id_number FROM person p JOIN household h ON h.county_code = p.county_code AND h.id = p.household_id
         WHERE h.area_code LIKE $1 AND p.status = 'active' AND p.id_kind = 'resident' ORDER BY p.id LIMIT 1`,
        [`${coop.areaCode}%`],
      );
      person = r.rows[0];
    } finally {
      await pg.end();
    }
    expect(person).toBeTruthy();
    const contract = `LS-BR-${Date.now()}`;
    const start = addDays(todayInChina(), -60);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('历史贷款');
    ws.addRow(['借款人姓名', '身份证号', '贷款金额（元）', '年利率', '发放日期', '到期日期', '已还本金（元）', '结清日期', '最近还款日期', '贷款用途/产业', '是否生产性', '合同号']);
    ws.addRow([person.name, person.id_number, '10000', '4.35%', start, addDays(start, 365), null, null, null, '畜牧', '是', contract]);
    ws.addRow([person.name, person.id_number, '10000.001', '4.35%', start, addDays(start, 365), null, null, null, '畜牧', '是', `${contract}-2`]);
    const file = Buffer.from(await wb.xlsx.writeBuffer());

    const { context, page } = await newPage(browser);
    try {
      await login(page, coop.username, coop.password);
      await page.goto('/loans/loans');
      await page.getByRole('button', { name: '导入历史贷款' }).click();
      const modal = page.locator('.ant-modal');
      await modal.getByText('下载导入模板').waitFor({ timeout: 30_000 });
      await modal.locator('input[type=file]').setInputFiles({ name: '历史贷款.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: file });
      const result = page.getByTestId('loan-import-result');
      await result.waitFor({ timeout: 30_000 });
      await result.getByText('1 行未导入').waitFor({ timeout: 10_000 });
      const link = result.getByRole('link', { name: /下载错误行文件/ });
      await link.waitFor();
      const href = await link.getAttribute('href');
      expect(href).toMatch(/^\/api\/loans\/imports\/\d+\/errors\.xlsx$/);
      const loans = await call(page, 'GET', `/api/loans/loans?keyword=${encodeURIComponent(contract)}`);
      expect(loans.body.items).toEqual([expect.objectContaining({ contractNo: contract, origin: 'imported', subsidyStatus: 'not_applicable' })]);
    } finally {
      await context.close();
    }
  });
});
