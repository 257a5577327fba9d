// Command-line overrides for a training config (`--key=value`, nanoGPT's configurator idea, typed):
// every key must exist in the config and every value must parse to the type the config already has.
// Nested keys use dots (`--model.channels=32,64`). Unknown keys get a "did you mean" from edit distance.

/** A config is a tree of plain values: numbers, strings, booleans, arrays of those, nested objects. */
export type ConfigValue = number | string | boolean | readonly (number | string)[] | ConfigTree;
export interface ConfigTree {
  readonly [key: string]: ConfigValue;
}

/** A bad command line; the CLI prints the message and exits non-zero. */
export class ConfigError extends Error {}

/** Levenshtein distance (insert, delete, substitute each cost 1). */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** The valid key closest to `key` (case-insensitive edit distance; ties go to the first listed). */
export function closestKey(key: string, valid: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of valid) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best;
}

/** Every leaf key path of a config ("lr", "model.channels"). Arrays are leaves. */
export function leafKeys(tree: ConfigTree, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(tree)) {
    const path = prefix + k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) out.push(...leafKeys(v as ConfigTree, path + '.'));
    else out.push(path);
  }
  return out;
}

function getLeaf(tree: ConfigTree, path: string): ConfigValue {
  return path.split('.').reduce<ConfigValue>((node, k) => (node as ConfigTree)[k], tree);
}

function describe(v: ConfigValue): string {
  if (Array.isArray(v)) return `a comma-separated list of ${v.length > 0 && typeof v[0] === 'string' ? 'strings' : 'numbers'}`;
  return `a ${typeof v}`;
}

function parseNumber(key: string, raw: string): number {
  const n = raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(n)) throw new ConfigError(`--${key}: "${raw}" is not a finite number`);
  return n;
}

/** Parses `raw` to the type of `current` (the config's value for that key). */
export function parseValue(key: string, raw: string, current: ConfigValue, integer = false): ConfigValue {
  if (typeof current === 'number') {
    const n = parseNumber(key, raw);
    if (integer && !Number.isInteger(n)) throw new ConfigError(`--${key}: "${raw}" must be a whole number`);
    return n;
  }
  if (typeof current === 'boolean') {
    if (raw === 'true' || raw === '1' || raw === '') return true;
    if (raw === 'false' || raw === '0') return false;
    throw new ConfigError(`--${key}: "${raw}" is not a boolean (use true or false)`);
  }
  if (typeof current === 'string') return raw;
  if (Array.isArray(current)) {
    const parts = raw.split(',').map((s) => s.trim());
    const numeric = current.length === 0 || typeof current[0] === 'number';
    if (!numeric) return parts;
    const nums = parts.map((p) => parseNumber(key, p));
    if (integer && !nums.every(Number.isInteger)) throw new ConfigError(`--${key}: "${raw}" must be whole numbers`);
    return nums;
  }
  throw new ConfigError(`--${key}: is a group of settings, set its members (e.g. --${key}.${Object.keys(current)[0]}=…)`);
}

function setLeaf<T extends ConfigTree>(tree: T, path: string, value: ConfigValue): T {
  const [head, ...rest] = path.split('.');
  const next = rest.length === 0 ? value : setLeaf(tree[head] as ConfigTree, rest.join('.'), value);
  return { ...tree, [head]: next };
}

/**
 * Returns a copy of `config` with each `key=value` applied. Throws ConfigError naming the key (and the
 * closest valid key) when a key is unknown, and naming the expected type when a value does not parse.
 * `integers` lists keys whose numbers must be whole (steps, batch, seeds); `allowed`, when given,
 * limits which keys may change (e.g. on resume).
 */
export function applyOverrides<T extends ConfigTree>(
  config: T,
  overrides: Record<string, string>,
  { integers = [], allowed }: { integers?: readonly string[]; allowed?: readonly string[] } = {},
): T {
  const valid = leafKeys(config);
  let out = config;
  for (const [key, raw] of Object.entries(overrides)) {
    if (!valid.includes(key)) {
      const near = closestKey(key, valid);
      throw new ConfigError(`unknown config key "${key}"${near ? ` (did you mean "${near}"?)` : ''}`);
    }
    if (allowed && !allowed.includes(key))
      throw new ConfigError(`"${key}" cannot change on --resume (it would change the run); allowed: ${allowed.join(', ')}`);
    const current = getLeaf(config, key);
    const value = parseValue(key, raw, current, integers.includes(key));
    if (typeof current !== typeof value && !Array.isArray(current))
      throw new ConfigError(`--${key}: expected ${describe(current)}`);
    out = setLeaf(out, key, value);
  }
  return out;
}
