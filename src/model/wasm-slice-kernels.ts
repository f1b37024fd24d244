// Faster Slice and SplitV kernels for the wasm backend. The stock kernels (tfjs-backend-wasm 4.x) copy the
// whole input out of wasm memory (readSync) before copying the slice, so cutting a [14400, 144] tensor
// into 10 steps copied 80 MB and took ~40 ms, and every gate slice copied its full gate matrix: slicing
// was the largest cost of a GRU training step. These read the input through a view of wasm memory instead.
// Same results; other dtypes and ranks above 4 still go to the stock kernels.
// Imported directly rather than from ./tf.js, which installs these kernels (no import cycle).
import { tf, tfjsWasm } from './tfjs.cjs';

type BackendWasm = InstanceType<typeof tfjsWasm.BackendWasm>;

type KernelArgs = Parameters<tf.KernelFunc>[0];

function sliceFromView(
  backend: BackendWasm,
  x: tf.TensorInfo,
  begin: number[],
  size: number[],
): tf.TensorInfo {
  // makeOutput may grow wasm memory, which detaches older views: take the views after it.
  const out = backend.makeOutput(size, x.dtype);
  const input = backend.typedArrayFromHeap(x);
  const output = backend.typedArrayFromHeap(out);
  const strides = tf.util.computeStrides(x.shape);
  if (tf.slice_util.isSliceContinous(x.shape, begin, size)) {
    const offset = tf.slice_util.computeFlatOffset(begin, strides);
    output.set(input.subarray(offset, offset + tf.util.sizeFromShape(size)));
    return out;
  }
  // Copy innermost rows; pad the shape to rank 4 so one loop nest handles ranks 1–4.
  const pad = 4 - x.shape.length;
  const s = [...Array<number>(pad).fill(1), ...size];
  const b = [...Array<number>(pad).fill(0), ...begin];
  const st = [...Array<number>(pad).fill(0), ...strides, 1];
  const [s0 = 1, s1 = 1, s2 = 1, s3 = 1] = s;
  const [b0 = 0, b1 = 0, b2 = 0, b3 = 0] = b;
  const [t0 = 0, t1 = 0, t2 = 0] = st;
  let outOffset = 0;
  for (let i = b0; i < b0 + s0; i += 1) {
    for (let j = b1; j < b1 + s1; j += 1) {
      for (let k = b2; k < b2 + s2; k += 1) {
        const from = i * t0 + j * t1 + k * t2 + b3;
        // Short rows (a gate's columns) are cheaper to copy element by element than through subarray().
        if (s3 < 256) {
          for (let l = 0; l < s3; l += 1) output[outOffset + l] = input[from + l] ?? 0;
        } else {
          output.set(input.subarray(from, from + s3), outOffset);
        }
        outOffset += s3;
      }
    }
  }
  return out;
}

function handled(x: tf.TensorInfo, backend: unknown): backend is BackendWasm {
  return (
    backend instanceof tfjsWasm.BackendWasm &&
    x.shape.length <= 4 &&
    (x.dtype === 'float32' || x.dtype === 'int32')
  );
}

let installed = false;

/** Replaces the wasm backend's Slice and SplitV kernels (once per process). */
export function installWasmSliceKernels(): void {
  if (installed) return;
  const stockSlice = tf.getKernel('Slice', 'wasm');
  const stockSplit = tf.getKernel('SplitV', 'wasm');
  if (stockSlice === undefined || stockSplit === undefined) return;
  installed = true;

  const slice = (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
    const x = args.inputs.x;
    const { begin, size } = args.attrs as unknown as tf.SliceAttrs;
    if (x === undefined || !handled(x, args.backend)) return stockSlice.kernelFunc(args);
    const [begin_, size_] = tf.slice_util.parseSliceParams(x, begin, size);
    if (begin_ === undefined || size_ === undefined) return stockSlice.kernelFunc(args);
    return sliceFromView(args.backend, x, begin_, size_);
  };

  const split = (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
    const x = args.inputs.x;
    const { numOrSizeSplits, axis } = args.attrs as unknown as tf.SplitVAttrs;
    if (x === undefined || !handled(x, args.backend)) return stockSplit.kernelFunc(args);
    const backend = args.backend;
    const splitAxis = tf.util.parseAxisParam(axis, x.shape)[0] ?? 0;
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, splitAxis);
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((part) => {
      const size = [...x.shape];
      size[splitAxis] = part;
      const piece = sliceFromView(backend, x, [...begin], size);
      begin[splitAxis] = (begin[splitAxis] ?? 0) + part;
      return piece;
    });
  };

  tf.unregisterKernel('Slice', 'wasm');
  tf.registerKernel({ kernelName: 'Slice', backendName: 'wasm', kernelFunc: slice });
  tf.unregisterKernel('SplitV', 'wasm');
  tf.registerKernel({ kernelName: 'SplitV', backendName: 'wasm', kernelFunc: split });
}
