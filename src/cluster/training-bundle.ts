// Directories as a bundle that fits Kubernetes ConfigMaps: the run directories sent to a training Job, and the
// model directory it sends back. No tar is needed: the files are concatenated and gzip'd as one stream, and a
// JSON manifest lists each file's place in it with its sha256; the gzip'd bytes are cut into chunks below the API
// server's 1 MiB ConfigMap limit (900 KiB, leaving room for the manifest and metadata), each with its own sha256.
// A chunk is a ConfigMap binaryData key ("part-000", …) and the manifest is the key "bundle.json", so the keys of
// all the ConfigMaps of one bundle can be projected into one directory of the pod. Unpacking checks every chunk
// and every file and refuses paths that would leave the target directory.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, relative, sep } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DataError, UsageError } from '../core/errors.js';

export const BUNDLE_FORMAT = 'rescape.bundle/v1';
export const MANIFEST_KEY = 'bundle.json';
/** Raw bytes per chunk: a ConfigMap may hold 1 MiB of data in all. */
export const CHUNK_BYTES = 900 * 1024;
/** ConfigMaps one bundle may take: etcd is no blob store, and a run this large belongs on a volume. */
export const MAX_CHUNKS = 32;

export interface BundleFile {
  /** Path inside the bundle, "/"-separated, e.g. "0/ms_metric.csv". */
  path: string;
  size: number;
  sha256: string;
}

export interface BundleChunk {
  key: string;
  size: number;
  sha256: string;
}

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  /** Top-level directories of the bundle in the order given (e.g. one per run directory). */
  roots: string[];
  files: BundleFile[];
  /** Bytes of all files, uncompressed. */
  bytes: number;
  chunks: BundleChunk[];
}

export interface Bundle {
  manifest: BundleManifest;
  /** Binary chunks by key (the keys of manifest.chunks). */
  chunks: Map<string, Buffer>;
}

export interface PackOptions {
  /** Relative directory names left out wherever they occur (e.g. "checkpoint"). */
  excludeDirectories?: readonly string[];
  chunkBytes?: number;
  maxChunks?: number;
}

/** Packs each directory under its root name (its files recursively, in sorted order). */
export function packDirectories(
  roots: readonly { name: string; dir: string }[],
  options: PackOptions = {},
): Bundle {
  const excluded = new Set(options.excludeDirectories ?? []);
  const files: BundleFile[] = [];
  const contents: Buffer[] = [];
  for (const root of roots) {
    for (const path of listFiles(root.dir, excluded)) {
      const bytes = readFileSync(join(root.dir, path));
      files.push({
        path: `${root.name}/${path.split(sep).join('/')}`,
        size: bytes.length,
        sha256: sha256(bytes),
      });
      contents.push(bytes);
    }
  }
  const gzipped = gzipSync(Buffer.concat(contents), { level: 9 });
  const chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
  const maxChunks = options.maxChunks ?? MAX_CHUNKS;
  const count = Math.max(1, Math.ceil(gzipped.length / chunkBytes));
  if (count > maxChunks) {
    throw new UsageError(
      `${roots.map((r) => r.dir).join(', ')}: ${(gzipped.length / 2 ** 20).toFixed(1)} MiB compressed, more than the ${maxChunks} ConfigMaps of ${Math.round(chunkBytes / 1024)} KiB rescape puts in the cluster's etcd`,
      {
        suggestion:
          'Train on fewer or shorter runs (rescape export --from/--to cuts a run), or train locally on a machine with the run.',
      },
    );
  }
  const chunks = new Map<string, Buffer>();
  const described: BundleChunk[] = [];
  for (let index = 0; index < count; index++) {
    const chunk = gzipped.subarray(index * chunkBytes, (index + 1) * chunkBytes);
    const key = chunkKey(index);
    chunks.set(key, chunk);
    described.push({ key, size: chunk.length, sha256: sha256(chunk) });
  }
  const bytes = files.reduce((sum, file) => sum + file.size, 0);
  return {
    manifest: { format: BUNDLE_FORMAT, roots: roots.map((r) => r.name), files, bytes, chunks: described },
    chunks,
  };
}

