import type { DbOrTx } from '../../db/db';
import { exitEligibility, pickLine, type ExitVerdict } from '../rules';

type HouseholdForExit = {
  county_code: string;
  income_year: number | null;
  net_income_per_capita_fen: number;
  member_count: number;
  food_clothing_secured: boolean | null;
  education_secured: boolean | null;
  medical_secured: boolean | null;
  housing_safety: string | null;
  water_safe: boolean | null;
};

export const provinceOf = (countyCode: string) => `${countyCode.slice(0, 2)}0000`;

/** The exit rule applied to a household with the poverty line of its province and income year. */
export async function exitCheck(db: DbOrTx, h: HouseholdForExit): Promise<ExitVerdict & { lineFen: number | null; year: number | null; perCapitaFen: number; memberCount: number }> {
  const province = provinceOf(h.county_code);
  const lines =
    h.income_year == null
      ? []
      : await db
          .selectFrom('poverty_line')
          .select(['province_code', 'year', 'line_fen'])
          .where('year', '=', h.income_year)
          .where('province_code', 'in', [h.county_code, province, '000000'])
          .execute();
  const lineFen = h.income_year == null ? null : pickLine(lines, province, h.income_year, h.county_code);
  const v = exitEligibility({
    incomeYear: h.income_year,
    perCapitaFen: h.net_income_per_capita_fen,
    memberCount: h.member_count,
    lineFen,
    foodClothingSecured: h.food_clothing_secured,
    educationSecured: h.education_secured,
    medicalSecured: h.medical_secured,
    housingSafety: h.housing_safety,
    waterSafe: h.water_safe,
  });
  // the figures judged are kept with the verdict: the exit notice prints them, not whatever the
  // household's record says on the day someone reprints it
  return { ...v, lineFen, year: h.income_year, perCapitaFen: h.net_income_per_capita_fen, memberCount: h.member_count };
}
