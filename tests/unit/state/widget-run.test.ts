// A widget's status line and its run trigger (state/widget-run.svelte.ts): a run in flight or a failure is
// said before an older result's line; a widget runs its job only once it is ready. The effect that calls
// rerun() on a key change needs a browser build of Svelte; the browser tests of lessons 3 to 6 cover it.
import { describe, expect, it, vi } from 'vitest';
import { runLine, WidgetRun, type RunLines } from '../../../src/lib/state/widget-run.svelte';

const lines: RunLines = { idle: 'idle', running: 'running', error: 'failed', done: 'took 2 s' };

describe('runLine', () => {
  it('a run in flight or a failure is said before the line of a result still on screen', () => {
    expect(runLine('running', lines)).toBe('running');
    expect(runLine('error', lines)).toBe('failed');
  });

  it('a result’s line stands for done, and for idle when a result is there (a cancelled rerun keeps it)', () => {
    expect(runLine('done', lines)).toBe('took 2 s');
    expect(runLine('idle', lines)).toBe('took 2 s');
  });

  it('without a result, done and idle both say idle', () => {
    expect(runLine('done', { ...lines, done: null })).toBe('idle');
    expect(runLine('idle', { ...lines, done: undefined })).toBe('idle');
  });

  it('loading has its own words where given, else the running ones', () => {
    expect(runLine('loading', { ...lines, loading: 'loading models' })).toBe('loading models');
    expect(runLine('loading', lines)).toBe('running');
  });

  it('an error may say nothing (the widget’s notice says why) and still is not taken for idle', () => {
    expect(runLine('error', { ...lines, error: '' })).toBe('');
  });
});

describe('WidgetRun', () => {
  it('does not run before start(), then runs on every rerun', () => {
    const run = vi.fn();
    const widget = new WidgetRun(() => 'key', run);
    expect(widget.ready).toBe(false);
    expect(widget.rerun()).toBe(false);
    expect(run).not.toHaveBeenCalled();
    widget.start();
    expect(widget.ready).toBe(true);
    expect(widget.rerun()).toBe(true);
    expect(widget.rerun()).toBe(true);
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('a run that returns a promise is not awaited (the lesson drops the one in flight)', () => {
    let finished = false;
    const widget = new WidgetRun(() => 1, () => new Promise<void>((resolve) => setTimeout(() => resolve(void (finished = true)), 10)));
    widget.start();
    expect(widget.rerun()).toBe(true);
    expect(finished).toBe(false);
  });
});
