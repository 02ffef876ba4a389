import type { Client, TestApp } from './harness';

/**
 * A small region for system-management tests: one county with two townships (A 思恩镇, B 洛阳镇),
 * a village in each, and the orgs of a village committee (A) and a township station (B).
 * Everything goes through the API as admin, so the fixtures exercise the same code as users do.
 */
export const REGION = {
  province: '450000',
  city: '451200',
  county: '451226',
  townA: '451226101',
  townB: '451226102',
  villageA: '451226101201',
  villageB: '451226102201',
  groupA: '451226101201001',
} as const;

async function ok(p: Promise<{ status: number; body: any }>, what: string) {
  const r = await p;
  if (r.status !== 200) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function seedRegion(admin: Client) {
  const areas = [
    { code: REGION.province, name: '广西壮族自治区' },
    { code: REGION.city, name: '河池市' },
    { code: REGION.county, name: '环江毛南族自治县' },
    { code: REGION.townA, name: '思恩镇' },
    { code: REGION.townB, name: '洛阳镇' },
    { code: REGION.villageA, name: '城西村' },
    { code: REGION.villageB, name: '永安村' },
    { code: REGION.groupA, name: '第一组' },
  ];
  for (const a of areas) await ok(admin.post('/api/areas', a), `area ${a.code}`);
  const committeeA = await ok(admin.post('/api/orgs', { name: '城西村村委会', kind: 'village_committee', areaCode: REGION.villageA }), 'org A');
  const stationB = await ok(admin.post('/api/orgs', { name: '洛阳镇扶贫工作站', kind: 'station', areaCode: REGION.townB }), 'org B');
  return { committeeA: committeeA.id as number, stationB: stationB.id as number };
}

/** Logs a freshly created user in and replaces the initial password, as the first login demands. */
export async function firstLogin(t: TestApp, username: string, initialPassword: string): Promise<Client> {
  const c = t.client();
  await c.login(username, initialPassword);
  const newPassword = `Fresh#${initialPassword.slice(0, 6)}9x`;
  const r = await c.post('/api/auth/password', { oldPassword: initialPassword, newPassword });
  if (r.status !== 200) throw new Error(`password change for ${username}: ${r.status} ${JSON.stringify(r.body)}`);
  return c;
}

export async function createUser(t: TestApp, admin: Client, body: Record<string, unknown>): Promise<{ id: number; client: Client }> {
  const r = await ok(admin.post('/api/users', body), `user ${String(body.username)}`);
  return { id: r.user.id, client: await firstLogin(t, String(body.username), r.initialPassword) };
}
