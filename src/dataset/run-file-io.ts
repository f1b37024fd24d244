// Low-level file operations of the run directory: reads that fail as DataError, complete writes, and the
// fsyncs that make appended steps durable.
import fs from 'node:fs';
import { DataError } from '../core/errors.js';

/** Reads a file of a run directory as UTF-8; a missing or unreadable file is a DataError naming it. */
export function readRunFile(file: string): string {
  return readRunBuffer(file).toString('utf8');
}

/** Reads a file of a run directory as bytes (resume needs byte offsets). */
export function readRunBuffer(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw new DataError(
      `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      { file },
      {
        suggestion: 'The run directory is incomplete; check the path or re-create the run.',
        cause: error,
      },
    );
  }
}

/**
 * Writes all of `data` at the descriptor's position. One writeSync writes everything for regular files; the
 * loop only matters if the kernel returns a short count (e.g. when the disk fills up mid-write).
 */
export function writeAll(fd: number, data: Buffer): void {
  let written = 0;
  while (written < data.length) {
    written += fs.writeSync(fd, data, written, data.length - written);
  }
}

/**
 * Makes a directory's entries (files just created or renamed) durable. Some platforms (Windows) cannot open
 * or fsync a directory; there, this is best effort.
 */
export function fsyncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EACCES') throw error;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
