// The input files of an import: the paths given, directories walked recursively in sorted order (so the
// output does not depend on readdir order), each with its size for progress by bytes.
import fs from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../core/errors.js';

export interface InputFile {
  path: string;
  size: number;
  /** Named on the command line (an unrecognised one is an error) rather than found in a directory. */
  explicit: boolean;
}

const DATA_FILE = /\.(csv|csv\.gz|json|txt|txt\.gz|tsv)$/i;

function walk(dir: string, into: InputFile[]): void {
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, into);
    else if (entry.isFile() && DATA_FILE.test(entry.name)) {
      into.push({ path, size: fs.statSync(path).size, explicit: false });
    }
  }
}

export function listInputFiles(paths: readonly string[]): InputFile[] {
  const files: InputFile[] = [];
  for (const path of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(path);
    } catch {
      throw new UsageError(`input ${path} does not exist`, { suggestion: 'Check the path.' });
    }
    if (stat.isDirectory()) walk(path, files);
    else files.push({ path, size: stat.size, explicit: true });
  }
  if (files.length === 0) {
    throw new UsageError(`no data files (.csv, .csv.gz, .json) under ${paths.join(', ')}`, {
      suggestion: 'Point the import at the dataset files or the folders holding them.',
    });
  }
  return files;
}
