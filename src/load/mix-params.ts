// Parameter generators compiled from their definitions: each reads the values of earlier parameters by slot and
// draws from the request stream's Random.
import type { Random } from '../core/random.js';
import type { NumberRef, ParamDefinition, ParamGeneratorSpec } from './mix-definition.js';
import { compileTemplate, type ParamValue } from './mix-template.js';

export type Generate = (values: ParamValue[], random: Random) => ParamValue;

/** Redraws of an int parameter that must differ from another before the value is taken anyway. */
const MAX_REDRAWS = 1000;

export type Lists = Readonly<Record<string, readonly string[]>>;

/** Compiles the parameters; parameter i gets slot `outer.size + i`, after the enclosing scope's slots. */
export function compileParams(
  params: readonly ParamDefinition[],
  outer: ReadonlyMap<string, number>,
  lists: Lists,
): { slots: Map<string, number>; generators: Generate[] } {
  const slots = new Map(outer);
  const generators = params.map((param) => {
    const generate = compileGenerator(param.generator, slots, lists);
    slots.set(param.name, slots.size);
    const encode =
      param.encode === 'form' ? formEncode : param.encode === 'uri' ? encodeURIComponent : undefined;
    return encode === undefined
      ? generate
      : (values: ParamValue[], random: Random) => encode(String(generate(values, random)));
  });
  return { slots, generators };
}

/** Fills `values` from `firstSlot` on with one draw of each generator, in order. */
export function drawParams(
  generators: readonly Generate[],
  values: ParamValue[],
  firstSlot: number,
  random: Random,
): void {
  for (let index = 0; index < generators.length; index += 1) {
    values[firstSlot + index] = (generators[index] as Generate)(values, random);
  }
}

function numberOf(
  ref: NumberRef,
  slots: ReadonlyMap<string, number>,
): (values: readonly ParamValue[]) => number {
  if (typeof ref === 'number') return () => ref;
  const slot = slots.get(ref);
  if (slot === undefined) throw new Error(`parameter ${ref} is not defined`);
  return (values) => Number(values[slot]);
}

function compileGenerator(
  spec: ParamGeneratorSpec,
  slots: ReadonlyMap<string, number>,
  lists: Lists,
): Generate {
  switch (spec.kind) {
    case 'int': {
      const min = numberOf(spec.min, slots);
      const max = numberOf(spec.max, slots);
      const other = spec.not === undefined ? undefined : numberOf(spec.not, slots);
      const pad = spec.pad;
      return (values, random) => {
        const low = min(values);
        const high = max(values);
        let value = random.int(low, high);
        for (
          let tries = 0;
          other !== undefined && value === other(values) && tries < MAX_REDRAWS;
          tries += 1
        ) {
          value = random.int(low, high);
        }
        return pad === undefined ? value : String(value).padStart(pad, '0');
      };
    }
    case 'decimal': {
      const steps = Math.round((spec.max - spec.min) / spec.step);
      const digits = decimalsOf(spec.step);
      return (_values, random) => trimZeros((spec.min + random.int(0, steps) * spec.step).toFixed(digits));
    }
    case 'pick': {
      const values = 'list' in spec.values ? lists[spec.values.list] : spec.values;
      if (values === undefined) throw new Error(`no list named ${JSON.stringify(spec.values)}`);
      const weights = spec.weights;
      if (weights !== undefined) return (_values, random) => values[random.weightedIndex(weights)] as string;
      return (_values, random) => values[random.int(0, values.length - 1)] as string;
    }
    case 'chars': {
      const length = numberOf(spec.length, slots);
      const charset = spec.charset;
      return (values, random) => {
        let text = '';
        for (let count = length(values); count > 0; count -= 1)
          text += charset[random.int(0, charset.length - 1)];
        return text;
      };
    }
    case 'sum': {
      const terms = spec.terms.map((term) => numberOf(term, slots));
      return (values) => terms.reduce((total, term) => total + term(values), 0);
    }
    case 'text':
      return compileTemplate(spec.template, slots);
    case 'repeat': {
      const count = numberOf(spec.count, slots);
      const outerSize = slots.size;
      const inner = compileParams(spec.params, slots, lists);
      const render = compileTemplate(spec.template, inner.slots);
      const separator = spec.separator;
      return (values, random) => {
        const scoped = values.slice(0, outerSize);
        const parts: string[] = [];
        for (let index = count(values); index > 0; index -= 1) {
          drawParams(inner.generators, scoped, outerSize, random);
          parts.push(render(scoped));
        }
        return parts.join(separator);
      };
    }
  }
}

/** Decimal places of a grid step (0.001 → 3), so grid values print as Lua's %.14g prints them. */
function decimalsOf(step: number): number {
  const text = String(step);
  const exponent = /e-(\d+)$/.exec(text);
  if (exponent !== null) return Number(exponent[1]) + ((text.split('e')[0] ?? '').split('.')[1]?.length ?? 0);
  return text.split('.')[1]?.length ?? 0;
}

function trimZeros(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
}

/**
 * wrk2's urlEncode: every byte but ASCII letters, digits, '.', '-' and space as %XX, then spaces as '+'.
 * Works on UTF-8 bytes, as the Lua original does on its byte strings.
 */
export function formEncode(text: string): string {
  let encoded = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9.\- ]/.test(char)) encoded += char === ' ' ? '+' : char;
    else encoded += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}
