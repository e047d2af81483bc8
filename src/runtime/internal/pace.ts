/**
 * Even pacing behind `RateLimiter`: slots are handed out `60 000 / rate`
 * milliseconds apart.
 */

/** The clock a pacer reads and waits on (swapped for a fake one in tests). */
export interface PaceClock {
  now(): number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

const realClock: PaceClock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener("abort", done, { once: true });
    }),
};

/** Hands out start times no closer together than the rate allows. */
export class Pacer {
  private readonly intervalMs: number;
  private nextAt = Number.NEGATIVE_INFINITY;

  constructor(
    perMinute: number,
    private readonly clock: PaceClock = realClock,
  ) {
    if (!Number.isFinite(perMinute) || perMinute <= 0) {
      throw new TypeError(`rateLimit must be a positive number of requests per minute, got ${String(perMinute)}.`);
    }
    this.intervalMs = 60_000 / perMinute;
  }

  /** Resolves when the next start is allowed (at once if `signal` aborts while waiting). */
  take(signal: AbortSignal): Promise<void> | undefined {
    const now = this.clock.now();
    const at = Math.max(now, this.nextAt);
    this.nextAt = at + this.intervalMs;
    return at > now ? this.clock.sleep(at - now, signal) : undefined;
  }
}
