import type { DbOrTx } from '../db/db';
import type { DataScopeKind } from '../db/schema';
import type { Scope } from './scope';

function countyOfPrefix(prefix: string): string | null {
  return prefix.length >= 6 ? prefix.slice(0, 6) : null;
}

/** Builds the Scope of a user's post from the user row and (for 'custom') their chosen areas. */
export async function resolveScope(
  db: DbOrTx,
  user: { id: number; data_scope: DataScopeKind; area_code: string | null },
): Promise<Scope> {
  switch (user.data_scope) {
    case 'all':
      return { kind: 'all' };
    case 'self':
      return { kind: 'self', userId: user.id };
    case 'area':
    case 'area_below': {
      if (!user.area_code) return { kind: 'none' };
      const area = await db.selectFrom('area').select(['prefix', 'code']).where('code', '=', user.area_code).executeTakeFirst();
      if (!area) return { kind: 'none' };
      const county = countyOfPrefix(area.prefix);
      return user.data_scope === 'area'
        ? { kind: 'areas', below: [], exact: [area.code], counties: county ? [county] : null }
        : { kind: 'areas', below: [area.prefix], exact: [], counties: county ? [county] : null };
    }
    case 'custom': {
      const rows = await db
        .selectFrom('user_scope_area as s')
        .innerJoin('area as a', 'a.code', 's.area_code')
        .select(['a.prefix'])
        .where('s.user_id', '=', user.id)
        .execute();
      if (!rows.length) return { kind: 'none' };
      const counties = rows.map((r) => countyOfPrefix(r.prefix));
      return {
        kind: 'areas',
        below: rows.map((r) => r.prefix),
        exact: [],
        counties: counties.every((c) => c) ? [...new Set(counties as string[])] : null,
      };
    }
  }
}
