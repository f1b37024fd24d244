// Typed reading of a YAML document node by node, so that every complaint names the file, the line and the
// field (e.g. `requests[2].params.user_id.int`) the user has to fix.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { DataError } from '../core/errors.js';

interface Origin {
  file: string;
  lineCounter: LineCounter;
}

export class YamlField {
  private constructor(
    readonly node: YamlNode | null,
    /** Dotted path of the field, '(root)' for the document. */
    readonly path: string,
    private readonly origin: Origin,
    /** Where to point when the node is missing: its parent's line. */
    private readonly fallbackOffset: number,
  ) {}

  /** Parses YAML text; a syntax error is a DataError at its line. */
  static parse(text: string, file: string): YamlField {
    const lineCounter = new LineCounter();
    const document = parseDocument(text, { lineCounter, uniqueKeys: true });
    const error = document.errors[0];
    if (error !== undefined) {
      throw new DataError(
        `not valid YAML: ${error.message.split('\n')[0]}`,
        { file, line: lineCounter.linePos(error.pos[0]).line },
        { suggestion: 'Fix the YAML syntax (indentation, quoting).' },
      );
    }
    const root = (document.contents ?? null) as YamlNode | null;
    return new YamlField(root, '(root)', { file, lineCounter }, 0);
  }

  get line(): number {
    return this.origin.lineCounter.linePos(this.node?.range?.[0] ?? this.fallbackOffset).line;
  }

  get missing(): boolean {
    return this.node === null || (isScalar(this.node) && this.node.value === null);
  }

  fail(message: string, suggestion: string): never {
    throw new DataError(
      message,
      { file: this.origin.file, line: this.line, field: this.path },
      { suggestion },
    );
  }

  private child(node: YamlNode | null, path: string): YamlField {
    return new YamlField(node, path, this.origin, this.node?.range?.[0] ?? this.fallbackOffset);
  }

  private childPath(key: string | number): string {
    if (typeof key === 'number') return `${this.path === '(root)' ? '' : this.path}[${key}]`;
    return this.path === '(root)' ? key : `${this.path}.${key}`;
  }

  /** The entries of a mapping in file order; refuses keys outside `allowed` when given. */
  entries(what: string, allowed?: readonly string[]): [string, YamlField][] {
    if (!isMap(this.node))
      this.fail(`${this.path} must be a mapping (${what})`, `Write ${this.path} as key: value lines.`);
    return this.node.items.map((pair) => {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const field = this.child((pair.value ?? null) as YamlNode | null, this.childPath(key));
      if (allowed !== undefined && !allowed.includes(key)) {
        field.fail(`unknown field "${key}" in ${this.path}`, `Known fields: ${allowed.join(', ')}.`);
      }
      return [key, field];
    });
  }

  /** A field of a mapping (missing fields give a field whose `missing` is true). */
  get(key: string): YamlField {
    if (!isMap(this.node))
      this.fail(`${this.path} must be a mapping`, `Write ${this.path} as key: value lines.`);
    const pair = this.node.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
    return this.child((pair?.value ?? null) as YamlNode | null, this.childPath(key));
  }

  items(what: string): YamlField[] {
    if (!isSeq(this.node))
      this.fail(`${this.path} must be a list (${what})`, `Write ${this.path} as a YAML list.`);
    return this.node.items.map((item, index) => this.child(item as YamlNode, this.childPath(index)));
  }

  get isList(): boolean {
    return isSeq(this.node);
  }

  get isMapping(): boolean {
    return isMap(this.node);
  }

  private scalar(): unknown {
    return isScalar(this.node) ? this.node.value : undefined;
  }

  string(what: string, options: { allowEmpty?: boolean } = {}): string {
    const value = this.scalar();
    if (this.missing) this.fail(`${this.path} is missing (${what})`, `Give ${this.path}.`);
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (typeof value !== 'string')
      this.fail(`${this.path} must be text (${what})`, `Give ${this.path} as a string.`);
    if (value === '' && options.allowEmpty !== true)
      this.fail(`${this.path} must not be empty`, `Give ${this.path}.`);
    return value;
  }

  optionalString(what: string): string | undefined {
    return this.missing ? undefined : this.string(what, { allowEmpty: true });
  }

  number(what: string, check: { min?: number; integer?: boolean; positive?: boolean } = {}): number {
    const value = this.scalar();
    if (this.missing) this.fail(`${this.path} is missing (${what})`, `Give ${this.path}.`);
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.fail(
        `${this.path} must be a number (${what}), got ${JSON.stringify(value ?? this.node?.toString())}`,
        `Give ${this.path} as a plain number.`,
      );
    }
    if (check.integer === true && !Number.isSafeInteger(value))
      this.fail(`${this.path} must be a whole number, got ${value}`, `Round ${this.path}.`);
    if (check.positive === true && !(value > 0))
      this.fail(`${this.path} must be > 0, got ${value}`, `Give ${this.path} a positive value.`);
    if (check.min !== undefined && value < check.min)
      this.fail(`${this.path} must be ≥ ${check.min}, got ${value}`, `Raise ${this.path}.`);
    return value;
  }

  /** A number, or the name of something (a parameter): for bounds that may refer to an earlier parameter. */
  numberOrName(what: string): number | string {
    const value = this.scalar();
    return typeof value === 'string' ? this.string(what) : this.number(what, { integer: true });
  }
}
