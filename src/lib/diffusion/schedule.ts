// Noise schedules in float64: DDPM linear (Ho et al. 2020), cosine (Nichol & Dhariwal 2021, Eq. 17),
// Stable Diffusion's scaled-linear, and the resolution-shifted cosine of simple diffusion (Hoogeboom et al. 2023, Eq. 5).

/**
 * Index convention: every array has length T+1 and is indexed by t = 0..T. t = 0 is the clean image
 * (alphaBar[0] = 1, betas[0] = 0) and t = T the noisiest step. A reference implementation's 0-based
 * array index i (hojonathanho/diffusion, improved-diffusion, diffusers) is our t = i + 1. The ᾱ/SNR table
 * of science.md §1.2 uses our t; its β̃ "at t = 487" (0.00979) is the 0-based index 487, our t = 488
 * (our t = 487 gives 0.009772).
 */
export const SCHEDULE_NAMES = ['linear', 'cosine', 'scaled-linear', 'shifted-cosine'] as const;
export type ScheduleName = (typeof SCHEDULE_NAMES)[number];

export interface ScheduleOptions {
  /** Number of diffusion steps (default 1000, as in DDPM). */
  T?: number;
  /** Image side d for 'shifted-cosine' (default 64, the resolution the cosine schedule was tuned at). */
  resolution?: number;
}

/**
 * A schedule. Schedules are memoized and shared: treat every array as read-only.
 * snr[0] and logSnr[0] are +Infinity (the clean image has no noise).
 */
export interface Schedule {
  readonly name: ScheduleName;
  readonly T: number;
  /** Only meaningful for 'shifted-cosine'; 64 for the others. */
  readonly resolution: number;
  readonly betas: Float64Array;
  /** α_t = 1 − β_t. */
  readonly alphas: Float64Array;
  /** ᾱ_t = ∏_{s≤t} α_s. */
  readonly alphaBar: Float64Array;
  /** 1 − ᾱ_t, computed without cancellation (the noise variance of q(x_t | x_0)). */
  readonly oneMinusAlphaBar: Float64Array;
  /** ᾱ_t / (1 − ᾱ_t). */
  readonly snr: Float64Array;
  readonly logSnr: Float64Array;
  /** DDPM β̃_t = β_t (1 − ᾱ_{t−1}) / (1 − ᾱ_t), the variance of q(x_{t−1} | x_t, x_0); 0 at t = 0 and 1. */
  readonly posteriorVariance: Float64Array;
}

/** improved-diffusion's clip on β: keeps α_t > 0 at the last cosine step, where ᾱ(T) reaches 0. */
export const MAX_BETA = 0.999;
const COSINE_S = 0.008;

export function isScheduleName(value: unknown): value is ScheduleName {
  return typeof value === 'string' && (SCHEDULE_NAMES as readonly string[]).includes(value);
}

/** β_1..β_T evenly spaced from a to b (numpy linspace with T points), at indices 1..T. */
function linspaceBetas(T: number, a: number, b: number, square: boolean): Float64Array {
  const betas = new Float64Array(T + 1);
  for (let t = 1; t <= T; t++) {
    const v = T === 1 ? a : a + ((b - a) * (t - 1)) / (T - 1);
    betas[t] = square ? v * v : v;
  }
  return betas;
}

/**
 * The cosine SNR at continuous time u = t/T, times `snrFactor`. Written as
 * cos²(φ) / (cos²(φ₀) − cos²(φ)) = cos²(φ) / (sin(φ−φ₀)·sin(φ+φ₀)) so 1 − ᾱ keeps full precision near t = 0.
 */
function cosineSnr(u: number, snrFactor: number): number {
  const phi = (((u + COSINE_S) / (1 + COSINE_S)) * Math.PI) / 2;
  const phi0 = ((COSINE_S / (1 + COSINE_S)) * Math.PI) / 2;
  const c = Math.cos(phi);
  return (snrFactor * c * c) / (Math.sin(phi - phi0) * Math.sin(phi + phi0));
}

/**
 * β_t = min(1 − ᾱ(t)/ᾱ(t−1), 0.999) from a continuous ᾱ, as improved-diffusion's betas_for_alpha_bar.
 * The shift multiplies the SNR by (64/d)² (simple diffusion Eq. 5: log-SNR + 2·log(64/d)).
 */
function cosineBetas(T: number, resolution: number): Float64Array {
  const factor = (64 / resolution) ** 2;
  const alphaBarAt = (t: number): number => {
    if (t === 0) return 1;
    const snr = cosineSnr(t / T, factor);
    return snr / (1 + snr);
  };
  const betas = new Float64Array(T + 1);
  for (let t = 1; t <= T; t++) betas[t] = Math.min(1 - alphaBarAt(t) / alphaBarAt(t - 1), MAX_BETA);
  return betas;
}

