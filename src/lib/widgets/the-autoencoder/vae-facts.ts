// What lesson 4 reads from the autoencoder's manifest (pretrained/vae/manifest.json, served at
// /models/vae/manifest.json; format in src/lib/models/vae-manifest.ts, which widgets may not import):
// the latent's shape (LDM's f and c, Rombach et al. 2022 §3.1), the two phases, the loss curves of
// every term and the evaluation's figures. Read defensively: a figure that is absent (the interim
// model has no evaluation yet, and maybe no phase-1 decoder) is reported as absent, never filled in.

export interface QualityFigure {
  psnr: number;
  /** High-frequency energy as a share of the truth's (1 = as detailed as the true render). */
  hfRatio: number;
}

/** The evaluation's figures on held-out 1024² scenes; each entry null when it was not measured. */
export interface VaeEvaluation {
  scenes: number | null;
  final: QualityFigure | null;
  phase1: QualityFigure | null;
  bicubic: QualityFigure | null;
  cascade: QualityFigure | null;
}

export interface LatentFigures {
  mean: number[];
  std: number[];
  scaleFactor: number | null;
}

export interface VaeFacts {
  /** c, the latent's channels. */
  channels: number;
  /** f, the side of the pixel patch one latent cell stands for: 2^(levels − 1). */
  factor: number;
  /** Widths per level, full resolution first. */
  widths: number[];
  encoderBlocks: number[];
  decoderBlocks: number[];
  params: { encoder: number; decoder: number } | null;
  /** Forward FLOPs at 1024², when recorded. */
  flops1024: { encoder: number; decoder: number } | null;
  phases: { phase1Steps: number; phase2Steps: number; discWarmup: number };
  steps: number;
  wallTimeSeconds: number;
  /** Whether the weight file holds the phase-1 decoder beside the final one. */
  hasPhase1: boolean;
  /** Steps of a phase 2 that ran but whose decoder this export leaves out (train/vae/vae-export.ts phase1Only), or null. */
  phase2NotShipped: number | null;
  /** Of those, the steps that trained the discriminator alone (0 when not recorded). */
  phase2NotShippedWarmup: number;
  /** Per loss term (l1, grad, kl, adv, disc, lambda), the terms present only. */
  lossCurves: Record<string, [number, number][]>;
  evaluation: VaeEvaluation;
  latent: LatentFigures | null;
  /** Training settings recorded in data.details (batch, crop, loss weights), when present. */
  details: { batch: number | null; crop: number | null; klWeight: number | null; discWeight: number | null };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const ints = (v: unknown): number[] | null => (Array.isArray(v) && v.length > 0 && v.every((x) => Number.isInteger(x) && x >= 0) ? (v as number[]) : null);
const numOr = (v: unknown): number | null => (isNum(v) ? v : null);

function figureOf(v: unknown): QualityFigure | null {
  if (!isObj(v)) return null;
  return isNum(v.psnr) && isNum(v.hfRatio) ? { psnr: v.psnr, hfRatio: v.hfRatio } : null;
}

/**
 * The evaluation's figures (train/vae/vae-eval.ts): `evaluation.reconstruction` holds `scenes` and the
 * figures `decoderFinal`, `decoderPhase1`, `bicubic` and `cascade` ({ psnr, psnrMin, hfRatio }), each
 * null when it was not measured (no phase-1 decoder, no cascade models).
 */
export function evaluationOf(raw: unknown): VaeEvaluation {
  const r = isObj(raw) && isObj(raw.reconstruction) ? raw.reconstruction : null;
  if (!r) return { scenes: null, final: null, phase1: null, bicubic: null, cascade: null };
  return {
    scenes: numOr(r.scenes),
    final: figureOf(r.decoderFinal),
    phase1: figureOf(r.decoderPhase1),
    bicubic: figureOf(r.bicubic),
    cascade: figureOf(r.cascade),
  };
}

export function latentFiguresOf(raw: unknown): LatentFigures | null {
  const l = isObj(raw) ? raw.latent : null;
  if (!isObj(l)) return null;
  const mean = l.mean;
  const std = l.std;
  if (!Array.isArray(mean) || !Array.isArray(std) || !mean.every(isNum) || !std.every(isNum) || mean.length !== std.length || mean.length === 0) return null;
  return { mean: mean as number[], std: std as number[], scaleFactor: numOr(l.scaleFactor) };
}

/** The [step, value] pairs of each term that has any; malformed points are dropped. */
export function lossCurvesOf(raw: unknown): Record<string, [number, number][]> {
  const out: Record<string, [number, number][]> = {};
  if (!isObj(raw)) return out;
  for (const [term, points] of Object.entries(raw)) {
    if (!Array.isArray(points)) continue;
    const good = points.filter((p): p is [number, number] => Array.isArray(p) && p.length === 2 && isNum(p[0]) && isNum(p[1]));
    if (good.length > 0) out[term] = good;
  }
  return out;
}

/** The facts of the manifest (parsed JSON); throws naming the field when the latent's shape cannot be read. */
export function vaeFacts(raw: unknown, file: string): VaeFacts {
  if (!isObj(raw) || !isObj(raw.config)) throw new Error(`${file}: field "config" must be an object`);
  const config = raw.config;
  const channels = config.latentChannels;
  if (!Number.isInteger(channels) || (channels as number) < 1) throw new Error(`${file}: config.latentChannels must be a positive integer`);
  const widths = ints(config.channels);
  if (!widths || widths.length < 2) throw new Error(`${file}: config.channels must list at least 2 levels`);
  const phases = isObj(raw.phases) ? raw.phases : {};
  const params = isObj(raw.paramCount) && isNum(raw.paramCount.encoder) && isNum(raw.paramCount.decoder) ? { encoder: raw.paramCount.encoder, decoder: raw.paramCount.decoder } : null;
  const flopRow = Array.isArray(raw.flops) ? raw.flops.find((r) => isObj(r) && r.height === 1024 && isNum(r.encoder) && isNum(r.decoder)) : undefined;
  const details = isObj(raw.data) && isObj(raw.data.details) ? raw.data.details : {};
  const loss = isObj(details.loss) ? details.loss : {};
  return {
    channels: channels as number,
    factor: 2 ** (widths.length - 1),
    widths,
    encoderBlocks: ints(config.encoderBlocks) ?? [],
    decoderBlocks: ints(config.decoderBlocks) ?? [],
    params,
    flops1024: isObj(flopRow) ? { encoder: flopRow.encoder as number, decoder: flopRow.decoder as number } : null,
    phases: { phase1Steps: numOr(phases.phase1Steps) ?? 0, phase2Steps: numOr(phases.phase2Steps) ?? 0, discWarmup: numOr(phases.discWarmup) ?? 0 },
    steps: numOr(raw.steps) ?? 0,
    wallTimeSeconds: numOr(raw.wallTimeSeconds) ?? 0,
    hasPhase1: Array.isArray(raw.phase1Weights) && raw.phase1Weights.length > 0,
    phase2NotShipped: isObj(details.phase2NotShipped) ? numOr(details.phase2NotShipped.stepsRun) : null,
    phase2NotShippedWarmup: isObj(details.phase2NotShipped) ? (numOr(details.phase2NotShipped.discWarmup) ?? 0) : 0,
    lossCurves: lossCurvesOf(raw.lossCurves),
    evaluation: evaluationOf(raw.evaluation),
    latent: latentFiguresOf(raw.evaluation),
    details: { batch: numOr(details.batch), crop: numOr(details.crop), klWeight: numOr(loss.kl), discWeight: numOr(details.discWeight) },
  };
}

/** How many numbers go in and come out: size²·3 pixels values against (size/f)²·c latent values. */
export function squeezeCounts(facts: Pick<VaeFacts, 'channels' | 'factor'>, size = 1024): { pixels: number; side: number; latent: number; ratio: number } {
  const side = size / facts.factor;
  const pixels = size * size * 3;
  const latent = side * side * facts.channels;
  return { pixels, side, latent, ratio: pixels / latent };
}

/** Whether the adversarial phase ran: some phase-2 steps past the discriminator's warm-up, and a phase-1 decoder kept beside. */
export function adversarialTrained(facts: Pick<VaeFacts, 'phases' | 'hasPhase1'>): boolean {
  return facts.hasPhase1 && facts.phases.phase2Steps > facts.phases.discWarmup;
}
