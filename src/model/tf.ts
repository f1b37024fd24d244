// The one place that imports TensorFlow.js and picks its backend. The rest of the model code imports `tf`
// from here, so the backend and its kernels are registered before any tensor exists.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { tf, tfjsWasm } from './tfjs.cjs';
import { UsageError } from '../core/errors.js';
import { installWasmSliceKernels } from './wasm-slice-kernels.js';

export { tf };

export const BACKEND_NAMES = ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface BackendChoice {
  /** The tfjs backend now active (`tensorflow`, `webgpu`, `wasm` or `cpu`). */
  backend: BackendName;
  /** One line per better backend that could not be used, saying why, in preference order. */
  fallbacks: string[];
}

/** Why a backend could not be used; the message is one line meant for the user. */
class BackendUnavailable extends Error {}

// Optional packages are loaded by a computed specifier so TypeScript does not need their types (they are
// not installed on every machine) and bundlers do not try to resolve them.
async function importOptional(specifier: string): Promise<unknown> {
  try {
    const module: unknown = await import(specifier);
    return module;
  } catch (error) {
    const code = isRecord(error) && typeof error.code === 'string' ? error.code : undefined;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new BackendUnavailable(`${specifier} is not installed`);
    }
    throw new BackendUnavailable(`${specifier} failed to load: ${firstLine(error)}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n', 1)[0] ?? text;
}

async function activate(name: string): Promise<void> {
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
    await tf.ready();
  } catch (error) {
    throw new BackendUnavailable(`the ${name} backend failed to initialise: ${firstLine(error)}`);
  }
  if (!ok || tf.getBackend() !== name)
    throw new BackendUnavailable(`the ${name} backend failed to initialise`);
}

// tfjs-node(-gpu) register the 'tensorflow' backend as a side effect of being imported. Both import
// tfjs-core themselves; they are only usable when they share our copy, which a normal install ensures.
async function loadTensorflow(): Promise<void> {
  const reasons: string[] = [];
  for (const specifier of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await importOptional(specifier);
      await activate('tensorflow');
      return;
    } catch (error) {
      if (!(error instanceof BackendUnavailable)) throw error;
      reasons.push(error.message);
    }
  }
  throw new BackendUnavailable(reasons.join('; '));
}

// The webgpu backend needs a WebGPU implementation; under Node that is the `webgpu` package (Dawn),
// which installs `navigator.gpu` when asked. Without an adapter (no GPU, no Vulkan) it cannot run.
async function loadWebgpu(): Promise<void> {
  // On Linux Dawn reaches the GPU through Vulkan; without the loader it prints a native warning on every
  // start and finds no adapter, so say so in one line instead of loading it.
  if (process.platform === 'linux' && vulkanLoaderPath() === undefined) {
    throw new BackendUnavailable(
      'webgpu needs the Vulkan loader (libvulkan.so.1, Debian package libvulkan1)',
    );
  }
  const dawn = await importOptional('webgpu');
  const globals = isRecord(dawn) ? dawn.globals : undefined;
  const create = isRecord(dawn) ? dawn.create : undefined;
  if (typeof create !== 'function') throw new BackendUnavailable('the webgpu package has no create()');
  const global = globalThis as unknown as Record<string, unknown>;
  if (isRecord(globals)) Object.assign(global, globals);
  const gpu: unknown = create.call(dawn, []);
  const navigator = global.navigator;
  if (navigator === undefined) {
    Object.defineProperty(global, 'navigator', { value: { gpu }, configurable: true });
  } else if (isRecord(navigator) && !('gpu' in navigator)) {
    Object.defineProperty(navigator, 'gpu', { value: gpu, configurable: true });
  }
  const requestAdapter = isRecord(gpu) ? gpu.requestAdapter : undefined;
  const adapter: unknown = typeof requestAdapter === 'function' ? await requestAdapter.call(gpu) : null;
  if (adapter === null || adapter === undefined) throw new BackendUnavailable('webgpu found no GPU adapter');
  await importOptional('@tensorflow/tfjs-backend-webgpu');
  await activate('webgpu');
}

/** Where the dynamic linker would find libvulkan.so.1 (LD_LIBRARY_PATH first, then the usual libdirs). */
export function vulkanLoaderPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = [
    ...(env.LD_LIBRARY_PATH ?? '').split(':').filter((dir) => dir !== ''),
    '/usr/lib/x86_64-linux-gnu',
    '/usr/lib/aarch64-linux-gnu',
    '/usr/lib64',
    '/usr/lib',
    '/lib/x86_64-linux-gnu',
    '/usr/local/lib',
  ];
  return dirs.map((dir) => join(dir, 'libvulkan.so.1')).find((file) => existsSync(file));
}

let wasmPathsSet = false;

// Under Node the wasm loader reads its .wasm files from disk; point it at the package's dist folder so
// it finds them wherever node_modules is (a global install, a bundled CLI).
async function loadWasm(): Promise<void> {
  if (!wasmPathsSet) {
    const require = createRequire(import.meta.url);
    const packageJson = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
    tfjsWasm.setWasmPaths(`${join(dirname(packageJson), 'dist')}/`);
    wasmPathsSet = true;
  }
  installWasmSliceKernels();
  await activate('wasm');
}

const loaders: Record<BackendName, () => Promise<void>> = {
  tensorflow: loadTensorflow,
  webgpu: loadWebgpu,
  wasm: loadWasm,
  cpu: () => activate('cpu'),
};

/**
 * Activates the best backend that loads, in the order tensorflow > webgpu > wasm > cpu, or exactly
 * `preferred` when given (a forced backend that cannot load is a UsageError, not a silent fallback).
 */
export async function selectBackend(preferred?: BackendName): Promise<BackendChoice> {
  if (preferred !== undefined) {
    try {
      await loaders[preferred]();
    } catch (error) {
      if (!(error instanceof BackendUnavailable)) throw error;
      throw new UsageError(`backend ${preferred} is not available: ${error.message}`, {
        suggestion: `use --backend wasm or --backend cpu, or leave --backend out to pick the best available`,
        cause: error,
      });
    }
    return { backend: preferred, fallbacks: [] };
  }
  const fallbacks: string[] = [];
  for (const name of BACKEND_NAMES) {
    try {
      await loaders[name]();
      return { backend: name, fallbacks };
    } catch (error) {
      if (!(error instanceof BackendUnavailable)) throw error;
      fallbacks.push(`${name}: ${error.message}`);
    }
  }
  // cpu is pure JavaScript and always registers; reaching here means tfjs itself is broken.
  throw new UsageError(`no TensorFlow.js backend could be initialised (${fallbacks.join('; ')})`);
}
