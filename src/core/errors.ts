// Typed errors of the core. Commands map them to exit codes; nothing in the core prints or exits.

export interface RescapeErrorOptions {
  /** What the user can do about it, phrased as an instruction. */
  suggestion?: string;
  cause?: unknown;
}

export abstract class RescapeError extends Error {
  abstract readonly kind: string;
  abstract readonly exitCode: number;
  readonly suggestion: string | undefined;

  constructor(message: string, options: RescapeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.suggestion = options.suggestion;
  }
}

/** A flag or argument is wrong; nothing was read or written. */
export class UsageError extends RescapeError {
  readonly kind = 'usage';
  readonly exitCode = 2;
}

/** Input data (a run directory, a CSV, a model) is malformed or inconsistent. */
export class DataError extends RescapeError {
  readonly kind = 'data';
  readonly exitCode = 3;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly field: string | undefined;

  constructor(
    message: string,
    location: { file?: string; line?: number; field?: string } = {},
    options: RescapeErrorOptions = {},
  ) {
    const where = [location.file, location.line].filter((part) => part !== undefined).join(':');
    const field = location.field === undefined ? '' : ` (${location.field})`;
    super(where === '' ? `${message}${field}` : `${where}: ${message}${field}`, options);
    this.file = location.file;
    this.line = location.line;
    this.field = location.field;
  }
}

/** The Kubernetes cluster refused or failed an operation. */
export class ClusterError extends RescapeError {
  readonly kind = 'cluster';
  readonly exitCode = 4;
}

/** An external program (kubectl, promtool, python3, …) failed. */
export class ExternalCommandError extends RescapeError {
  readonly kind = 'external-command';
  readonly exitCode = 5;
}

/** An operation ran past its deadline. */
export class TimeoutError extends RescapeError {
  readonly kind = 'timeout';
  readonly exitCode = 6;
}

/** A remote HTTP API (Prometheus, Jaeger, a load target) answered with an error. */
export class RemoteApiError extends RescapeError {
  readonly kind = 'remote-api';
  readonly exitCode = 7;
}

/** The operation was cancelled by the user (SIGINT/SIGTERM); what was measured is kept. */
export class InterruptedError extends RescapeError {
  readonly kind = 'interrupted';
  readonly exitCode = 130;
}
