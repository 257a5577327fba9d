// The U-Net's 3×3 convolutions by Winograd's F(4×4, 3×3), or F(2×2, 3×3) where a side is not a multiple of
// 4, on our wasm kernel (winograd-wat.ts): 2.25 or 4 multiply-adds per output pixel and channel pair
// where XNNPACK's direct convolution spends 9. Shared by the engine (install.ts: one thread, transformed
// weights kept per weight tensor) and the trainer (two threads by tile ranges, weights transformed each
// call since AdamW rewrites them in place).
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelArgs } from './group-norm-forward';
import { heapOffset, heapOutput, heapView, onHeap } from './heap';
import type { PassRunner } from './module-wat';

/** The largest output tile the user allows (benchmarks compare F(2, 3) with F(4, 3)). */
let largest: 2 | 4 = 4;
export function useWinogradTile(m: 2 | 4): void {
  largest = m;
}

/** The output tile for an H × W image: 4 where both sides are multiples of 4 (and allowed), else 2. */
export function winogradTile(h: number, w: number): 2 | 4 {
  return largest === 4 && h % 4 === 0 && w % 4 === 0 ? 4 : 2;
}

/** Whether conv(x, filter) ('same', stride 1) is one this kernel takes. */
export function winogradApplies(xShape: readonly number[], filterShape: readonly number[]): boolean {
  const [, h, w, ci] = xShape;
  const [kh, kw, fci, co] = filterShape;
  return kh === 3 && kw === 3 && fci === ci && h % 2 === 0 && w % 2 === 0 && ci % 4 === 0 && co % 8 === 0;
}

/**
 * Tiles per block: V [α², block, Ci] and M [α², block, Co] (α = m + 2) within about 192 kB, so the three
 * passes find them in L2 (a multiple of 4, the GEMM's register tile). Budgets from 48 to 768 kB measured
 * within noise of each other (±10 %, six shapes from 8² × 128 to 256² × 96 and batch 16, one thread).
 */
export function winogradBlock(m: 2 | 4, ci: number, co: number, tiles: number): number {
  const fit = Math.floor(192 * 1024 / (4 * (m + 2) ** 2 * (ci + co)) / 4) * 4;
  return Math.max(4, Math.min(fit, 256, Math.ceil(tiles / 4) * 4));
}

/** How one call's output tiles are laid out and shared: the tile side m, the α² points, the block length, each thread's [first, end). */
export interface TilePlan { m: 2 | 4; points: number; block: number; ranges: [number, number][] }

/** The plan for a [B, H, W] output with Ci → Co channels, split in two halves when `parts` is 2 and there are 8 tiles or more. */
export function tilePlan(b: number, h: number, w: number, ci: number, co: number, parts: 1 | 2): TilePlan {
  const m = winogradTile(h, w);
  const tiles = b * (h / m) * (w / m);
  const split = parts === 2 && tiles >= 8 ? Math.floor(tiles / 2) : tiles;
  const ranges: [number, number][] = split < tiles ? [[0, split], [split, tiles]] : [[0, tiles]];
  return { m, points: (m + 2) ** 2, block: winogradBlock(m, ci, co, split), ranges };
}

/** U = G g Gᵀ per weight tensor, kept while the weights live on the heap (the engine's models). */
export class WinogradWeights {
  private readonly kept = new Map<object, { m: 2 | 4; u: TensorInfo }>();
  constructor(private readonly backend: KernelBackend) {}

  get(filter: TensorInfo, m: 2 | 4, run: PassRunner): TensorInfo {
    const hit = this.kept.get(filter.dataId);
    if (hit?.m === m) return hit.u;
    if (hit !== undefined) this.backend.disposeData(hit.u.dataId); // the same weights at a size of another tile
    // A new weight tensor: first free the transforms of weights that have been disposed since.
    for (const [id, held] of this.kept) {
      if (!onHeap(this.backend, id)) {
        this.backend.disposeData(held.u.dataId);
        this.kept.delete(id);
      }
    }
    const u = transformWeights(this.backend, filter, m, run);
    this.kept.set(filter.dataId, { m, u });
    return u;
  }

  /** Transforms held now. */
  get size(): number {
    return this.kept.size;
  }

  clear(): void {
    for (const { u } of this.kept.values()) this.backend.disposeData(u.dataId);
    this.kept.clear();
  }
}

/** U [α², Ci, Co] for g [3, 3, Ci, Co] and tile m; the caller disposes it. */
export function transformWeights(backend: KernelBackend, filter: TensorInfo, m: 2 | 4, run: PassRunner): TensorInfo {
  const [, , ci, co] = filter.shape;
  const u = heapOutput(backend, [(m + 2) ** 2, ci, co]);
  run(m === 4 ? 'winoWeights4' : 'winoWeights2', [heapOffset(backend, filter), heapOffset(backend, u), ci, co]);
  return u;
}

/**
 * Inputs x [B, H, W, Ci], filter [3, 3, Ci, Co], bias [Co] (optional) where winogradApplies → [B, H, W,
 * Co]; with attr `up2`, x is [B, H/2, W/2, Ci] and the conv runs on its 2× nearest upsample, which is
 * never made. With `weights` the transform is kept per filter, else made and freed here; `parts` 2
 * splits the tiles between the runner's two threads.
 */
export function winogradConv({ inputs, backend, attrs }: KernelArgs, run: PassRunner, weights: WinogradWeights | null, parts: 1 | 2): TensorInfo {
  const { x, filter, bias } = inputs as { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo };
  const up = (attrs as { up2?: boolean } | undefined)?.up2 === true ? 1 : 0;
  const [b, h, w, ci] = [x.shape[0], x.shape[1] << up, x.shape[2] << up, x.shape[3]];
  const co = filter.shape[3];
  if (!winogradApplies([b, h, w, ci], filter.shape)) throw new Error(`winogradConv: ${x.shape}${up ? ' upsampled 2×' : ''} * ${filter.shape} is not a 3×3 conv it takes`);
  const temps: TensorInfo[] = [];
  const make = (shape: number[]) => {
    const t = heapOutput(backend, shape);
    temps.push(t);
    return t;
  };
  try {
    const out = heapOutput(backend, [b, h, w, co]);
    const { m, points, block, ranges } = tilePlan(b, h, w, ci, co, parts);
    const u = weights?.get(filter, m, run) ?? temps[temps.push(transformWeights(backend, filter, m, run)) - 1];
    const zero = make([ci]);
    const biasT = bias ?? make([co]);
    const scratch = ranges.map(() => [make([points, block, ci]), make([points, block, co])]);
    // Views after the last allocation (a growing heap detaches older ones).
    heapView(backend, zero).fill(0);
    if (bias === undefined) heapView(backend, biasT).fill(0);
    const at = (t: TensorInfo) => heapOffset(backend, t);
    const args = (i: number) =>
      [at(x), at(u), at(biasT), at(out), at(zero), at(scratch[i][0]), at(scratch[i][1]), h, w, ci, co, ranges[i][0], ranges[i][1], block, up];
    run(m === 4 ? 'winoConv4' : 'winoConv2', args(0), ranges.length === 2 ? args(1) : undefined);
    return out;
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
}
