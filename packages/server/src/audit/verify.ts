import type { Db } from '../db/db';
import { GENESIS_HASH, rowHash } from './hash';

export type VerifyResult =
  | { ok: true; chains: number; rows: number }
  | { ok: false; chains: number; rows: number; broken: { countyCode: string; seq: number; id: number; reason: string } };

/** Recomputes every chain; names the first row whose hash or link does not hold. */
export async function verifyAuditChain(db: Db): Promise<VerifyResult> {
  const chains = await db.selectFrom('audit_log').select('county_code').distinct().orderBy('county_code').execute();
  let rows = 0;
  for (const { county_code } of chains) {
    let prev = GENESIS_HASH;
    let expectSeq = 1;
    let lastId = 0;
    // Streamed in pages of 5,000 so a large log never sits in memory.
    for (;;) {
      const page = await db
        .selectFrom('audit_log')
        .selectAll()
        .where('county_code', '=', county_code)
        .where('seq', '>=', expectSeq)
        .orderBy('seq')
        .limit(5000)
        .execute();
      if (!page.length) break;
      for (const r of page) {
        rows++;
        const fail = (reason: string) => ({
          ok: false as const,
          chains: chains.length,
          rows,
          broken: { countyCode: county_code, seq: r.seq, id: r.id, reason },
        });
        if (r.seq !== expectSeq) return fail(`序号不连续：应为 ${expectSeq}，实为 ${r.seq}（有记录被删除）`);
        if (r.prev_hash !== prev) return fail('前序哈希不符（链条被改动）');
        const h = rowHash(prev, {
          county_code: r.county_code,
          seq: r.seq,
          at: new Date(r.at).toISOString(),
          user_id: r.user_id,
          username: r.username,
          ip: r.ip,
          module: r.module,
          action: r.action,
          entity: r.entity,
          entity_id: r.entity_id,
          area_code: r.area_code,
          summary: r.summary,
          before: r.before,
          after: r.after,
        });
        if (h !== r.hash) return fail('内容哈希不符（记录被篡改）');
        prev = r.hash;
        expectSeq++;
        lastId = r.id;
      }
    }
    void lastId;
  }
  return { ok: true, chains: chains.length, rows };
}
