import { describe, expect, it } from 'vitest';
import type { ReadyInfo } from '../../../src/lib/engine/client';
import { INITIAL_CHOICE, badgeLabel, choose, onReport } from '../../../src/lib/widgets/backend-choice';

const report = (backend: ReadyInfo['backend'], overridden: boolean, msPerRun: number | null = 12): ReadyInfo => ({
  backend,
  msPerRun,
  firstRunMs: null,
  warmUpMs: null,
  timings: [],
  overridden,
});

describe('backend badge menu', () => {
  it('a chosen backend is ticked at once and shown as measuring until the engine reports', () => {
    const first = onReport(INITIAL_CHOICE, report('wasm', false)).next;
    const picked = choose(first, 'webgl');
    expect(picked.asked).toBe('webgl');
    expect(badgeLabel(picked, first.seen)).toEqual({ kind: 'measuring', backend: 'webgl' });
    const kept = onReport(picked, report('webgl', true, 30));
    expect(kept.clearOverride).toBe(false);
    expect(kept.next.asked).toBe('webgl');
    expect(badgeLabel(kept.next, kept.next.seen)).toEqual({ kind: 'ready', backend: 'webgl', ms: 30 });
  });

  it('after a lost context the engine moves off WebGL: the choice is dropped, the menu ticks auto, the client forgets it', () => {
    const onGl = onReport(choose(onReport(INITIAL_CHOICE, report('wasm', false)).next, 'webgl'), report('webgl', true)).next;
    const moved = onReport(onGl, report('wasm', false, 9));
    expect(moved.clearOverride).toBe(true);
    expect(moved.next.asked).toBe('auto');
    expect(moved.next.dropped).toBe('webgl');
    expect(badgeLabel(moved.next, moved.next.seen)).toEqual({ kind: 'ready', backend: 'wasm', ms: 9 });
    // the reader's next choice clears the note
    expect(choose(moved.next, 'cpu').dropped).toBeNull();
  });

  it('the old backend\'s own timing, arriving while a choice is pending, neither answers nor drops the choice', () => {
    const picked = choose(onReport(INITIAL_CHOICE, report('wasm', false, null)).next, 'webgl');
    const retimed = onReport(picked, { ...report('wasm', false, 11), retimed: true });
    expect(retimed.clearOverride).toBe(false);
    expect(retimed.next).toMatchObject({ asked: 'webgl', pending: true, dropped: null });
    expect(badgeLabel(retimed.next, retimed.next.seen)).toEqual({ kind: 'measuring', backend: 'webgl' });
    const kept = onReport(retimed.next, report('webgl', true, 30)); // the engine's answer
    expect(kept.next).toMatchObject({ asked: 'webgl', pending: false, dropped: null });
    // the same timing with no choice pending is only a new figure
    expect(onReport(onReport(INITIAL_CHOICE, report('wasm', false, null)).next, { ...report('wasm', false, 11), retimed: true }).next.asked).toBe('auto');
  });

  it('a choice that never starts is dropped too', () => {
    const picked = choose(onReport(INITIAL_CHOICE, report('wasm', false)).next, 'webgl');
    expect(onReport(picked, report('wasm', false)).next.dropped).toBe('webgl');
  });

  it('a restarted worker reports its backend unmeasured: the badge says measuring, not a bare name', () => {
    const before = onReport(INITIAL_CHOICE, report('wasm', false, 20)).next;
    const restarted = onReport(before, report('wasm', false, null)).next;
    expect(badgeLabel(restarted, restarted.seen)).toEqual({ kind: 'measuring', backend: 'wasm' });
    expect(badgeLabel(INITIAL_CHOICE, null)).toEqual({ kind: 'choosing' });
  });

  it('the same report twice changes nothing; an override already in force is ticked', () => {
    const r = report('cpu', true);
    const once = onReport(INITIAL_CHOICE, r).next;
    expect(once.asked).toBe('cpu');
    expect(onReport(once, r).next).toBe(once);
  });
});
