// Scores a provisioning method against what was used: every decision provisions cores for each step of
// the horizon after it, and each (decision, step) pair adds its over- or under-provisioned core-seconds.
// The sums are divided by the horizon, which makes them the core-seconds of re-deciding every `horizon`
// steps, averaged over the `horizon` possible starting phases, so they compare with the run's own length.

export interface ProvisioningTotals {
  /** Core-seconds asked for, used, asked for but not used, and used beyond what was asked for. */
  provisionedCoreSeconds: number;
  usedCoreSeconds: number;
  overCoreSeconds: number;
  underCoreSeconds: number;
  /** Fraction of (decision, step) pairs where usage exceeded the provision. */
  underProvisionedFraction: number;
}

export class ProvisioningTally {
  private provisioned = 0;
  private used = 0;
  private over = 0;
  private under = 0;
  private pairs = 0;
  private short = 0;

  constructor(
    private readonly stepSeconds: number,
    private readonly horizon: number,
  ) {}

  /** One step of one decision's horizon: cores provisioned against cores used (NaN usage: not scored). */
  add(provisionedCores: number, usedCores: number): void {
    if (Number.isNaN(usedCores)) return;
    this.pairs += 1;
    this.provisioned += provisionedCores;
    this.used += usedCores;
    if (usedCores > provisionedCores) {
      this.under += usedCores - provisionedCores;
      this.short += 1;
    } else {
      this.over += provisionedCores - usedCores;
    }
  }

  /** Adds another tally's pairs (e.g. every service's into the run's total). */
  merge(other: ProvisioningTally): void {
    this.provisioned += other.provisioned;
    this.used += other.used;
    this.over += other.over;
    this.under += other.under;
    this.pairs += other.pairs;
    this.short += other.short;
  }

  totals(): ProvisioningTotals {
    const seconds = this.stepSeconds / this.horizon;
    return {
      provisionedCoreSeconds: this.provisioned * seconds,
      usedCoreSeconds: this.used * seconds,
      overCoreSeconds: this.over * seconds,
      underCoreSeconds: this.under * seconds,
      underProvisionedFraction: this.pairs === 0 ? 0 : this.short / this.pairs,
    };
  }
}
