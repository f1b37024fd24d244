// Reads the `params` of a request in a mix file: one generator key per parameter, checked field by field, with
// every reference (a bound, a count, a template placeholder) resolved against the parameters defined before it.
import {
  CHARSETS,
  PLACEHOLDER,
  type Encoding,
  type NumberRef,
  type ParamDefinition,
  type ParamGeneratorSpec,
} from './mix-definition.js';
import type { YamlField } from './yaml-fields.js';

const GENERATORS = ['int', 'decimal', 'pick', 'chars', 'sum', 'text', 'repeat'] as const;
const MODIFIERS = ['encode', 'pad', 'not'];
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface ParamScope {
  /** Parameters defined so far (visible to later ones). */
  names: Set<string>;
  lists: Readonly<Record<string, readonly string[]>>;
}

/** Checks that every {{placeholder}} of a template names a known parameter. */
export function checkTemplate(field: YamlField, template: string, scope: ParamScope): void {
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1] as string;
    if (!scope.names.has(name)) {
      const known = [...scope.names];
      field.fail(
        `{{${name}}} names no parameter defined before it`,
        known.length === 0
          ? `Define ${name} under params.`
          : `Define ${name} under params (known: ${known.join(', ')}).`,
      );
    }
  }
}

export function readParams(field: YamlField, outer: ParamScope): ParamDefinition[] {
  if (field.missing) return [];
  const scope: ParamScope = { names: new Set(outer.names), lists: outer.lists };
  return field.entries('parameter name: generator').map(([name, spec]) => {
    if (!NAME.test(name))
      spec.fail(`parameter name "${name}" is not an identifier`, 'Use letters, digits and _ (not first).');
    if (scope.names.has(name))
      spec.fail(`parameter ${name} is defined twice`, 'Give each parameter its own name.');
    const definition = readParam(spec, scope);
    scope.names.add(name);
    return { name, ...definition };
  });
}

function readParam(field: YamlField, scope: ParamScope): Omit<ParamDefinition, 'name'> {
  const entries = field.entries('one generator', [...GENERATORS, ...MODIFIERS]);
  const generators = entries.filter(([key]) => (GENERATORS as readonly string[]).includes(key));
  if (generators.length !== 1) {
    field.fail(
      `${field.path} needs exactly one generator, found ${generators.length === 0 ? 'none' : generators.map(([key]) => key).join(' and ')}`,
      `Give one of: ${GENERATORS.join(', ')}.`,
    );
  }
  const [kind, spec] = generators[0] as [(typeof GENERATORS)[number], YamlField];
  const ref = (bound: YamlField, what: string): NumberRef => readRef(bound, what, scope);
  let generator: ParamGeneratorSpec;
  switch (kind) {
    case 'int': {
      const [min, max] = pair(spec, 'int: [min, max]');
      generator = { kind, min: ref(min, 'lowest value'), max: ref(max, 'highest value') };
      const pad = field.get('pad');
      if (!pad.missing) generator.pad = pad.number('zero-padded width', { integer: true, min: 1 });
      const not = field.get('not');
      if (!not.missing) generator.not = readName(not, 'a parameter the value must differ from', scope);
      break;
    }
    case 'decimal': {
      const step = spec.get('step').number('grid step', { positive: true });
      const min = spec.get('min').number('lowest value');
      const max = spec.get('max').number('highest value', { min });
      generator = { kind, min, max, step };
      break;
    }
    case 'pick':
      generator = readPick(spec, scope);
      break;
    case 'chars':
      generator = spec.isMapping
        ? { kind, length: ref(spec.get('length'), 'length'), charset: readCharset(spec.get('charset')) }
        : { kind, length: ref(spec, 'length'), charset: CHARSETS.alphanumeric as string };
      break;
    case 'sum':
      generator = {
        kind,
        terms: spec.items('numbers and parameters to add').map((term) => ref(term, 'a term')),
      };
      break;
    case 'text': {
      const template = spec.string('a template over earlier parameters', { allowEmpty: true });
      checkTemplate(spec, template, scope);
      generator = { kind, template };
      break;
    }
    case 'repeat':
      generator = readRepeat(spec, scope);
      break;
  }
  if (kind !== 'int') {
    for (const option of ['pad', 'not']) {
      if (!field.get(option).missing)
        field.get(option).fail(`${option} applies to int parameters only`, `Remove ${option}.`);
    }
  }
  const encode = field.get('encode');
  if (encode.missing) return { generator };
  const encoding = encode.string('form or uri');
  if (encoding !== 'form' && encoding !== 'uri')
    encode.fail(
      `encode must be form or uri, got "${encoding}"`,
      'Use form (space → +, as wrk2 scripts do) or uri.',
    );
  return { generator, encode: encoding as Encoding };
}

