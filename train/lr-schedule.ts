// Learning-rate schedule: linear warm-up, then cosine decay to a floor (SGDR's cosine, Loshchilov &
// Hutter 2017, without restarts; the warm-up follows Goyal et al. 2017 to keep early Adam steps small).

export interface LrSchedule {
  /** Peak learning rate, reached at the end of warm-up. */
  lr: number;
  /** Floor at the last step. */
  minLr: number;
  /** Steps of linear warm-up from lr/warmup to lr. */
  warmup: number;
  /** Total steps; the cosine reaches minLr at step `steps`. */
  steps: number;
}

/** The learning rate for update number `step` (0-based). */
export function lrAt(s: LrSchedule, step: number): number {
  if (s.warmup > 0 && step < s.warmup) return (s.lr * (step + 1)) / s.warmup;
  const span = Math.max(1, s.steps - s.warmup);
  const progress = Math.min(1, (step - s.warmup) / span);
  return s.minLr + 0.5 * (s.lr - s.minLr) * (1 + Math.cos(Math.PI * progress));
}
