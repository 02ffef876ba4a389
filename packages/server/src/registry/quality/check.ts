import { sql } from 'kysely';
import type { DbOrTx } from '../../db/db';
import { householdIssues, type HouseholdIssue, type PersonFacts } from '../rules';

/**
 * Re-runs every data-quality rule over a set of households of one county and replaces their open
 * issues — inside the caller's transaction, so a save and its verdict commit together. Used by
 * every save (one household), by the import (a batch) and by the nightly run (chunks of a county).
 */
export async function recheckHouseholds(db: DbOrTx, countyCode: string, ids: number[], today: string): Promise<number> {
  if (!ids.length) return 0;
  const households = await db
    .selectFrom('household')
    .select([
      'id',
      'area_code',
      'township_code',
      'village_code',
      'status',
      'address',
      'category',
      'main_cause',
      'identification_year',
      'housing_safety',
      'water_safe',
      'income_year',
      'member_count',
      'head_person_id',
      'income_wages_fen',
      'income_business_fen',
      'income_transfer_fen',
      'income_property_fen',
      'net_income_per_capita_fen',
      'quality_issue_count',
    ])
    .where('county_code', '=', countyCode)
    .where('id', 'in', ids)
    .execute();
  const people = await db
    .selectFrom('person')
    .select([
      'id',
      'household_id',
      'name',
      'relation',
      'birth_date',
      'sex',
      'id_kind',
      'id_number',
      'status',
      'ethnicity',
      'education',
      'schooling',
      'health',
      'disability_grade',
      'labour',
      'work_status',
      'work_months',
    ])
    .where('county_code', '=', countyCode)
    .where('household_id', 'in', ids)
    .execute();
  const byHousehold = new Map<number, PersonFacts[]>();
  for (const p of people) {
    const list = byHousehold.get(p.household_id) ?? [];
    list.push({
      id: p.id,
      name: p.name,
      relation: p.relation,
      birthDate: p.birth_date,
      sex: p.sex,
      idKind: p.id_kind,
      idNumber: p.id_number,
      status: p.status,
      ethnicity: p.ethnicity,
      education: p.education,
      schooling: p.schooling,
      health: p.health,
      disabilityGrade: p.disability_grade,
      labour: p.labour,
      workStatus: p.work_status,
      workMonths: p.work_months,
    });
    byHousehold.set(p.household_id, list);
  }

  const issues: (HouseholdIssue & { householdId: number })[] = [];
  for (const h of households) {
    const found = householdIssues(
      {
        status: h.status,
        address: h.address,
        category: h.category,
        mainCause: h.main_cause,
        identificationYear: h.identification_year,
        housingSafety: h.housing_safety,
        waterSafe: h.water_safe,
        incomeYear: h.income_year,
        memberCount: h.member_count,
        headPersonId: h.head_person_id,
        income: { wagesFen: h.income_wages_fen, businessFen: h.income_business_fen, transferFen: h.income_transfer_fen, propertyFen: h.income_property_fen },
        netIncomePerCapitaFen: h.net_income_per_capita_fen,
      },
      byHousehold.get(h.id) ?? [],
      today,
    );
    for (const i of found) issues.push({ ...i, householdId: h.id });
  }

  // Across households: the same resident active in two of them, and the global ID index
  // (which the database cannot tie to person with a foreign key, anchors.md) pointing elsewhere.
  // A cancelled household has released its members' IDs (workflow/service.ts applyOutcome): its
  // rows are history, neither a duplicate of nor a claim on the person's current household.
  const cancelled = new Set(households.filter((h) => h.status === 'cancelled').map((h) => h.id));
  const active = people.filter((p) => p.status === 'active' && !cancelled.has(p.household_id));
  if (active.length) {
    const keys = [...new Set(active.map((p) => p.id_number.slice(0, 18)))];
    // Per key, one probe of the active-resident index, then each holder's household by primary key
    // (two LATERALs, each fenced with OFFSET 0). Joined as a set, the planner hashed all of the
    // county's households for every chunk — the nightly run over 200,000 households took 66 s
    // (bench/registry.ts). With one LATERAL around the whole join it hashed them for every key
    // instead (62 ms a key, EXPLAIN ANALYZE): it takes 3,498 persons per key, having no statistics
    // on left(id_number, 18), so a hash of the households looks cheaper than 3,498 probes.
    const others = await sql<{ k: string; county_code: string; household_id: number; village: string | null }>`
      SELECT k.k, p.county_code, p.household_id, v.name AS village
      FROM unnest(${keys}::text[]) AS k(k)
      CROSS JOIN LATERAL (SELECT p.county_code, p.household_id FROM person p WHERE p.status = 'active' AND left(p.id_number, 18) = k.k OFFSET 0) p
      CROSS JOIN LATERAL (SELECT h.village_code FROM household h WHERE h.county_code = p.county_code AND h.id = p.household_id AND h.status <> 'cancelled' OFFSET 0) h
      LEFT JOIN area v ON v.code = h.village_code`.execute(db);
    const holders = new Map<string, { county_code: string; household_id: number; village: string | null }[]>();
    for (const o of others.rows) holders.set(o.k, [...(holders.get(o.k) ?? []), o]);
    const index = await db.selectFrom('person_id_index').select(['id_number', 'county_code', 'person_id']).where('id_number', 'in', keys).execute();
    const indexOf = new Map(index.map((i) => [i.id_number, i]));
    for (const p of active) {
      const k = p.id_number.slice(0, 18);
      const elsewhere = (holders.get(k) ?? []).filter((o) => !(o.county_code === countyCode && o.household_id === p.household_id));
      if (elsewhere.length)
        issues.push({
          householdId: p.household_id,
          personId: p.id,
          rule: 'duplicate_active',
          severity: 'error',
          message: `${p.name}：同一身份证号码还在 ${[...new Set(elsewhere.map((o) => o.village ?? '其他村'))].join('、')} 的另一户中在册`,
        });
      const ix = indexOf.get(k);
      if (!ix || ix.county_code !== countyCode || ix.person_id !== p.id)
        issues.push({
          householdId: p.household_id,
          personId: p.id,
          rule: 'index_mismatch',
          severity: 'error',
          message: `${p.name}：身份证号码索引${ix ? '指向了另一条成员记录' : '缺失'}，请联系管理员运行数据修复`,
        });
    }
  }

  await db.deleteFrom('registry_quality_issue').where('county_code', '=', countyCode).where('household_id', 'in', ids).execute();
  const place = new Map(households.map((h) => [h.id, h]));
  if (issues.length) {
    for (let i = 0; i < issues.length; i += 2000) {
      const chunk = issues.slice(i, i + 2000);
      await db
        .insertInto('registry_quality_issue')
        .values(
          chunk.map((x) => {
            const h = place.get(x.householdId)!;
            return {
              county_code: countyCode,
              household_id: x.householdId,
              person_id: x.personId,
              rule: x.rule,
              severity: x.severity,
              message: x.message,
              area_code: h.area_code,
              township_code: h.township_code,
              village_code: h.village_code,
            };
          }),
        )
        .execute();
    }
  }
  const counts = new Map<number, number>();
  for (const x of issues) counts.set(x.householdId, (counts.get(x.householdId) ?? 0) + 1);
  const changed = households.filter((h) => (counts.get(h.id) ?? 0) !== h.quality_issue_count);
  if (changed.length)
    await sql`
      UPDATE household h SET quality_issue_count = x.n
      FROM unnest(${changed.map((h) => h.id)}::bigint[], ${changed.map((h) => counts.get(h.id) ?? 0)}::int[]) AS x(id, n)
      WHERE h.county_code = ${countyCode} AND h.id = x.id AND h.id = ANY(${changed.map((h) => h.id)}::bigint[])`.execute(db);
  return issues.length;
}