function betasFor(name: ScheduleName, T: number, resolution: number): Float64Array {
  switch (name) {
    case 'linear': // DDPM scripts/run_cifar.py: beta_start 1e-4, beta_end 0.02
      return linspaceBetas(T, 1e-4, 0.02, false);
    case 'scaled-linear': // SD v1 config: linspace(√0.00085, √0.012)², the 'quad' schedule of DDPM's code
      return linspaceBetas(T, Math.sqrt(0.00085), Math.sqrt(0.012), true);
    case 'cosine':
      return cosineBetas(T, 64);
    case 'shifted-cosine':
      return cosineBetas(T, resolution);
  }
}

/** Every per-t quantity from β, in float64. ᾱ is the running product; 1 − ᾱ uses expm1(Σ log1p(−β)). */
function fromBetas(name: ScheduleName, T: number, resolution: number, betas: Float64Array): Schedule {
  const n = T + 1;
  const alphas = new Float64Array(n);
  const alphaBar = new Float64Array(n);
  const oneMinusAlphaBar = new Float64Array(n);
  const snr = new Float64Array(n);
  const logSnr = new Float64Array(n);
  const posteriorVariance = new Float64Array(n);
  let logAlphaBar = 0;
  alphas[0] = 1;
  alphaBar[0] = 1;
  snr[0] = Infinity;
  logSnr[0] = Infinity;
  for (let t = 1; t <= T; t++) {
    alphas[t] = 1 - betas[t];
    alphaBar[t] = alphaBar[t - 1] * alphas[t];
    logAlphaBar += Math.log1p(-betas[t]);
    oneMinusAlphaBar[t] = -Math.expm1(logAlphaBar);
    snr[t] = alphaBar[t] / oneMinusAlphaBar[t];
    logSnr[t] = Math.log(snr[t]);
    posteriorVariance[t] = (betas[t] * oneMinusAlphaBar[t - 1]) / oneMinusAlphaBar[t];
  }
  return { name, T, resolution, betas, alphas, alphaBar, oneMinusAlphaBar, snr, logSnr, posteriorVariance };
}

// Widgets call makeSchedule on every slider move; a schedule is 8 arrays of T+1 doubles, so keep them.
const cache = new Map<string, Schedule>();

/** The named schedule (memoized). Throws on a non-integer T < 1 or a non-positive resolution. */
export function makeSchedule(name: ScheduleName, opts: ScheduleOptions = {}): Schedule {
  const T = opts.T ?? 1000;
  const resolution = name === 'shifted-cosine' ? (opts.resolution ?? 64) : 64;
  if (!isScheduleName(name)) throw new Error(`unknown schedule ${String(name)}`);
  if (!Number.isInteger(T) || T < 1) throw new RangeError(`T must be a positive integer, got ${T}`);
  if (!(resolution > 0) || !Number.isFinite(resolution)) {
    throw new RangeError(`resolution must be positive, got ${resolution}`);
  }
  const key = `${name}/${T}/${resolution}`;
  let schedule = cache.get(key);
  if (!schedule) {
    schedule = fromBetas(name, T, resolution, betasFor(name, T, resolution));
    cache.set(key, schedule);
  }
  return schedule;
}

function checkT(schedule: Schedule, t: number): void {
  if (!Number.isInteger(t) || t < 0 || t > schedule.T) {
    throw new RangeError(`t must be an integer in [0, ${schedule.T}], got ${t}`);
  }
}

/** SNR at integer step t (Infinity at t = 0). */
export function snrAt(schedule: Schedule, t: number): number {
  checkT(schedule, t);
  return schedule.snr[t];
}

/** The first t in 1..T whose SNR is below `snr`, or −1 if none is. */
export function firstTBelow(schedule: Schedule, snr: number): number {
  for (let t = 1; t <= schedule.T; t++) if (schedule.snr[t] < snr) return t;
  return -1;
}

/** How many of the steps t = 1..T have SNR below `snr`. */
export function countTBelow(schedule: Schedule, snr: number): number {
  let count = 0;
  for (let t = 1; t <= schedule.T; t++) if (schedule.snr[t] < snr) count++;
  return count;
}

/**
 * The SNR after average-pooling factor×factor pixels whose noise is independent: the mean of f² noises
 * has 1/f² of the variance while a locally constant signal is unchanged (simple diffusion Eq. 4).
 */
export function pooledSnr(snr: number, factor: number): number {
  return snr * factor * factor;
}

/** ᾱ with the given SNR: SNR / (1 + SNR), and 1 for SNR = ∞. */
export function alphaBarFromSnr(snr: number): number {
  return snr === Infinity ? 1 : snr / (1 + snr);
}
