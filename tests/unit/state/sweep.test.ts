import { afterEach, describe, expect, it, vi } from 'vitest';
import { Sweep } from '../../../src/lib/state/sweep.svelte';

afterEach(() => vi.useRealTimers());

/** A counter from 0 to `end`, swept one per tick. */
function counter(end: number, start = 0) {
  const state = { x: start };
  const sweep = new Sweep(
    () => ++state.x < end,
    () => (state.x = 0),
    () => state.x >= end,
    10,
  );
  return { state, sweep };
}

describe('Sweep', () => {
  it('advances on its timer until the end, then stops by itself', () => {
    vi.useFakeTimers();
    const { state, sweep } = counter(5);
    sweep.toggle();
    expect(sweep.running).toBe(true);
    vi.advanceTimersByTime(30);
    expect(state.x).toBe(3);
    vi.advanceTimersByTime(1000);
    expect(state.x).toBe(5);
    expect(sweep.running).toBe(false);
  });

  it('pauses on a second toggle and goes on from there on a third', () => {
    vi.useFakeTimers();
    const { state, sweep } = counter(100);
    sweep.toggle();
    vi.advanceTimersByTime(20);
    sweep.toggle();
    vi.advanceTimersByTime(100);
    expect(state.x).toBe(2);
    sweep.toggle();
    vi.advanceTimersByTime(10);
    expect(state.x).toBe(3);
    sweep.stop();
  });

  it('replays from the start when run at the end', () => {
    vi.useFakeTimers();
    const { state, sweep } = counter(5, 5);
    sweep.toggle();
    expect(state.x).toBe(0);
    vi.advanceTimersByTime(10);
    expect(state.x).toBe(1);
    sweep.stop();
  });
});
