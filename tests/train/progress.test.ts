import { describe, expect, it } from 'vitest';
import { formatDuration, Progress } from '../../train/progress';

function sink(isTTY: boolean) {
  const out: string[] = [];
  return { out, stream: { isTTY, write: (s: string) => out.push(s) > 0 } };
}

describe('progress bar', () => {
  it('formats durations as m:ss or h:mm:ss', () => {
    expect(formatDuration(65)).toBe('1:05');
    expect(formatDuration(3 * 3600 + 61)).toBe('3:01:01');
    expect(formatDuration(NaN)).toBe('?');
  });

  it('shows steps/s and an ETA from this session only', () => {
    let now = 0;
    const p = new Progress({ total: 100, start: 50, now: () => now, stream: sink(true).stream });
    now = 10; // 10 steps in 10 s → 1 step/s, 40 left
    expect(p.line(60, 0.1234)).toMatch(/60\/100 60\.0% loss 0\.1234 1\.00 step\/s \(1\.00 s\/step\) ETA 0:40/);
  });

  it('rewrites one line with \\r on a TTY and prints periodic full lines otherwise', () => {
    let now = 0;
    const tty = sink(true);
    const p = new Progress({ total: 10, start: 0, now: () => now, stream: tty.stream });
    for (let i = 1; i <= 3; i++) {
      now = i;
      p.update(i, 1);
    }
    expect(tty.out.every((s) => s.startsWith('\r') && !s.includes('\n'))).toBe(true);
    const log = sink(false);
    const q = new Progress({ total: 10, start: 0, now: () => now, stream: log.stream, everySeconds: 5 });
    for (let i = 1; i <= 10; i++) {
      now = i;
      q.update(i, 1);
    }
    expect(log.out.length).toBe(3); // t = 1, 6, and the last step
    expect(log.out.every((s) => s.endsWith('\n') && !s.includes('\r'))).toBe(true);
  });
});
