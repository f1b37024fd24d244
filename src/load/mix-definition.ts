// A request mix as data: the request types of a benchmark's workload with their weights, and how each one's
// method, path, headers and body are generated (templates over randomly drawn parameters). The built-in mixes
// (manifests/load-mixes/*.yaml) restate DeathStarBench's wrk2 Lua scripts in this form; users write their own.

export const MIX_FORMAT = 'rescape.load-mix/v1';

/** A parameter bound or count: a number, or the name of an earlier parameter holding one. */
export type NumberRef = number | string;

export type Encoding = 'form' | 'uri';

export type ParamGeneratorSpec =
  /** Uniform integer in [min, max]; `not` redraws while equal to another parameter (a user never mentions themself). */
  | { kind: 'int'; min: NumberRef; max: NumberRef; pad?: number; not?: string }
  /** Uniform on the grid min, min+step, …, max; printed with the step's decimals, as Lua prints such a float. */
  | { kind: 'decimal'; min: number; max: number; step: number }
  /** One of the values (or of a named list), uniformly or by weights. */
  | { kind: 'pick'; values: readonly string[] | { list: string }; weights?: readonly number[] }
  /** `length` characters drawn from a character set. */
  | { kind: 'chars'; length: NumberRef; charset: string }
  /** Sum of numbers and parameters. */
  | { kind: 'sum'; terms: readonly NumberRef[] }
  /** A template over earlier parameters. */
  | { kind: 'text'; template: string }
  /** `count` renderings of a template, each with fresh inner parameters, joined by `separator`. */
  | {
      kind: 'repeat';
      count: NumberRef;
      template: string;
      separator: string;
      params: readonly ParamDefinition[];
    };

export interface ParamDefinition {
  name: string;
  generator: ParamGeneratorSpec;
  /** Percent-encoding applied to the value: `form` is wrk2's urlEncode (space → +), `uri` encodeURIComponent. */
  encode?: Encoding;
}

export interface RequestDefinition {
  name: string;
  /** Share of the mix; weights need not sum to anything. */
  weight: number;
  method: string;
  /** Path and query template, starting with '/'; joined to the target URL's path. */
  path: string;
  headers: readonly (readonly [string, string])[];
  body?: string;
  params: readonly ParamDefinition[];
}

export interface MixDefinition {
  name: string;
  /** Where the mix comes from (for built-in mixes, the DeathStarBench script it restates). */
  source?: string;
  /** File it was read from, for messages. */
  file: string;
  lists: Readonly<Record<string, readonly string[]>>;
  requests: readonly RequestDefinition[];
}

export const CHARSETS: Readonly<Record<string, string>> = {
  // wrk2's Lua scripts draw from this 62-character set (lower, upper, digits).
  alphanumeric: 'qwertyuiopasdfghjklzxcvbnmQWERTYUIOPASDFGHJKLZXCVBNM1234567890',
  digits: '1234567890',
};

/** `{{name}}` placeholders of a template. */
export const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
