// A training progress line on stderr: step/total, loss, steps/s, ETA. On a terminal one line is
// rewritten with \r; in a log file (nohup) a full line is printed every `everySeconds` instead.

export interface ProgressOptions {
  total: number;
  /** Step the run starts from (after a resume), so the rate counts only this session's steps. */
  start: number;
  stream?: NodeJS.WriteStream | { write(s: string): boolean; isTTY?: boolean };
  /** Seconds between lines when not a TTY. */
  everySeconds?: number;
  now?: () => number;
}

/** h:mm:ss, or m:ss under an hour. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export class Progress {
  private readonly t0: number;
  private lastPrint = -Infinity;
  private readonly stream: NonNullable<ProgressOptions['stream']>;
  private readonly now: () => number;

  constructor(private readonly o: ProgressOptions) {
    this.stream = o.stream ?? process.stderr;
    this.now = o.now ?? (() => performance.now() / 1000);
    this.t0 = this.now();
  }

  /** The status text after `step` steps are done. */
  line(step: number, loss: number): string {
    const elapsed = this.now() - this.t0;
    const done = step - this.o.start;
    const rate = done > 0 && elapsed > 0 ? done / elapsed : 0;
    const eta = rate > 0 ? (this.o.total - step) / rate : NaN;
    const width = 24;
    const filled = Math.round((width * step) / Math.max(1, this.o.total));
    const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
    const pct = ((100 * step) / Math.max(1, this.o.total)).toFixed(1);
    const speed = rate > 0 ? `${rate.toFixed(2)} step/s (${(1 / rate).toFixed(2)} s/step)` : '… step/s';
    return `[${bar}] ${step}/${this.o.total} ${pct}% loss ${loss.toFixed(4)} ${speed} ETA ${formatDuration(eta)}`;
  }

  update(step: number, loss: number): void {
    const t = this.now();
    if (this.stream.isTTY) {
      this.stream.write(`\r${this.line(step, loss)}\x1b[K`);
    } else if (t - this.lastPrint >= (this.o.everySeconds ?? 30) || step === this.o.total) {
      this.lastPrint = t;
      this.stream.write(`${this.line(step, loss)}\n`);
    }
  }

  /** A message on its own line (does not break the \r line). */
  note(message: string): void {
    this.stream.write(this.stream.isTTY ? `\r\x1b[K${message}\n` : `${message}\n`);
  }

  finish(): void {
    if (this.stream.isTTY) this.stream.write('\n');
  }
}
