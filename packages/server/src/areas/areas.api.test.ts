import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../test/harness';

let t: TestApp;
let admin: Client;
beforeAll(async () => {
  t = await startTestApp();
  admin = await t.admin();
});
afterAll(async () => {
  await t.close();
});

const auditCount = async () => Number((await t.db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('areas', () => {
  it('builds the tree province › city › county › township › village › group, deriving level, prefix and county', async () => {
    const steps = [
      { code: '450000', name: '广西壮族自治区' },
      { code: '451200', name: '河池市', parentCode: '450000' },
      { code: '451226', name: '环江毛南族自治县', parentCode: '451200' },
      { code: '451226101', name: '思恩镇', parentCode: '451226' },
      { code: '451226101201', name: '城西村', parentCode: '451226101' },
      { code: '451226101201001', name: '第一组' },
    ];
    for (const s of steps) {
      const r = await admin.post('/api/areas', s);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
    const g = await admin.get('/api/areas/451226101201001');
    expect(g.body).toMatchObject({ level: 'group', levelLabel: '组', prefix: '451226101201001', countyCode: '451226', parentCode: '451226101201', inScope: true });
    expect(g.body.path.map((p: { code: string }) => p.code)).toEqual(['450000', '451200', '451226', '451226101', '451226101201']);
    const p = await admin.get('/api/areas/450000');
    expect(p.body).toMatchObject({ level: 'province', prefix: '45', countyCode: null, hasChildren: true });
    const roots = await admin.get('/api/areas');
    expect(roots.body.items.map((i: { code: string }) => i.code)).toEqual(['450000']);
  });
});
