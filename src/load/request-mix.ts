// A compiled request mix: draws the request type by weight, then its parameters, and renders method, path,
// headers and body. Nothing is kept between draws.
import type { Random } from '../core/random.js';
import type { MixDefinition } from './mix-definition.js';
import { compileParams, drawParams, type Generate } from './mix-params.js';
import { compileTemplate, type ParamValue, type Render } from './mix-template.js';

export interface MixRequest {
  /** Index of the request type in the mix. */
  readonly type: number;
  readonly method: string;
  /** Path and query, starting with '/'. */
  readonly path: string;
  /** Header names and values, flat ([name, value, name, value, …]); shared between requests, never mutated. */
  readonly headers: readonly string[];
  readonly body: string | undefined;
}

interface CompiledRequest {
  method: string;
  headers: readonly string[];
  generators: Generate[];
  path: Render;
  body: Render | undefined;
  /** A request type without parameters is the same request every time: built once, sent as is. */
  fixed: MixRequest | undefined;
}

export class RequestMix {
  private readonly cumulative: Float64Array;

  private constructor(
    readonly name: string,
    readonly source: string | undefined,
    /** Request type names and their shares of the mix (summing to 1). */
    readonly types: readonly { name: string; share: number }[],
    private readonly compiled: readonly CompiledRequest[],
  ) {
    this.cumulative = new Float64Array(types.length);
    let total = 0;
    types.forEach((type, index) => {
      total += type.share;
      this.cumulative[index] = total;
    });
    // Guards the last type against rounding: a draw just below 1 must land somewhere.
    this.cumulative[types.length - 1] = Infinity;
  }

  static compile(definition: MixDefinition): RequestMix {
    const total = definition.requests.reduce((sum, request) => sum + request.weight, 0);
    const compiled = definition.requests.map((request, type): CompiledRequest => {
      const { slots, generators } = compileParams(request.params, new Map(), definition.lists);
      const method = request.method;
      const headers = Object.freeze(request.headers.flat());
      const path = compileTemplate(request.path, slots);
      const body = request.body === undefined ? undefined : compileTemplate(request.body, slots);
      const fixed =
        generators.length === 0
          ? Object.freeze({ type, method, path: path([]), headers, body: body?.([]) })
          : undefined;
      return { method, headers, generators, path, body, fixed };
    });
    const types = definition.requests.map((request) => ({
      name: request.name,
      share: request.weight / total,
    }));
    return new RequestMix(definition.name, definition.source, types, compiled);
  }

  /** Index of a request type by name, or -1. */
  indexOf(name: string): number {
    return this.types.findIndex((type) => type.name === name);
  }

  draw(random: Random): MixRequest {
    const u = random.uniform();
    let type = 0;
    while (u >= (this.cumulative[type] as number)) type += 1;
    const request = this.compiled[type] as CompiledRequest;
    if (request.fixed !== undefined) return request.fixed;
    const values: ParamValue[] = new Array<ParamValue>(request.generators.length);
    drawParams(request.generators, values, 0, random);
    return {
      type,
      method: request.method,
      path: request.path(values),
      headers: request.headers,
      body: request.body?.(values),
    };
  }
}
