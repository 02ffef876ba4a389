// The part of autocannon's API the bench uses (no @types package is installed).
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';
  namespace autocannon {
    type Request = {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string;
      setupRequest?: (req: Request, context: Record<string, unknown>) => Request;
    };
    type Options = {
      url: string;
      method?: string;
      headers?: Record<string, string>;
      body?: string;
      requests?: Request[];
      connections?: number;
      duration?: number;
      pipelining?: number;
    };
    type Result = {
      requests: { total: number; average: number };
      latency: Record<string, number>;
      non2xx: number;
      errors: number;
      timeouts: number;
    };
    type Instance = EventEmitter & PromiseLike<Result>;
  }
  function autocannon(opts: autocannon.Options): autocannon.Instance;
  export default autocannon;
}
