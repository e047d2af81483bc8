/**
 * Rate limits for model requests: a limiter spaces the requests charged to it
 * evenly, `60 000 / requestsPerMinute` milliseconds apart, across every run
 * that shares it.
 */
import { Pacer, type PaceClock } from "./internal/pace.js";

/** Options of {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** At most this many model requests start per minute, spaced evenly. */
  readonly requestsPerMinute: number;
}

/**
 * Paces model requests. Pass one to several runs (`run(input, { rateLimit:
 * limiter })`) to share a provider's limit between them; a batch's
 * `rateLimit` makes one for its runs. Every request an agent sends (each
 * retry, tool turn and stream counts) waits for its turn before it is sent;
 * an interrupted step stops waiting at once.
 *
 * @example
 * ```ts
 * const limiter = new RateLimiter({ requestsPerMinute: 500 });
 * await Promise.all(documents.map((document) => p.run({ document }, { rateLimit: limiter })));
 * ```
 */
export class RateLimiter {
  /** The limit this limiter enforces. */
  readonly requestsPerMinute: number;
  private readonly pacer: Pacer;

  constructor(options: RateLimiterOptions, clock?: PaceClock) {
    this.requestsPerMinute = options.requestsPerMinute;
    this.pacer = new Pacer(options.requestsPerMinute, clock);
  }

  /**
   * Takes the next slot: `undefined` when a request may start now, else a
   * Promise that resolves when it may (at once if `signal` aborts while
   * waiting). `await limiter.take(signal)` works either way.
   */
  take(signal: AbortSignal): Promise<void> | undefined {
    return this.pacer.take(signal);
  }
}

/** A run's limiter from its `rateLimit` option: a number makes one for the run, a limiter is shared. */
export const limiterOf = (rateLimit: number | RateLimiter | undefined): RateLimiter | undefined =>
  rateLimit === undefined || rateLimit instanceof RateLimiter ? rateLimit : new RateLimiter({ requestsPerMinute: rateLimit });
