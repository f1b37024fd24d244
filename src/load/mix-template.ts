// `{{name}}` templates compiled once into literal parts and parameter slots, so rendering one request is a
// handful of string concatenations.
import { PLACEHOLDER } from './mix-definition.js';

export type ParamValue = string | number;
export type Render = (values: readonly ParamValue[]) => string;

/** Compiles a template whose placeholders were checked when the mix was read; `slotOf` maps names to slots. */
export function compileTemplate(template: string, slotOf: ReadonlyMap<string, number>): Render {
  const literals: string[] = [];
  const slots: number[] = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    literals.push(template.slice(last, match.index));
    const slot = slotOf.get(match[1] as string);
    if (slot === undefined) throw new Error(`template placeholder ${match[0]} has no parameter`);
    slots.push(slot);
    last = (match.index ?? 0) + match[0].length;
  }
  const tail = template.slice(last);
  if (slots.length === 0) return () => tail;
  return (values) => {
    let text = '';
    for (let index = 0; index < slots.length; index += 1) {
      text += (literals[index] as string) + String(values[slots[index] as number]);
    }
    return text + tail;
  };
}