function pair(field: YamlField, what: string): [YamlField, YamlField] {
  const items = field.items(what);
  if (items.length !== 2)
    field.fail(`${field.path} must be [min, max], got ${items.length} values`, `Write ${what}.`);
  return items as [YamlField, YamlField];
}

function readName(field: YamlField, what: string, scope: ParamScope): string {
  const name = field.string(what);
  if (!scope.names.has(name))
    field.fail(
      `"${name}" names no parameter defined before this one`,
      'Refer only to parameters defined above.',
    );
  return name;
}

function readRef(field: YamlField, what: string, scope: ParamScope): NumberRef {
  const value = field.numberOrName(what);
  return typeof value === 'string' ? readName(field, what, scope) : value;
}

function readCharset(field: YamlField): string {
  if (field.missing) return CHARSETS.alphanumeric as string;
  const name = field.string('alphanumeric, digits, or the characters themselves');
  return CHARSETS[name] ?? name;
}

function readPick(spec: YamlField, scope: ParamScope): ParamGeneratorSpec {
  if (spec.isList) {
    const values = spec.items('values').map((item) => item.string('a value', { allowEmpty: true }));
    if (values.length === 0) spec.fail('pick needs at least one value', 'List the values to pick from.');
    return { kind: 'pick', values };
  }
  spec.entries('values or list, optional weights', ['values', 'list', 'weights']);
  const listField = spec.get('list');
  let values: readonly string[] | { list: string };
  let count: number;
  if (!listField.missing) {
    const list = listField.string('name of a list under lists');
    const named = scope.lists[list];
    if (named === undefined)
      return listField.fail(
        `no list named "${list}"`,
        `Define it under lists (known: ${Object.keys(scope.lists).join(', ') || 'none'}).`,
      );
    values = { list };
    count = named.length;
  } else {
    values = spec
      .get('values')
      .items('values')
      .map((item) => item.string('a value', { allowEmpty: true }));
    count = values.length;
    if (count === 0)
      spec.get('values').fail('pick needs at least one value', 'List the values to pick from.');
  }
  const weightsField = spec.get('weights');
  if (weightsField.missing) return { kind: 'pick', values };
  const weights = weightsField
    .items('one weight per value')
    .map((item) => item.number('a weight', { min: 0 }));
  if (weights.length !== count)
    weightsField.fail(`${weights.length} weights for ${count} values`, 'Give one weight per value.');
  if (!weights.some((weight) => weight > 0))
    weightsField.fail('all weights are 0', 'Give at least one value a positive weight.');
  return { kind: 'pick', values, weights };
}

function readRepeat(spec: YamlField, scope: ParamScope): ParamGeneratorSpec {
  spec.entries('count, template, separator, params', ['count', 'template', 'separator', 'params']);
  const count = readRef(spec.get('count'), 'how many times', scope);
  if (typeof count === 'number' && count < 0)
    spec.get('count').fail('count must be ≥ 0', 'Give a count of 0 or more.');
  const params = readParams(spec.get('params'), scope);
  const inner: ParamScope = {
    names: new Set([...scope.names, ...params.map((param) => param.name)]),
    lists: scope.lists,
  };
  const templateField = spec.get('template');
  const template = templateField.string('the text repeated', { allowEmpty: true });
  checkTemplate(templateField, template, inner);
  const separator = spec.get('separator').optionalString('text between repetitions') ?? '';
  return { kind: 'repeat', count, template, separator, params };
}
