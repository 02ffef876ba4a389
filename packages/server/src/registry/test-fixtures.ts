import { makeIdNumber } from '@fupin/shared';
import type { Client, TestApp } from '../test/harness';
import { createUser, REGION, seedRegion } from '../test/system-fixtures';

export { REGION };

/**
 * The system fixtures' region (county 451226; township A 思恩镇 with village A 城西村 and its group
 * 第一组; township B 洛阳镇 with village B 永安村) plus a second village in township A and the
 * registry's users: a village clerk of each village, the township-A station, the county office.
 */
export const VILLAGE_A2 = '451226101202';

export type RegistryWorld = {
  admin: Client;
  clerkA: Client;
  clerkB: Client;
  stationA: Client;
  county: Client;
};

export async function seedRegistryWorld(t: TestApp): Promise<RegistryWorld> {
  const admin = await t.admin();
  await seedRegion(admin);
  const r = await admin.post('/api/areas', { code: VILLAGE_A2, name: '东风村' });
  if (r.status !== 200) throw new Error(`area: ${JSON.stringify(r.body)}`);
  const user = async (username: string, name: string, areaCode: string, roleCodes: string[]) =>
    (await createUser(t, admin, { username, name, areaCode, dataScope: 'area_below', roleCodes })).client;
  return {
    admin,
    clerkA: await user('clerk_a', '城西村专干', REGION.villageA, ['village_clerk']),
    clerkB: await user('clerk_b', '永安村专干', REGION.villageB, ['village_clerk']),
    stationA: await user('station_a', '思恩镇工作站', REGION.townA, ['station']),
    county: await user('county_office', '县扶贫办', REGION.county, ['county_office']),
  };
}

let seq = 0;
/** A fresh valid resident ID (unique within a test file); odd sequence digits are men. */
export function newId(birth = '1975-03-04', female = false): string {
  seq = (seq + 1) % 499;
  return makeIdNumber('451226', birth, seq * 2 + (female ? 0 : 1));
}

export function member(over: Record<string, unknown> = {}) {
  return {
    name: '韦国强',
    idNumber: newId(),
    relation: 'head',
    ethnicity: 'zhuang',
    education: 'junior',
    schooling: 'not_in_school',
    health: 'healthy',
    labour: 'ordinary',
    workStatus: 'county',
    workMonths: 8,
    medicalInsurance: true,
    pensionInsurance: true,
    ...over,
  };
}

/** A complete household of two (head and wife) in village A, clean for every quality rule. */
export function householdBody(over: Record<string, unknown> = {}) {
  return {
    areaCode: REGION.villageA,
    address: '城西村第一组 12 号',
    phone: '13807781234',
    bankName: '环江农村信用社',
    bankAccount: '6228480012345678901',
    category: 'general',
    identificationStandard: 'national',
    identificationYear: 2016,
    mainCause: 'illness',
    secondaryCauses: ['no_capital'],
    housingSafety: 'B',
    waterSafe: true,
    electricity: true,
    foodClothingSecured: true,
    educationSecured: true,
    medicalSecured: true,
    incomeYear: 2025,
    incomeWagesFen: 1_200_000,
    incomeBusinessFen: 300_000,
    incomeTransferFen: 100_000,
    incomePropertyFen: 0,
    members: [
      member(),
      member({ name: '蓝秀英', idNumber: newId('1977-06-08', true), relation: 'spouse', workStatus: 'none', workMonths: 0, labour: 'ordinary' }),
    ],
    ...over,
  };
}

export async function ok<T = any>(p: Promise<{ status: number; body: T }>, what = 'request'): Promise<T> {
  const r = await p;
  if (r.status !== 200) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Uploads a file to the registry import and waits for its verdict (the import's own API). */
export async function uploadImport(t: TestApp, c: Client, name: string, body: Buffer | string, type = 'application/octet-stream') {
  const r = await fetch(`${t.base}/api/registry/imports?filename=${encodeURIComponent(name)}&wait=true`, {
    method: 'POST',
    headers: { cookie: c.cookie, 'x-csrf-token': c.csrf, 'content-type': type },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  return { status: r.status, body: (await r.json()) as any };
}

/** GB18030 bytes for a string (Node decodes GBK but has no encoder; build the table once). */
let gbTable: Map<string, number[]> | null = null;
export function encodeGb18030(s: string): Buffer {
  if (!gbTable) {
    gbTable = new Map();
    const dec = new TextDecoder('gb18030');
    for (let b1 = 0x81; b1 <= 0xfe; b1++)
      for (let b2 = 0x40; b2 <= 0xfe; b2++) {
        if (b2 === 0x7f) continue;
        const ch = dec.decode(new Uint8Array([b1, b2]));
        if (ch.length === 1 && ch !== '\uFFFD' && !gbTable.has(ch)) gbTable.set(ch, [b1, b2]);
      }
  }
  const out: number[] = [];
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) out.push(code);
    else {
      const b = gbTable.get(ch);
      if (!b) throw new Error(`no GB18030 code for ${ch}`);
      out.push(...b);
    }
  }
  return Buffer.from(out);
}
