// The closed loop: `target` clients, each sending its next request as soon as the previous one ended. Raising
// the target starts clients at once; lowering it retires clients as their current request ends, so from one
// response time after a redraw on, exactly the drawn number of requests is in flight.
import type { Ending, RequestIssuer } from './request-issuer.js';

export class ClosedLoopDriver {
  private target = 0;
  private clients = 0;
  private stopped = false;
  private readonly pauses = new Set<NodeJS.Timeout>();

  constructor(
    private readonly issuer: RequestIssuer,
    private readonly clock: () => number,
    /** Pause of a client after a refused connection, so a stopped server is not hammered in a tight loop. */
    private readonly errorBackoffMs: number,
  ) {}

  get running(): number {
    return this.clients;
  }

  setTarget(concurrency: number): void {
    this.target = concurrency;
    while (!this.stopped && this.clients < this.target) {
      this.clients += 1;
      this.next();
    }
  }

  private readonly next = (): void => {
    if (this.stopped || this.clients > this.target) {
      this.clients -= 1;
      return;
    }
    this.issuer.issue(this.clock(), this.afterRequest);
  };

  private readonly afterRequest = (ending: Ending): void => {
    if (ending === 'aborted') {
      this.clients -= 1;
    } else if ((ending === 'connection-refused' || ending === 'other') && !this.stopped) {
      const pause = setTimeout(() => {
        this.pauses.delete(pause);
        this.next();
      }, this.errorBackoffMs);
      this.pauses.add(pause);
    } else {
      this.next();
    }
  };

  /** Sends nothing more; requests in flight are left to the caller (abort or wait). */
  stop(): void {
    this.stopped = true;
    for (const pause of this.pauses) clearTimeout(pause);
    this.pauses.clear();
  }
}
