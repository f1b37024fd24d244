// load-settings.json: the options a load run was started with, written into its out directory before the first
// step, so that `rescape load --resume <dir>` continues it with exactly those settings (and the same seed, hence
// the same concurrency draws, arrivals and request contents) even after a kill that left no load-result.json.
import fs from 'node:fs';
import { resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { DataError, RescapeError } from '../core/errors.js';
import { checkLoadOptions, type CheckedLoadOptions, type LoadOptions } from './load-options.js';

export const LOAD_SETTINGS_FORMAT = 'rescape.load-settings/v1';

/** Everything but `out`: the directory is where the settings are. */
export type LoadSettings = Omit<LoadOptions, 'out'>;

export function writeLoadSettings(file: string, options: LoadOptions): void {
  const { out: _out, ...settings } = options;
  // An absolute mix path, so that a resume from another working directory reads the same file.
  const recorded: LoadSettings =
    settings.mixFile === undefined ? settings : { ...settings, mixFile: resolve(settings.mixFile) };
  writeFileAtomic.sync(file, `${JSON.stringify({ format: LOAD_SETTINGS_FORMAT, ...recorded }, null, 2)}\n`, {
    fsync: true,
  });
}

/** Reads and checks the settings; a missing, unreadable or inconsistent file is a DataError naming it. */
export function readLoadSettings(file: string, outDir: string): CheckedLoadOptions {
  const damaged = (message: string, field?: string, cause?: unknown): DataError =>
    new DataError(message, field === undefined ? { file } : { file, field }, {
      suggestion:
        'Only a directory written by `rescape load` (which records its settings there) can be resumed; start a new run with --out elsewhere.',
      ...(cause === undefined ? {} : { cause }),
    });
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw damaged(
      `cannot read the run's settings (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      undefined,
      error,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw damaged('not valid JSON', undefined, error);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw damaged('expected a JSON object');
  const { format, ...settings } = parsed as Record<string, unknown>;
  if (format !== LOAD_SETTINGS_FORMAT)
    throw damaged(`format is ${JSON.stringify(format)}, expected ${LOAD_SETTINGS_FORMAT}`, 'format');
  try {
    // The same checks as the command line's: what was valid when the run started is valid now.
    return checkLoadOptions({ ...(settings as unknown as LoadSettings), out: outDir });
  } catch (error) {
    if (error instanceof RescapeError)
      throw damaged(`recorded settings are not valid: ${error.message}`, undefined, error);
    throw damaged('recorded settings are not valid', undefined, error);
  }
}
