// The shape every benchmark section shares: a name, a run() that measures, and rows of figures with
// targets. scripts/bench.ts runs the sections, prints one table each and writes .bench/latest.json.

/** One measured figure. `target` is a goal to compare against, not a pass/fail gate. */
export interface Row {
  /** What was measured, e.g. "render 1024×1024". */
  label: string;
  value: number;
  unit: string;
  /** Extra columns, e.g. { first: 412, n: 15 }. */
  details?: Record<string, number | string>;
  /** e.g. { op: '<', value: 300 } meaning "value should be below 300 (same unit)". */
  target?: { op: '<' | '>'; value: number };
}

export interface SectionResult {
  rows: Row[];
  /** Context worth keeping with the figures: backend, browser version, N. */
  notes?: Record<string, unknown>;
}

/** The options a run passes to every section. */
export interface BenchOptions {
  /** Repetitions for timed loops (sections may use fewer for slow workloads). */
  n: number;
}

export interface BenchSection {
  /** Short id used on the command line: `npm run bench -- render`. */
  name: string;
  title: string;
  run(options: BenchOptions): Promise<SectionResult>;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Whether a row meets its target: 'yes', 'no', or '' when it has none. */
export function meets(row: Row): string {
  if (!row.target || !Number.isFinite(row.value)) return '';
  return (row.target.op === '<' ? row.value < row.target.value : row.value > row.target.value) ? 'yes' : 'NO';
}

/** A plain-text table: label, value, unit, target, met, then any detail columns. */
export function formatTable(title: string, result: SectionResult): string {
  const detailKeys = [...new Set(result.rows.flatMap((r) => Object.keys(r.details ?? {})))];
  const header = ['figure', 'value', 'unit', 'target', 'met', ...detailKeys];
  const body = result.rows.map((r) => [
    r.label,
    String(round(r.value)),
    r.unit,
    r.target ? `${r.target.op} ${r.target.value}` : '',
    meets(r),
    ...detailKeys.map((k) => {
      const v = r.details?.[k];
      return v === undefined ? '' : typeof v === 'number' ? String(round(v)) : v;
    }),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [`## ${title}`, line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
