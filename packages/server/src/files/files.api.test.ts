import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, todayInChina } from '@fupin/shared';
import { as, certified, seedCounty, setupYear, WEST_V1 } from '../loans/test-fixtures';
import { householdBody, ok, seedRegistryWorld, type RegistryWorld } from '../registry/test-fixtures';
import { startTestApp, type Client, type TestApp } from '../test/harness';

let t: TestApp;
let w: RegistryWorld;
beforeAll(async () => {
  t = await startTestApp();
  await seedCounty(t);
  await setupYear(t);
  w = await seedRegistryWorld(t);
});
afterAll(async () => {
  await t.close();
});

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);

/** The upload body is the file itself (not JSON), so this goes around Client.req. */
async function upload(c: Client, ownerKind: string, ownerId: number, fileName: string, body: Buffer, type = 'application/octet-stream') {
  const qs = new URLSearchParams({ ownerKind, ownerId: String(ownerId), fileName });
  const r = await fetch(`${t.base}/api/files?${qs}`, { method: 'POST', headers: { cookie: c.cookie, 'x-csrf-token': c.csrf, 'content-type': type }, body });
  return { status: r.status, body: (await r.json()) as any };
}
async function download(c: Client, id: number) {
  const r = await fetch(`${t.base}/api/files/${id}/download`, { headers: { cookie: c.cookie } });
  return { status: r.status, headers: r.headers, bytes: Buffer.from(await r.arrayBuffer()) };
}
async function newApplication(user = 'cun1', village?: string) {
  const h = await certified(t, village ? { village } : {});
  const r = await (await as(t, user)).post('/api/loans/applications', {
    householdId: h.householdId,
    projectName: '养殖肉牛 5 头',
    industry: 'livestock',
    production: true,
    amountFen: 1_000_000,
    termMonths: 12,
    purpose: '购买架子牛和饲料',
  });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as { id: number; version: number };
}
const auditOf = (id: number) =>
  t.db.selectFrom('audit_log').select(['action', 'username', 'summary']).where('entity', '=', 'attachment').where('entity_id', '=', String(id)).orderBy('at').orderBy('seq').execute();

