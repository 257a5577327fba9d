// The U-Net's topology as data: which ResBlocks sit at which level with which channel counts, and the
// flat list of weighted layers. Specs, parameter/FLOP counts and `apply` all read this one plan.
import { levelChannels, type UNetConfig } from './config';

/** A ResBlock: GN, SiLU, conv3×3, + dense(emb), GN, SiLU, conv3×3, + (1×1 skip if cin ≠ cout). */
export interface ResBlockPlan {
  /** Name prefix, e.g. `down.0.res.0`. */
  name: string;
  cin: number;
  cout: number;
  /** Resolution level: the block runs at H/2^level × W/2^level. */
  level: number;
}

export interface UpPlan {
  /** Level the upsample lands on (0 = full resolution). */
  level: number;
  /** Channels entering the upsample (= channels of the previous, coarser stage). */
  cin: number;
  /** Name of the 3×3 conv after the nearest upsample, or null when config.upConv is false. */
  conv: string | null;
  /** Channels of the skip concatenated after the upsample. */
  skipChannels: number;
  res: ResBlockPlan[];
}

export interface UNetPlan {
  /** Per level, the ResBlocks on the way down; each level but the deepest ends in a skip + down2. */
  down: ResBlockPlan[][];
  mid: ResBlockPlan;
  /** From the coarsest upsample (level L−2) to full resolution (level 0). */
  up: UpPlan[];
}

export function planUNet(c: UNetConfig): UNetPlan {
  const levels = c.channelMults.length;
  const down: ResBlockPlan[][] = [];
  let ch = levelChannels(c, 0); // channels after the input conv
  for (let l = 0; l < levels; l++) {
    const blocks: ResBlockPlan[] = [];
    for (let i = 0; i < c.resBlocks[l]; i++) {
      blocks.push({ name: `down.${l}.res.${i}`, cin: ch, cout: levelChannels(c, l), level: l });
      ch = levelChannels(c, l);
    }
    down.push(blocks);
  }
  const mid: ResBlockPlan = { name: 'mid.res.0', cin: ch, cout: ch, level: levels - 1 };
  const up: UpPlan[] = [];
  for (let l = levels - 2; l >= 0; l--) {
    const skipChannels = levelChannels(c, l); // the last down block of level l outputs this
    const res: ResBlockPlan[] = [];
    let cin = ch + skipChannels;
    for (let i = 0; i < c.resBlocks[l]; i++) {
      res.push({ name: `up.${l}.res.${i}`, cin, cout: levelChannels(c, l), level: l });
      cin = levelChannels(c, l);
    }
    up.push({ level: l, cin: ch, conv: c.upConv ? `up.${l}.conv` : null, skipChannels, res });
    ch = levelChannels(c, l);
  }
  return { down, mid, up };
}

/** How a layer's weights start (unet.ts `init`). */
export type InitKind = 'he' | 'glorot' | 'zero' | 'embedding';

/** One weighted layer. Weight names are `${name}.w`/`.b` (conv, dense), `.gamma`/`.beta` (norm), `.w` (table). */
export type Layer =
  | { kind: 'conv'; name: string; k: number; cin: number; cout: number; level: number; init: InitKind }
  | { kind: 'dense'; name: string; cin: number; cout: number; init: InitKind }
  | { kind: 'norm'; name: string; c: number }
  | { kind: 'table'; name: string; rows: number; cols: number };

function resBlockLayers(b: ResBlockPlan, embedDim: number): Layer[] {
  const layers: Layer[] = [
    { kind: 'norm', name: `${b.name}.norm1`, c: b.cin },
    { kind: 'conv', name: `${b.name}.conv1`, k: 3, cin: b.cin, cout: b.cout, level: b.level, init: 'he' },
    { kind: 'dense', name: `${b.name}.temb`, cin: embedDim, cout: b.cout, init: 'he' },
    { kind: 'norm', name: `${b.name}.norm2`, c: b.cout },
    { kind: 'conv', name: `${b.name}.conv2`, k: 3, cin: b.cout, cout: b.cout, level: b.level, init: 'he' },
  ];
  if (b.cin !== b.cout) {
    layers.push({ kind: 'conv', name: `${b.name}.skip`, k: 1, cin: b.cin, cout: b.cout, level: b.level, init: 'glorot' });
  }
  return layers;
}

/** Every weighted layer in a fixed order (the order of the weight file). */
export function unetLayers(c: UNetConfig, plan: UNetPlan = planUNet(c)): Layer[] {
  const e = c.embedDim;
  const layers: Layer[] = [
    { kind: 'dense', name: 'time.dense0', cin: c.timeFeatures, cout: e, init: 'glorot' },
    { kind: 'dense', name: 'time.dense1', cin: e, cout: e, init: 'he' },
  ];
  if (c.extraScalar) {
    layers.push(
      { kind: 'dense', name: 'scalar.dense0', cin: c.timeFeatures, cout: e, init: 'glorot' },
      { kind: 'dense', name: 'scalar.dense1', cin: e, cout: e, init: 'he' },
    );
  }
  if (c.classes > 0) layers.push({ kind: 'table', name: 'class.embed', rows: c.classes + 1, cols: e });
  const c0 = levelChannels(c, 0);
  layers.push({ kind: 'conv', name: 'in.conv', k: 3, cin: c.imageChannels + c.extraChannels, cout: c0, level: 0, init: 'glorot' });
  for (const blocks of plan.down) for (const b of blocks) layers.push(...resBlockLayers(b, e));
  layers.push(...resBlockLayers(plan.mid, e));
  for (const u of plan.up) {
    if (u.conv) layers.push({ kind: 'conv', name: u.conv, k: 3, cin: u.cin, cout: u.cin, level: u.level, init: 'he' });
    for (const b of u.res) layers.push(...resBlockLayers(b, e));
  }
  layers.push(
    { kind: 'norm', name: 'out.norm', c: c0 },
    { kind: 'conv', name: 'out.conv', k: 3, cin: c0, cout: c.outChannels, level: 0, init: 'zero' },
  );
  return layers;
}
