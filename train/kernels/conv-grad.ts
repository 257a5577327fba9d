// Conv2D gradients for tfjs-backend-wasm 4.22, rewritten as fast kernels: dW at stride 1 in Winograd's
// domain for 'same' 3×3 convs where it applies (winograd-train.ts), else with our own direct
// wasm SIMD kernel when it is prepared (filter-grad-simd.ts) or as chunked XNNPACK GEMMs over a
// shifted-window im2col (filter-grad.ts), at other strides as a batch-as-channels convolution, and dx as
// a stride-1 convolution of the zero-dilated dy with the rotated filter (the standard transposed-
// convolution identities; measurements.md §1.3), by Winograd's F(2×2, 3×3) where it applies
// (winograd-train.ts).
import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { filterGradGemm } from './filter-grad';
import { filterGradSimd, filterGradSimdHandles } from './filter-grad-simd';
import { KernelScratch } from './kernel-scratch';
import { backpropInputWinograd, filterGradWinograd, winogradTrainApplies } from './winograd-train';

/** Per-side padding of a stride-1 convolution; a negative value crops that many input rows/cols. */
interface Pads {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/**
 * Stride-1 Conv2D with explicit, possibly negative padding: negative sides are cropped from the
 * input first (Slice), the rest is handed to XNNPACK as explicit padding.
 * x [B, H, W, Ci], filter [KH, KW, Ci, Co] → [B, H + top + bottom − effK + 1, …, Co].
 */
function conv2dStride1(s: KernelScratch, x: TensorInfo, filter: TensorInfo, pads: Pads, dilations: [number, number]): TensorInfo {
  const [b, h, w, c] = x.shape;
  const cropTop = Math.max(0, -pads.top), cropBottom = Math.max(0, -pads.bottom);
  const cropLeft = Math.max(0, -pads.left), cropRight = Math.max(0, -pads.right);
  let input = x;
  if (cropTop + cropBottom + cropLeft + cropRight > 0) {
    input = s.run('Slice', { x }, { begin: [0, cropTop, cropLeft, 0], size: [b, h - cropTop - cropBottom, w - cropLeft - cropRight, c] });
  }
  const pad = [[0, 0], [Math.max(0, pads.top), Math.max(0, pads.bottom)], [Math.max(0, pads.left), Math.max(0, pads.right)], [0, 0]];
  return s.run('Conv2D', { x: input, filter }, { strides: [1, 1], pad, dilations, dataFormat: 'NHWC', dimRoundingMode: undefined } as unknown as NamedAttrMap);
}

interface ConvGradAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function convGeometry(inShape: number[], filterShape: number[], attrs: ConvGradAttrs) {
  if (attrs.dataFormat === 'NCHW') throw new Error('wasm conv gradients: only NHWC is supported');
  const info = tf.backend_util.computeConv2DInfo(
    inShape as [number, number, number, number], filterShape as [number, number, number, number],
    attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  return info;
}

/** Whether the geometry is a 'same' 3×3 conv at stride 1 (output as large as the input), Winograd's case. */
function sameThreeByThree(info: tf.backend_util.Conv2DInfo, kh: number, kw: number): boolean {
  return info.strideHeight === 1 && info.strideWidth === 1 && kh === 3 && kw === 3 && info.padInfo.top === 1 && info.padInfo.left === 1
    && info.outHeight === info.inHeight && info.outWidth === info.inWidth;
}

/**
 * How dW is computed at stride 1: our SIMD kernel (filter-grad-simd.ts, once prepared; channels padded
 * to its tiles), chunked GEMMs (filter-grad.ts), the batch-as-channels conv, or 'auto': Winograd's
 * domain for the 'same' 3×3 convs it takes (winograd-train.ts; off with useConvMethod('xnnpack')), else
 * the SIMD kernel where it is prepared (about twice the GEMMs' rate, README "Training speed"), else the GEMM unless
 * Co < 8, where its N = Co fills less than one 8-wide XNNPACK column tile and the conv measured faster
 * (out.conv, 32 → 3 at 64²: 22 vs 28 CPU ms, batch 16, 1 thread). 'simd' falls back like 'auto' where
 * the kernel does not apply.
 */
export type FilterGradMethod = 'auto' | 'simd' | 'gemm' | 'conv';
let strideOneMethod: FilterGradMethod = 'auto';

/** A method named on a command line (`--dw=`), checked. */
export function filterGradMethod(name: string): FilterGradMethod {
  if (name === 'auto' || name === 'simd' || name === 'gemm' || name === 'conv') return name;
  throw new Error(`unknown dW method "${name}": use auto, simd, gemm or conv`);
}

/** Picks dW's method at stride 1 (benchmarks and tests compare them); strides > 1 always use the conv. */
export function useFilterGrad(method: FilterGradMethod): void {
  strideOneMethod = method;
}

/**
 * dW[kh, kw, ci, co] = Σ_{b,i,j} x[b, s·i + kh − top, s·j + kw − left, ci] · dy[b, i, j, co].
 * At stride 1, chunked GEMMs over a shifted-window im2col (filter-grad.ts). Otherwise read as a
 * convolution: input xᵀ [Ci, H, W, B] (batch ↔ channels), filter dyᵀ [Ho, Wo, B, Co] with dilation s,
 * stride 1; output [Ci, KH, KW, Co], transposed to [KH, KW, Ci, Co].
 */
export function conv2dBackpropFilter(args: { inputs: NamedTensorInfoMap; backend: KernelBackend; attrs: NamedAttrMap }): TensorInfo {
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const attrs = args.attrs as unknown as ConvGradAttrs & { filterShape: [number, number, number, number] };
  const [kh, kw] = attrs.filterShape;
  const info = convGeometry(x.shape, attrs.filterShape, attrs);
  const [, h, w] = x.shape;
  const [, ho, wo] = dy.shape;
  const { strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const s = new KernelScratch(args.backend);
  try {
    const { bottom, right } = info.padInfo;
    const geometry = { kh, kw, top, bottom, left, right };
    const auto = strideOneMethod === 'auto' || strideOneMethod === 'simd';
    // A 'same' 3×3 at stride 1: in Winograd's domain where it applies (winograd-filter-wat.ts).
    if (strideOneMethod === 'auto' && sameThreeByThree(info, kh, kw) && winogradTrainApplies(args.backend, x.shape, attrs.filterShape)) return filterGradWinograd(args.backend, x, dy);
    if (sh === 1 && sw === 1 && auto && filterGradSimdHandles(args.backend, x.shape[3], attrs.filterShape[3])) {
      return filterGradSimd(s, x, dy, geometry);
    }
    const gemm = strideOneMethod === 'gemm' || (auto && attrs.filterShape[3] >= 8);
    if (sh === 1 && sw === 1 && gemm) return filterGradGemm(s, x, dy, geometry);
    const xT = s.run('Transpose', { x }, { perm: [3, 1, 2, 0] }); // [Ci, H, W, B]
    const dyT = s.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] }); // [Ho, Wo, B, Co]
    // Output height KH = H + top + bottom − (sh·(Ho−1) + 1) + 1 fixes the bottom/right padding.
    const pads = { top, left, bottom: kh + sh * (ho - 1) - h - top, right: kw + sw * (wo - 1) - w - left };
    const dwT = conv2dStride1(s, xT, dyT, pads, [sh, sw]); // [Ci, KH, KW, Co]
    return s.keep(s.run('Transpose', { x: dwT }, { perm: [1, 2, 0, 3] })); // [KH, KW, Ci, Co]
  } finally {
    s.free();
  }
}

