// Stationary AR(1) processes, one per element: x ← φ·x + σ·√(1−φ²)·ε, so each element's marginal
// standard deviation stays σ whatever φ. Used for slowly drifting mixes, hit rates and noise.
import type { Random } from '../core/random.js';

export class AutoRegressive {
  private readonly state: Float64Array;
  private readonly innovation: number;

  constructor(
    size: number,
    private readonly phi: number,
    sigma: number,
    private readonly random: Random,
  ) {
    this.innovation = sigma * Math.sqrt(1 - phi * phi);
    this.state = Float64Array.from({ length: size }, () => sigma * random.normal());
  }

  advance(): Float64Array {
    for (let index = 0; index < this.state.length; index += 1) {
      this.state[index] = this.phi * (this.state[index] ?? 0) + this.innovation * this.random.normal();
    }
    return this.state;
  }
}
