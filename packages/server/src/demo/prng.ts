/**
 * A small seeded PRNG (sfc32, seeded through splitmix32) so that the same seed always gives
 * the same demo region. Math.random is never used by the generator.
 *
 * Streams are derived by key (`rng.fork('village:451226001001')`) so that one village's
 * people do not change when another village draws a different number of values.
 */
function splitmix32(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function hashString(s: string, h = 0x811c9dc5): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h >>> 0;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(
    readonly seed: number,
    readonly key = '',
  ) {
    const sm = splitmix32(hashString(key, seed >>> 0) ^ Math.imul(seed >>> 0, 0x27d4eb2d));
    this.a = sm();
    this.b = sm();
    this.c = sm();
    this.d = sm();
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) >>> 0;
    return t / 4294967296;
  }

  fork(key: string): Rng {
    return new Rng(this.seed, `${this.key}/${key}`);
  }

  /** Integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Roughly normal (sum of three uniforms), clamped to [min, max]. */
  around(mean: number, spread: number, min = -Infinity, max = Infinity): number {
    const u = (this.next() + this.next() + this.next() - 1.5) / 1.5; // in (-1, 1), peaked at 0
    return Math.min(max, Math.max(min, mean + u * spread));
  }
}

/** Picks by weight; build once, draw many times (binary search over the cumulative weights). */
export class Weighted<T> {
  private readonly cum: number[] = [];
  private readonly total: number;
  constructor(private readonly items: readonly (readonly [T, number])[]) {
    let s = 0;
    for (const [, w] of items) this.cum.push((s += w));
    this.total = s;
  }
  draw(rng: Rng): T {
    const x = rng.next() * this.total;
    let lo = 0;
    let hi = this.cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cum[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo][0];
  }
}