describe('attachments of a loan application', () => {
  it('uploads a Chinese-named PDF, lists it, downloads it with an RFC 5987 name; every step is logged', async () => {
    const app = await newApplication();
    const cun1 = await as(t, 'cun1');
    const up = await upload(cun1, 'loan_application', app.id, '贷款申请书（签字版）.pdf', PDF, 'application/pdf');
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    expect(up.body).toMatchObject({ fileName: '贷款申请书（签字版）.pdf', mime: 'application/pdf', sizeBytes: PDF.length, removed: false });
    expect(up.body.sha256).toMatch(/^[0-9a-f]{64}$/);

    const list = await cun1.get(`/api/files?ownerKind=loan_application&ownerId=${app.id}`);
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ canEdit: true, maxBytes: 10 * 1024 * 1024, allowedTypes: ['pdf', 'jpeg', 'png', 'webp', 'xlsx', 'docx'] });
    expect(list.body.items.map((i: { id: number }) => i.id)).toEqual([up.body.id]);

    // the township station reviewing it sees it too
    const d = await download(await as(t, 'zhan1'), up.body.id);
    expect(d.status).toBe(200);
    expect(d.bytes.equals(PDF)).toBe(true);
    expect(d.headers.get('content-type')).toBe('application/pdf');
    expect(d.headers.get('content-disposition')).toBe(
      `attachment; filename="__________.pdf"; filename*=UTF-8''${encodeURIComponent('贷款申请书（签字版）.pdf')}`,
    );
    const audit = await auditOf(up.body.id);
    expect(audit.map((a) => [a.action, a.username])).toEqual([
      ['upload', 'cun1'],
      ['download', 'zhan1'],
    ]);
    expect(audit[0].summary).toContain('贷款申请书（签字版）.pdf');
  });

  it('refuses other types by content and by extension, with a Chinese message', async () => {
    const app = await newApplication();
    const cun1 = await as(t, 'cun1');
    const exe = await upload(cun1, 'loan_application', app.id, '申请书.pdf', Buffer.from('MZ\x90\x00 not a pdf'));
    expect(exe.status).toBe(415);
    expect(exe.body.error.code).toBe('E1703');
    expect(exe.body.error.message).toMatch(/^附件类型：只接受 PDF、JPG、PNG、WEBP、XLSX、DOCX 文件/);
    const renamed = await upload(cun1, 'loan_application', app.id, '照片.pdf', PNG);
    expect(renamed.status).toBe(415);
    expect(renamed.body.error.message).toBe('附件类型：「照片.pdf」的扩展名与内容（PNG 图片）不一致');
    const txt = await upload(cun1, 'loan_application', app.id, '说明.txt', Buffer.from('说明'));
    expect(txt.status).toBe(415);
    expect(txt.body.error.message).toContain('扩展名不符');
    const empty = await upload(cun1, 'loan_application', app.id, '空.pdf', Buffer.alloc(0));
    expect(empty.status).toBe(400);
    expect((await cun1.get(`/api/files?ownerKind=loan_application&ownerId=${app.id}`)).body.items).toEqual([]);
  });

  it('refuses a file over the size parameter (413) and keeps nothing of it', async () => {
    const app = await newApplication();
    const admin = await t.admin();
    expect((await admin.patch('/api/params/files.maxBytes', { value: 4096 })).status).toBe(200);
    try {
      const big = await upload(await as(t, 'cun1'), 'loan_application', app.id, '大文件.pdf', Buffer.concat([PDF, Buffer.alloc(20_000, 32)]));
      expect(big.status).toBe(413);
      expect(big.body.error).toMatchObject({ code: 'E1702', message: '附件大小：不能超过 4 KB' });
      const fits = await upload(await as(t, 'cun1'), 'loan_application', app.id, '小文件.pdf', PDF);
      expect(fits.status).toBe(200);
    } finally {
      expect((await admin.patch('/api/params/files.maxBytes', { value: 10 * 1024 * 1024 })).status).toBe(200);
    }
    const bad = await admin.patch('/api/params/files.allowedTypes', { value: ['pdf', 'exe'] });
    expect(bad.status).toBe(400);
  });

  it('answers 404 to a user who cannot see the application: list, upload, download, remove', async () => {
    const app = await newApplication();
    const cun1 = await as(t, 'cun1');
    const up = await upload(cun1, 'loan_application', app.id, '户口本.jpg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
    expect(up.status).toBe(200);
    for (const user of ['cun2', 'xys2', 'zhan2']) {
      const c = await as(t, user);
      expect((await c.get(`/api/files?ownerKind=loan_application&ownerId=${app.id}`)).status, user).toBe(404);
      expect((await download(c, up.body.id)).status, user).toBe(404);
      expect((await c.delete(`/api/files/${up.body.id}`)).status, user).toBe(404);
      expect((await upload(c, 'loan_application', app.id, '冒充.pdf', PDF)).status, user).toBe(404);
    }
    // a user who sees it but does not act on applications may read, not remove
    const czs1 = await as(t, 'czs1');
    expect((await download(czs1, up.body.id)).status).toBe(200);
    expect((await czs1.delete(`/api/files/${up.body.id}`)).status).toBe(403);
    expect((await cun1.get(`/api/files?ownerKind=loan_application&ownerId=${app.id}`)).body.items).toHaveLength(1);
  });

  it('a removal is a flag with who and when: the row, the file record and the audit stay', async () => {
    const app = await newApplication();
    const cun1 = await as(t, 'cun1');
    const up = await upload(cun1, 'loan_application', app.id, '错传的文件.pdf', PDF);
    const rm = await cun1.delete(`/api/files/${up.body.id}`);
    expect(rm.status).toBe(200);
    expect(rm.body).toMatchObject({ removed: true, removedByName: expect.any(String) });
    expect(rm.body.removedAt).toBeTruthy();
    expect((await cun1.delete(`/api/files/${up.body.id}`)).body.error.code).toBe('E1705');
    expect((await cun1.get(`/api/files?ownerKind=loan_application&ownerId=${app.id}`)).body.items).toEqual([]);
    const all = await cun1.get(`/api/files?ownerKind=loan_application&ownerId=${app.id}&includeRemoved=true`);
    expect(all.body.items).toHaveLength(1);
    expect(all.body.items[0]).toMatchObject({ id: up.body.id, removed: true });
    expect((await download(cun1, up.body.id)).status).toBe(404);
    expect((await auditOf(up.body.id)).map((a) => a.action)).toEqual(['upload', 'remove']);
    // the table itself refuses erasing or rewriting evidence
    await expect(t.db.deleteFrom('attachment').where('id', '=', up.body.id).execute()).rejects.toThrow(/不能删除/);
    await expect(t.db.updateTable('attachment').set({ file_name: 'x.pdf' }).where('id', '=', up.body.id).execute()).rejects.toThrow(/不能修改/);
  });

  it('a resubmission names uploaded files by id; an id of another application or a removed one is refused', async () => {
    const app = await newApplication();
    const other = await newApplication();
    const cun1 = await as(t, 'cun1');
    const mine = (await upload(cun1, 'loan_application', app.id, '场地租赁合同.pdf', PDF)).body;
    const theirs = (await upload(cun1, 'loan_application', other.id, '别户的合同.pdf', PDF)).body;
    const v = (await cun1.post(`/api/loans/applications/${app.id}/village-review`, { version: app.version, decision: 'approve' })).body;
    const ret = await (await as(t, 'zhan1')).post(`/api/loans/applications/${app.id}/station-review`, { version: v.version, decision: 'return', opinion: '请补充场地证明' });
    expect(ret.status).toBe(200);
    const wrong = await cun1.post(`/api/loans/applications/${app.id}/resubmit`, {
      version: ret.body.version,
      note: '已补充',
      attachments: [{ name: '别户的合同.pdf', attachmentId: theirs.id }],
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({ code: 'E1704' });
    expect(wrong.body.error.message).toContain(String(theirs.id));
    const gone = (await upload(cun1, 'loan_application', app.id, '作废的合同.pdf', PDF)).body;
    expect((await cun1.delete(`/api/files/${gone.id}`)).status).toBe(200);
    const removed = await cun1.post(`/api/loans/applications/${app.id}/resubmit`, {
      version: ret.body.version,
      note: '已补充',
      attachments: [{ name: '作废的合同.pdf', attachmentId: gone.id }],
    });
    expect(removed.status).toBe(400);
    expect(removed.body.error.code).toBe('E1704');
    const good = await cun1.post(`/api/loans/applications/${app.id}/resubmit`, {
      version: ret.body.version,
      note: '已补充',
      attachments: [{ name: '场地租赁合同.pdf', attachmentId: mine.id }],
    });
    expect(good.status, JSON.stringify(good.body)).toBe(200);
    expect(good.body.attachments).toEqual([{ name: '场地租赁合同.pdf', attachmentId: mine.id }]);
    // a new application cannot name files yet: they are uploaded once it exists
    const h = await certified(t);
    const early = await cun1.post('/api/loans/applications', {
      householdId: h.householdId,
      projectName: '种植',
      industry: 'livestock',
      production: true,
      amountFen: 500_000,
      termMonths: 12,
      purpose: '购买种苗',
      attachments: [{ name: 'x.pdf', attachmentId: mine.id }],
    });
    expect(early.status).toBe(400);
    expect(early.body.error.code).toBe('E1704');
  });

  it('a decided application takes no more files (409)', async () => {
    const app = await newApplication('cun3', WEST_V1);
    const cun3 = await as(t, 'cun3');
    expect((await cun3.post(`/api/loans/applications/${app.id}/withdraw`, { version: app.version, reason: '农户不再需要' })).status).toBe(200);
    const r = await upload(cun3, 'loan_application', app.id, '迟到的材料.pdf', PDF);
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: 'E1701', message: '贷款申请已办结，不能再增减附件' });
    expect((await cun3.get(`/api/files?ownerKind=loan_application&ownerId=${app.id}`)).body.canEdit).toBe(false);
  });
});

