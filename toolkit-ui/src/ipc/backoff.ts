/**
 * Reconnect delays: capped exponential backoff. Attempt 0 waits `initialMs`, each further attempt
 * doubles the wait, never beyond `maxMs`. It never gives up: there is no attempt limit.
 */
export interface BackoffOptions {
  /** First delay, ms (default 250). */
  initialMs?: number;
  /** Largest delay, ms (default 5000). */
  maxMs?: number;
  /** Growth per attempt (default 2). */
  factor?: number;
}

export class Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly factor: number;
  private attempt = 0;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 250;
    this.maxMs = options.maxMs ?? 5000;
    this.factor = options.factor ?? 2;
  }

  /** The delay before attempt number `attempt` (0-based). */
  delayFor(attempt: number): number {
    const delay = this.initialMs * this.factor ** Math.max(0, attempt);
    return Math.min(this.maxMs, delay);
  }

  /** The delay before the next attempt; advances the schedule. */
  next(): number {
    const delay = this.delayFor(this.attempt);
    this.attempt += 1;
    return delay;
  }

  /** How many delays were handed out since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  /** Starts the schedule over (after a connection that held). */
  reset(): void {
    this.attempt = 0;
  }
}
