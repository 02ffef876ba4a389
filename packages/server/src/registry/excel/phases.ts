/**
 * Wall-clock time per phase of one import, kept with the import (registry_import.phase_ms) so a
 * slow import can be explained after the fact and the benchmark can say where the time went.
 */
export class Phases {
  readonly ms: Record<string, number> = {};

  add(name: string, ms: number) {
    this.ms[name] = (this.ms[name] ?? 0) + ms;
  }

  async time<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const t = performance.now();
    try {
      return await fn();
    } finally {
      this.add(name, performance.now() - t);
    }
  }

  sync<T>(name: string, fn: () => T): T {
    const t = performance.now();
    try {
      return fn();
    } finally {
      this.add(name, performance.now() - t);
    }
  }

  rounded(): Record<string, number> {
    return Object.fromEntries(Object.entries(this.ms).map(([k, v]) => [k, Math.round(v)]));
  }
}
