// Sends one request of the mix and books how it ended into the step meter. Latency runs from the time the
// request was meant to go out: the send time in the closed loop, the scheduled arrival in the open loop (so a
// stalled server cannot hide its delay behind requests that were never sent: no coordinated omission).
import type { Random } from '../core/random.js';
import { connectionErrorKind, statusErrorKind, type ErrorKind } from './error-kinds.js';
import { ABORTED, type HttpTransport } from './http-transport.js';
import type { RequestMix } from './request-mix.js';
import type { StepMeter } from './step-meter.js';

/** How a request ended, for the driver that sent it. */
export type Ending = 'ok' | ErrorKind | 'aborted';

export class RequestIssuer {
  private outstanding = 0;
  private idleWaiters: (() => void)[] = [];
  /** The current step's request stream; replaced at every step. */
  random: Random;

  constructor(
    private readonly mix: RequestMix,
    private readonly transport: HttpTransport,
    readonly meter: StepMeter,
    private readonly clock: () => number,
    random: Random,
  ) {
    this.random = random;
  }

  get inFlight(): number {
    return this.outstanding;
  }

  issue(intendedMs: number, after?: (ending: Ending) => void): void {
    const request = this.mix.draw(this.random);
    this.outstanding += 1;
    this.meter.sent(this.clock());
    this.transport.send(request, (status, error) => {
      const now = this.clock();
      this.outstanding -= 1;
      let ending: Ending;
      if (error === ABORTED) {
        this.meter.abortedInFlight(now);
        ending = 'aborted';
      } else if (status > 0) {
        const kind = statusErrorKind(status);
        this.meter.answered(status, now - intendedMs, kind, now);
        ending = kind ?? 'ok';
      } else {
        const kind = connectionErrorKind(error);
        this.meter.failed(kind, kind === 'timeout' ? now - intendedMs : undefined, now);
        ending = kind;
      }
      if (this.outstanding === 0) this.wakeIdle();
      after?.(ending);
    });
  }

  /** Resolves once nothing is in flight, or after `timeoutMs`. */
  whenIdle(timeoutMs: number): Promise<void> {
    if (this.outstanding === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }
}
