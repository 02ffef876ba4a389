import { describe, expect, it } from 'vitest';
import { parseIdNumber } from '@fupin/shared/idcard';
import { IdAllocator, generateVillage } from './households';
import { bankAccount, chineseNumber, mobile } from './names';
import { Rng, Weighted } from './prng';
import { planRegion } from './generate';

describe('seeded PRNG', () => {
  it('repeats for the same seed and key, differs for another seed or key', () => {
    const draw = (r: Rng) => Array.from({ length: 5 }, () => r.next());
    expect(draw(new Rng(1, 'a'))).toEqual(draw(new Rng(1, 'a')));
    expect(draw(new Rng(1, 'a'))).not.toEqual(draw(new Rng(2, 'a')));
    expect(draw(new Rng(1, 'a'))).not.toEqual(draw(new Rng(1, 'b')));
    // A fork does not depend on how much the parent has drawn.
    const p1 = new Rng(1);
    const p2 = new Rng(1);
    p2.next();
    expect(draw(p1.fork('v'))).toEqual(draw(p2.fork('v')));
  });

  it('draws by weight', () => {
    const w = new Weighted([['a', 9], ['b', 1]] as const);
    const r = new Rng(5);
    let a = 0;
    for (let i = 0; i < 10_000; i++) if (w.draw(r) === 'a') a++;
    expect(a).toBeGreaterThan(8700);
    expect(a).toBeLessThan(9300);
  });
});

describe('resident ID allocation', () => {
  it('gives unique valid IDs of the right sex and moves to the day before when a day is full', () => {
    const ids = new IdAllocator('459821');
    const seen = new Set<string>();
    for (let i = 0; i < 600; i++) {
      const { idNumber, birthDate } = ids.allocate('1980-05-01', 'F');
      const p = parseIdNumber(idNumber);
      expect(p).toMatchObject({ ok: true, sex: 'F', birthDate, areaCode: '459821' });
      expect(seen.has(idNumber)).toBe(false);
      seen.add(idNumber);
      expect(birthDate).toBe(i < 499 ? '1980-05-01' : '1980-04-30');
    }
  });

  it('skips IDs already in the database', () => {
    const first = new IdAllocator('459821').allocate('1990-01-01', 'M').idNumber;
    const second = new IdAllocator('459821', new Set([first])).allocate('1990-01-01', 'M').idNumber;
    expect(second).not.toBe(first);
    expect(parseIdNumber(second)).toMatchObject({ ok: true, sex: 'M' });
  });
});

describe('names and numbers', () => {
  it('writes group numbers in Chinese', () => {
    expect([1, 10, 12, 20, 23].map(chineseNumber)).toEqual(['一', '十', '十二', '二十', '二十三']);
  });

  it('makes mobiles that look Chinese and card numbers that pass the Luhn check', () => {
    const r = new Rng(9);
    for (let i = 0; i < 200; i++) {
      expect(mobile(r)).toMatch(/^1[3-9]\d{9}$/);
      const card = bankAccount(r, '622848');
      expect(card).toMatch(/^622848\d{13}$/);
      let sum = 0;
      for (let k = 0; k < card.length; k++) {
        let d = Number(card[card.length - 1 - k]);
        if (k % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
        sum += d;
      }
      expect(sum % 10).toBe(0);
    }
  });
});

describe('region plan and households', () => {
  it('plans county scale at about 20 townships, 300 villages and 200,000 households', () => {
    const plan = planRegion('county', 1);
    const county = plan.counties[0];
    const villages = county.townships.flatMap((t) => t.villages);
    expect(county.townships).toHaveLength(20);
    expect(villages.length).toBeGreaterThan(260);
    expect(villages.length).toBeLessThan(340);
    const households = villages.reduce((s, v) => s + v.households, 0);
    expect(households).toBeGreaterThan(170_000);
    expect(households).toBeLessThan(230_000);
    expect(planRegion('province', 1).counties).toHaveLength(10);
    expect(planRegion('county', 1)).toEqual(plan);
  });

  it('composes households of 1–7 people with the head first and sizes averaging about 3.5', () => {
    const hh = generateVillage(
      new Rng(3, 'v'),
      {
        countyCode: '459821',
        townshipCode: '459821001',
        townshipName: '那坡乡',
        villageCode: '459821001001',
        villageName: '板龙村',
        groups: [{ code: '459821001001001', name: '第一组' }],
        households: 2000,
      },
      new IdAllocator('459821'),
    );
    const sizes = hh.map((h) => h.members.length);
    expect(Math.min(...sizes)).toBe(1);
    expect(Math.max(...sizes)).toBe(7);
    const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    expect(mean).toBeGreaterThan(3.3);
    expect(mean).toBeLessThan(3.8);
    for (const h of hh) {
      expect(h.members[0].relation).toBe('head');
      expect(h.members.filter((m) => m.relation === 'head')).toHaveLength(1);
    }
  });
});