export function chunkKey(index: number): string {
  return `part-${String(index).padStart(3, '0')}`;
}

/** The manifest from its JSON text; `source` names where it came from in errors. */
export function parseManifest(text: string, source: string): BundleManifest {
  let manifest: Partial<BundleManifest>;
  try {
    manifest = JSON.parse(text) as Partial<BundleManifest>;
  } catch (error) {
    throw new DataError(`not JSON: ${(error as Error).message}`, { file: source, field: MANIFEST_KEY });
  }
  if (
    manifest.format !== BUNDLE_FORMAT ||
    !Array.isArray(manifest.files) ||
    !Array.isArray(manifest.chunks) ||
    !Array.isArray(manifest.roots)
  ) {
    throw new DataError(
      `not a ${BUNDLE_FORMAT} manifest`,
      { file: source, field: 'format' },
      {
        suggestion: 'The bundle was written by another rescape version or is damaged; run the command again.',
      },
    );
  }
  return manifest as BundleManifest;
}

/**
 * Checks every chunk and file of the bundle (chunks looked up by key through `chunkOf`) and writes the files under
 * `into`. Returns the absolute directory of each root, in manifest order.
 */
export function unpackBundle(
  manifest: BundleManifest,
  chunkOf: (key: string) => Buffer | undefined,
  into: string,
  source: string,
): string[] {
  const parts = manifest.chunks.map((chunk) => {
    const bytes = chunkOf(chunk.key);
    if (bytes === undefined) {
      throw new DataError(`chunk ${chunk.key} is missing`, { file: source, field: chunk.key });
    }
    if (bytes.length !== chunk.size || sha256(bytes) !== chunk.sha256) {
      throw new DataError(
        `chunk ${chunk.key} does not match its sha256 (${bytes.length} bytes, expected ${chunk.size})`,
        { file: source, field: chunk.key },
        { suggestion: 'The bundle was changed or cut short in transit; run the command again.' },
      );
    }
    return bytes;
  });
  const all = gunzipSync(Buffer.concat(parts));
  if (all.length !== manifest.bytes) {
    throw new DataError(`the bundle holds ${all.length} bytes, its manifest ${manifest.bytes}`, {
      file: source,
    });
  }
  let offset = 0;
  for (const file of manifest.files) {
    const bytes = all.subarray(offset, offset + file.size);
    offset += file.size;
    if (sha256(bytes) !== file.sha256) {
      throw new DataError(`${file.path} does not match its sha256`, { file: source, field: file.path });
    }
    const target = insideDirectory(into, file.path, source);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, bytes);
  }
  return manifest.roots.map((root) => insideDirectory(into, root, source));
}

/** Chunks and manifest from a directory holding the bundle's keys as files (ConfigMaps mounted as a volume). */
export function unpackMountedBundle(mounted: string, into: string): string[] {
  const manifest = parseManifest(
    readFileSync(join(mounted, MANIFEST_KEY), 'utf8'),
    join(mounted, MANIFEST_KEY),
  );
  return unpackBundle(
    manifest,
    (key) => {
      try {
        return readFileSync(join(mounted, key));
      } catch {
        return undefined;
      }
    },
    into,
    mounted,
  );
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function listFiles(dir: string, excluded: ReadonlySet<string>): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { recursive: true, withFileTypes: true });
  } catch (error) {
    throw new UsageError(
      `${dir}: cannot read the directory (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      {
        suggestion: 'Give an existing run directory.',
      },
    );
  }
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath ?? entry.path, entry.name)))
    .filter((path) => !path.split(sep).some((part) => excluded.has(part)))
    .sort();
}

/** `path` below `root`; a path that would escape it (absolute, or with ..) is a DataError. */
function insideDirectory(root: string, path: string, source: string): string {
  const cleaned = normalize(path);
  if (isAbsolute(cleaned) || cleaned === '..' || cleaned.startsWith(`..${sep}`)) {
    throw new DataError(`refusing the path "${path}", which leaves the bundle's directory`, {
      file: source,
      field: path,
    });
  }
  return join(root, cleaned);
}