describe('evidence of a registry workflow step', () => {
  it('a step names the workflow’s uploaded files; another village gets 404; a file of another workflow is refused', async () => {
    const ago = (n: number) => addDays(todayInChina(), -n);
    const h1 = await ok(w.clerkA.post('/api/registry/households', householdBody()));
    const h2 = await ok(w.clerkA.post('/api/registry/households', householdBody()));
    const wf = await ok(w.clerkA.post('/api/registry/workflows', { householdId: h1.id, kind: 'identification', date: ago(10) }));
    const wf2 = await ok(w.clerkA.post('/api/registry/workflows', { householdId: h2.id, kind: 'identification', date: ago(10) }));
    const minutes = await upload(w.clerkA, 'registry_workflow', wf.id, '民主评议会议记录.pdf', PDF);
    expect(minutes.status, JSON.stringify(minutes.body)).toBe(200);
    const foreign = (await upload(w.clerkA, 'registry_workflow', wf2.id, '他户材料.pdf', PDF)).body;

    expect((await w.clerkB.get(`/api/files?ownerKind=registry_workflow&ownerId=${wf.id}`)).status).toBe(404);
    expect((await download(w.clerkB, minutes.body.id)).status).toBe(404);
    expect((await download(w.county, minutes.body.id)).status).toBe(200);

    const body = (attachmentId: number) => ({ version: wf.version, decision: 'pass', date: ago(5), evidence: [{ name: '民主评议会议记录.pdf', attachmentId }] });
    const refused = await w.clerkA.post(`/api/registry/workflows/${wf.id}/appraise`, body(foreign.id));
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('E1704');
    const done = await ok(w.clerkA.post(`/api/registry/workflows/${wf.id}/appraise`, body(minutes.body.id)));
    const step = done.steps.find((s: { step: string }) => s.step === 'appraise');
    expect(step.evidence).toEqual([{ name: '民主评议会议记录.pdf', attachmentId: minutes.body.id }]);
  });
});
