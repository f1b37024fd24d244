/** Running count, sum, min and max that skip missing values. */
export class RunningStats {
  count = 0;
  sum = 0;
  min: number | null = null;
  max: number | null = null;

  add(value: number | null): void {
    if (value === null) return;
    this.count += 1;
    this.sum += value;
    this.min = this.min === null ? value : Math.min(this.min, value);
    this.max = this.max === null ? value : Math.max(this.max, value);
  }

  mean(): number | null {
    return this.count === 0 ? null : this.sum / this.count;
  }
}
