// Seeded random streams. Every random draw in rescape goes through here so the same seed gives
// byte-identical output; separate streams keep one consumer's draws from shifting another's.
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';

export class Random {
  private spareNormal: number | undefined;

  private constructor(private readonly generator: JumpableRandomGenerator) {}

  static fromSeed(seed: number): Random {
    return new Random(xoroshiro128plus(seed));
  }

  /**
   * An independent stream for one consumer. Streams are numbered, not taken in turn, so adding a
   * consumer never changes what another one draws.
   */
  stream(index: number): Random {
    const generator = this.generator.clone();
    for (let jump = 0; jump <= index; jump += 1) generator.jump();
    return new Random(generator);
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return uniformFloat64(this.generator);
  }

  /** Uniform integer in [from, to], both included. */
  int(from: number, to: number): number {
    return uniformInt(this.generator, from, to);
  }

  /** Standard normal (Box–Muller, both values used). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const spare = this.spareNormal;
      this.spareNormal = undefined;
      return spare;
    }
    let u = this.uniform();
    while (u === 0) u = this.uniform();
    const radius = Math.sqrt(-2 * Math.log(u));
    const angle = 2 * Math.PI * this.uniform();
    this.spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.uniform());
  }

  /** Index drawn with probability proportional to weights[i]. */
  weightedIndex(weights: ArrayLike<number>): number {
    let total = 0;
    for (let index = 0; index < weights.length; index += 1) total += weights[index] ?? 0;
    let threshold = this.uniform() * total;
    for (let index = 0; index < weights.length; index += 1) {
      threshold -= weights[index] ?? 0;
      if (threshold < 0) return index;
    }
    return weights.length - 1;
  }

  /** A random id of `hexDigits` lowercase hex digits (trace ids). */
  hexId(hexDigits: number): string {
    let id = '';
    while (id.length < hexDigits) id += (this.generator.next() >>> 0).toString(16).padStart(8, '0');
    return id.slice(0, hexDigits);
  }
}
