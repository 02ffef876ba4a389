import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addDays } from '@fupin/shared/date';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayInChinaString } from '../../jobs/time';
import { startTestApp, type Client, type TestApp } from '../../test/harness';
import { login, quickCadre, quickPairing, seedRegion, type Fixture } from '../test-fixtures';

let t: TestApp;
let f: Fixture;
let cadre1: Client;
let cadre3: Client;
let clerk: Client;
let stationA: Client;
let c1: number;
let c3: number;
const today = todayInChinaString();
const daysAgo = (n: number) => addDays(today, -n);

// Smallest valid-looking images: the server checks the magic bytes, not the pixels.
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(600, 7)]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100, 1)]);

async function upload(c: Client, clientId: string, q: { visitClientId: string; householdId: number }, body: Buffer, type = 'image/jpeg') {
  const r = await fetch(`${t.base}/api/visits/photos/${clientId}?visitClientId=${q.visitClientId}&householdId=${q.householdId}`, {
    method: 'PUT',
    headers: { cookie: c.cookie, 'x-csrf-token': c.csrf, 'content-type': type },
    body,
  });
  return { status: r.status, body: (await r.json()) as any };
}

let dataDir: string;
beforeAll(async () => {
  // Photos are files: keep this run's out of the repository's data directory.
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fupin-visits-'));
  process.env.FUPIN_DATA_DIR = dataDir;
  t = await startTestApp();
  f = await seedRegion(t);
  c1 = await quickCadre(t.db, { county: '341202', userId: f.users.cadre1, name: '张帮扶', unitOrgId: f.orgs.jt });
  c3 = await quickCadre(t.db, { county: '341202', userId: f.users.cadre3, name: '王帮扶', unitOrgId: f.orgs.wg });
  await quickPairing(t.db, { county: '341202', householdId: f.households.h1, cadreId: c1, start: daysAgo(100) });
  await quickPairing(t.db, { county: '341202', householdId: f.households.h2, cadreId: c1, start: daysAgo(30) });
  await quickPairing(t.db, { county: '341202', householdId: f.households.h4, cadreId: c3, start: daysAgo(100) });
  cadre1 = await login(t, 'cadre1');
  cadre3 = await login(t, 'cadre3');
  clerk = await login(t, 'clerk');
  stationA = await login(t, 'station_a');
});
afterAll(async () => {
  await t.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const visit = (over: Record<string, unknown> = {}) => ({
  clientId: randomUUID(),
  householdId: f.households.h1,
  visitDate: daysAgo(1),
  kind: 'home',
  checks: { food: true, clothing: true, schooling: true, medical: false, housing: true, water: true },
  incomeChange: 'same',
  problems: '户主慢性病，门诊报销不清楚',
  helpGiven: '讲解慢病门诊政策，联系村医',
  policiesExplained: '健康扶贫、先诊疗后付费',
  satisfaction: 'satisfied',
  gps: { lat: 33.64, lng: 116.98, accuracyM: 25 },
  ...over,
});

describe('recording a visit', () => {
  it('records a cadre’s visit to their own household, once per client id', async () => {
    const body = visit();
    const r = await cadre1.post('/api/visits', body);
    expect(r.status).toBe(200);
    expect(r.body.result.status).toBe('created');
    expect(r.body.visit).toMatchObject({
      headName: '赵一',
      cadreName: '张帮扶',
      unitName: '区交通运输局',
      kind: 'home',
      kindLabel: '入户走访',
      checks: { medical: false, food: true },
      satisfactionLabel: '满意',
      gps: { lat: 33.64, lng: 116.98, accuracyM: 25 },
      source: 'web',
    });
    const again = await cadre1.post('/api/visits', body);
    expect(again.body.result).toMatchObject({ status: 'duplicate', visitId: r.body.visit.id });
    const n = await t.db.selectFrom('visit').select((eb) => eb.fn.countAll<number>().as('n')).where('client_id', '=', body.clientId).executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(1);
    const log = await t.db.selectFrom('audit_log').select('summary').where('entity', '=', 'visit').executeTakeFirstOrThrow();
    expect(log.summary).toMatch(/登记走访：赵一.*入户走访，帮扶干部 张帮扶/);
  });

  it('refuses households not paired to the cadre (404), dates before the pairing, and future dates', async () => {
    const other = await cadre1.post('/api/visits', visit({ householdId: f.households.h4 }));
    expect(other.status).toBe(404);
    const before = await cadre1.post('/api/visits', visit({ householdId: f.households.h2, visitDate: daysAgo(40) }));
    expect(before.status).toBe(400);
    expect(before.body.error.code).toBe('E4202');
    const future = await cadre1.post('/api/visits', visit({ visitDate: addDays(today, 1) }));
    expect(future.status).toBe(400);
    expect(future.body.error.code).toBe('E4201');
    const notOwn = await cadre1.post('/api/visits', visit({ cadreId: c3 }));
    expect(notOwn.status).toBe(403);
    const bad = await cadre1.post('/api/visits', visit({ kind: 'letter', clientId: 'not-a-uuid' }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/走访方式/);
    expect(bad.body.error.message).toMatch(/UUID/);
  });

  it('lets the village clerk record for a household of the village on behalf of its cadre, not elsewhere', async () => {
    const r = await clerk.post('/api/visits', visit({ householdId: f.households.h2, kind: 'phone', problems: null }));
    expect(r.status).toBe(200);
    expect(r.body.visit.cadreName).toBe('张帮扶');
    const out = await clerk.post('/api/visits', visit({ householdId: f.households.h4 }));
    expect(out.status).toBe(404);
    const unpaired = await clerk.post('/api/visits', visit({ householdId: f.households.h2, visitDate: daysAgo(60) }));
    expect(unpaired.body.error.code).toBe('E4202');
    expect(unpaired.body.error.message).toMatch(/没有帮扶责任人/);
  });

  it('shows visits to the cadre, their unit and the township, but not to other cadres or townships', async () => {
    const own = await cadre1.get('/api/visits');
    expect(own.body.total).toBe(2);
    expect((await cadre3.get('/api/visits')).body.total).toBe(0);
    const id = own.body.items[0].id;
    expect((await cadre3.get(`/api/visits/${id}`)).status).toBe(404);
    const unit = await login(t, 'unit_jt');
    expect((await unit.get('/api/visits')).body.total).toBe(2);
    expect((await stationA.get('/api/visits?withProblems=true')).body.total).toBe(1);
    const stationB = await login(t, 'station_b');
    expect((await stationB.get('/api/visits')).body.total).toBe(0);
    expect((await stationB.get(`/api/visits/${id}`)).status).toBe(404);
  });

  it('never overwrites an edit made meanwhile: a stale version gets 409 with the current record', async () => {
    const created = (await cadre1.post('/api/visits', visit())).body.visit;
    const first = await cadre1.patch(`/api/visits/${created.id}`, { version: created.version, helpGiven: '已联系村医上门' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ helpGiven: '已联系村医上门', version: created.version + 1 });
    const stale = await clerk.patch(`/api/visits/${created.id}`, { version: created.version, helpGiven: '另一个版本' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('E1010');
    expect(stale.body.error.details.current.helpGiven).toBe('已联系村医上门');
    expect((await cadre3.patch(`/api/visits/${created.id}`, { version: 2, helpGiven: 'x' })).status).toBe(404);
  });
});

describe('household changes found on a visit', () => {
  it('applies a new phone number when the household is unchanged, and refuses it on a stale copy', async () => {
    const hh = await t.db.selectFrom('household').select(['version', 'phone']).where('id', '=', f.households.h1).executeTakeFirstOrThrow();
    const ok = await cadre1.post('/api/visits', visit({ householdVersion: hh.version, householdChanges: { phone: '13700001234' } }));
    expect(ok.body.result.status).toBe('created');
    expect(ok.body.visit.changesStatus).toBe('applied');
    const after = await t.db.selectFrom('household').select(['version', 'phone']).where('id', '=', f.households.h1).executeTakeFirstOrThrow();
    expect(after).toEqual({ version: hh.version + 1, phone: '13700001234' });

    const stale = await cadre1.post('/api/visits', visit({ householdVersion: hh.version, householdChanges: { phone: '13700009999' } }));
    expect(stale.body.result.status).toBe('conflict');
    expect(stale.body.result.household).toMatchObject({ version: hh.version + 1, phone: '13700001234' });
    expect(stale.body.visit).toMatchObject({ householdConflict: true, changesStatus: 'conflict' });
    const still = await t.db.selectFrom('household').select(['phone']).where('id', '=', f.households.h1).executeTakeFirstOrThrow();
    expect(still.phone).toBe('13700001234');
  });
});

describe('photos', () => {
  it('accepts a photo before its visit (out of order), attaches it when the visit arrives, and serves it only within scope', async () => {
    const v = visit();
    const photoId = randomUUID();
    const up = await upload(cadre1, photoId, { visitClientId: v.clientId, householdId: f.households.h1 }, JPEG);
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ mime: 'image/jpeg', sizeBytes: JPEG.length, duplicate: false });
    const again = await upload(cadre1, photoId, { visitClientId: v.clientId, householdId: f.households.h1 }, JPEG);
    expect(again.body).toMatchObject({ id: up.body.id, duplicate: true });

    const rec = await cadre1.post('/api/visits', v);
    expect(rec.body.visit.photos).toEqual([expect.objectContaining({ id: up.body.id, url: `/api/visits/photos/${up.body.id}` })]);

    const get = await fetch(`${t.base}/api/visits/photos/${up.body.id}`, { headers: { cookie: cadre1.cookie } });
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await get.arrayBuffer()).equals(JPEG)).toBe(true);
    expect(fs.existsSync(path.join(dataDir, 'uploads', 'visits', '341202', photoId.slice(0, 2), `${photoId}.jpg`))).toBe(true);
    const denied = await fetch(`${t.base}/api/visits/photos/${up.body.id}`, { headers: { cookie: cadre3.cookie } });
    expect(denied.status).toBe(404);
    const unit = await login(t, 'unit_jt');
    expect((await fetch(`${t.base}/api/visits/photos/${up.body.id}`, { headers: { cookie: unit.cookie } })).status).toBe(200);
  });

  it('refuses wrong types, disguised files, oversize photos and households of others', async () => {
    const q = { visitClientId: randomUUID(), householdId: f.households.h1 };
    const text = await upload(cadre1, randomUUID(), q, Buffer.from('hello'), 'text/plain');
    expect(text.status).toBe(415);
    const disguised = await upload(cadre1, randomUUID(), q, PNG, 'image/jpeg');
    expect(disguised.status).toBe(415);
    expect(disguised.body.error.code).toBe('E4210');
    const big = await upload(cadre1, randomUUID(), q, Buffer.concat([JPEG, Buffer.alloc(3 * 1024 * 1024)]));
    expect(big.status).toBe(413);
    const foreign = await upload(cadre3, randomUUID(), q, JPEG);
    expect(foreign.status).toBe(404);
  });
});

describe('follow-up tasks (问题整改)', () => {
  it('turns a problem into a task with owner and deadline, closes it with evidence once', async () => {
    const v = (await cadre1.post('/api/visits', visit())).body.visit;
    const past = await stationA.post('/api/visits/tasks', { householdId: f.households.h1, visitId: v.id, problem: '慢病证未办理', category: 'medical', deadline: daysAgo(1) });
    expect(past.body.error.code).toBe('E4220');
    const task = await stationA.post('/api/visits/tasks', { householdId: f.households.h1, visitId: v.id, problem: '慢病证未办理', category: 'medical', deadline: addDays(today, 10) });
    expect(task.status).toBe(200);
    expect(task.body).toMatchObject({ ownerCadreName: '张帮扶', categoryLabel: '基本医疗', status: 'open', overdue: false, daysLeft: 10 });
    const mine = await cadre1.get('/api/visits/tasks?status=open');
    expect(mine.body.items.map((x: { id: number }) => x.id)).toContain(task.body.id);
    expect((await cadre3.get('/api/visits/tasks')).body.total).toBe(0);
    const noEvidence = await cadre1.post(`/api/visits/tasks/${task.body.id}/close`, { version: task.body.version, evidence: '' });
    expect(noEvidence.status).toBe(400);
    expect(noEvidence.body.error.message).toMatch(/整改佐证/);
    const closed = await cadre1.post(`/api/visits/tasks/${task.body.id}/close`, { version: task.body.version, evidence: '已办理慢病证，见走访记录', evidenceVisitId: v.id });
    expect(closed.body).toMatchObject({ status: 'closed', evidenceVisitId: v.id, overdue: false, daysLeft: null });
    const twice = await cadre1.post(`/api/visits/tasks/${task.body.id}/close`, { version: closed.body.version, evidence: '再次' });
    expect(twice.body.error.code).toBe('E4221');
  });

  it('lets a cadre assign a task only to themselves', async () => {
    const r = await cadre1.post('/api/visits/tasks', { householdId: f.households.h1, problem: '危房', category: 'housing', ownerCadreId: c3, deadline: addDays(today, 5) });
    expect(r.status).toBe(403);
    const ok = await cadre1.post('/api/visits/tasks', { householdId: f.households.h1, problem: '危房', category: 'housing', deadline: addDays(today, 5) });
    expect(ok.body.ownerCadreName).toBe('张帮扶');
  });
});

describe('the household page (一户一档)', () => {
  it('carries the 结对帮扶 section: responsible cadre, this month, last visits, open tasks', async () => {
    const r = await stationA.get(`/api/registry/households/${f.households.h1}/page`);
    expect(r.status).toBe(200);
    const s = r.body.sections.visits;
    expect(s.title).toBe('结对帮扶与走访');
    expect(s.error).toBeUndefined();
    expect(s.data.pairings[0]).toMatchObject({ cadreName: '张帮扶', endDate: null });
    expect(s.data.recentVisits.length).toBeGreaterThan(0);
    expect(s.data.recentVisits.length).toBeLessThanOrEqual(5);
    expect(s.data.month).toMatchObject({ required: expect.any(Number), outcomeLabel: expect.any(String) });
    expect(s.data.openTasks.map((x: { problem: string }) => x.problem)).toContain('危房');
  });
});
