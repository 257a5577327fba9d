import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ForwardNoise } from '../../../src/lib/widgets/forward-noise.svelte';

vi.mock('$app/navigation', () => ({ replaceState: vi.fn() }));
const { forwardNoiseKeys, T_STEP } = await import('../../../src/lib/widgets/forward-noise-keys');
const { T } = await import('../../../src/lib/widgets/forward-noise.svelte');

afterEach(() => vi.useRealTimers());

/** A stand-in for lesson 1's state: only t, clamped to [0, T] as the real one does. */
function fakeNoise(t: number): ForwardNoise {
  let value = t;
  return {
    get t() {
      return value;
    },
    set t(next: number) {
      value = Math.min(T, Math.max(0, Math.round(next)));
    },
  } as unknown as ForwardNoise;
}

describe('forwardNoiseKeys', () => {
  it('←/→ move t to the neighbouring multiple of a twentieth of T', () => {
    const noise = fakeNoise(237);
    const keys = forwardNoiseKeys(noise);
    keys.step!(1);
    expect(noise.t).toBe(250 + T_STEP);
    keys.step!(-1);
    keys.step!(-1);
    expect(noise.t).toBe(250 - T_STEP);
  });

  it('Space sweeps t up to T and stops there; pressed at T it replays from 0', () => {
    vi.useFakeTimers();
    const noise = fakeNoise(900);
    const keys = forwardNoiseKeys(noise);
    keys.run!();
    vi.advanceTimersByTime(60_000);
    expect(noise.t).toBe(T);
    keys.run!();
    vi.advanceTimersByTime(100);
    expect(noise.t).toBeGreaterThan(0);
    expect(noise.t).toBeLessThan(100);
    keys.dispose!();
  });

  it('a step or leaving the page stops the sweep', () => {
    vi.useFakeTimers();
    const noise = fakeNoise(0);
    const keys = forwardNoiseKeys(noise);
    keys.run!();
    vi.advanceTimersByTime(500);
    keys.step!(1);
    const after = noise.t;
    vi.advanceTimersByTime(2000);
    expect(noise.t).toBe(after);
    keys.run!();
    keys.dispose!();
    const disposed = noise.t;
    vi.advanceTimersByTime(2000);
    expect(noise.t).toBe(disposed);
  });
});