/**
 * dx[b, y, x, ci] = Σ dy[b, i, j, co] · W[y − s·i + top, x − s·j + left, ci, co]: a stride-1
 * convolution of dy dilated by s (s−1 zeros after every row/column) with rot180(W) in/out-swapped
 * [KH, KW, Co, Ci], padded by KH−1−top on top.
 */
export function conv2dBackpropInput(args: { inputs: NamedTensorInfoMap; backend: KernelBackend; attrs: NamedAttrMap }): TensorInfo {
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const attrs = args.attrs as unknown as ConvGradAttrs & { inputShape: [number, number, number, number] };
  const [, h, w] = attrs.inputShape;
  const [kh, kw] = filter.shape;
  const info = convGeometry(attrs.inputShape, filter.shape, attrs);
  const { strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const [b, ho, wo, co] = dy.shape;
  const s = new KernelScratch(args.backend);
  try {
    let dyd = dy; // [B, Ho·sh, Wo·sw, Co] after dilation (trailing zeros included)
    if (sh > 1 || sw > 1) {
      const dy6 = s.run('Reshape', { x: dy }, { shape: [b, ho, 1, wo, 1, co] });
      const padded = s.run('PadV2', { x: dy6 }, { paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0 });
      dyd = s.run('Reshape', { x: padded }, { shape: [b, ho * sh, wo * sw, co] });
    }
    const flipped = s.run('Reverse', { x: filter }, { dims: [0, 1] });
    const wRot = s.run('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] }); // [KH, KW, Co, Ci]
    // A 'same' 3×3 at stride 1 transposes to another: Winograd's F(2×2, 3×3) where it applies.
    if (sameThreeByThree(info, kh, kw) && winogradTrainApplies(args.backend, dy.shape, wRot.shape)) return backpropInputWinograd(args.backend, dy, wRot);
    // Output height H = Hd + top' + bottom' − KH + 1 with top' = KH−1−top gives bottom' = H − Hd + top.
    const pads = { top: kh - 1 - top, left: kw - 1 - left, bottom: h - dyd.shape[1] + top, right: w - dyd.shape[2] + left };
    return s.keep(conv2dStride1(s, dyd, wRot, pads, [1, 1]));
  } finally {
    s.free();
  }
}
