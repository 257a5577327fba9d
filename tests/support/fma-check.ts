// Run as a child process with `node --experimental-wasm-relaxed-simd --import tsx` where this Node lacks
// relaxed SIMD by default (tests/unit/models/wasm-kernels.test.ts): instantiates the browser's plain and
// fused-multiply-add module variants on one fresh memory, runs the F(4×4, 3×3) and F(2×2, 3×3)
// convolutions of both on the same data, and prints each one's largest error against a float64 direct
// convolution, relative to the output's scale, as JSON.
import { readFileSync } from 'node:fs';
import { makeRng } from '../../src/lib/math/rng';

const load = (name: string) => Buffer.from(/BYTES = '([^']+)'/.exec(readFileSync(`src/lib/models/wasm-kernels/modules/${name}.ts`, 'utf8'))?.[1] ?? '', 'base64');
const memory = new WebAssembly.Memory({ initial: 64 });
const [plain, fma] = await Promise.all(['plain', 'plain-fma'].map(async (n) => (await WebAssembly.instantiate(load(n), { env: { memory } })).instance.exports as Record<string, (...a: number[]) => void>));
const f32 = new Float32Array(memory.buffer);
const rng = makeRng(3);
const [b, h, w, ci, co] = [2, 8, 12, 8, 16];
let top = 0;
const alloc = (n: number) => { const at = top; top += n * 4; return at; };
const x = alloc(b * h * w * ci), g = alloc(9 * ci * co), bias = alloc(co), zero = alloc(ci), u = alloc(36 * ci * co);
const vs = alloc(36 * 8 * ci), ms = alloc(36 * 8 * co), out = alloc(b * h * w * co);
for (let i = 0; i < b * h * w * ci; i++) f32[x / 4 + i] = rng.normal();
for (let i = 0; i < 9 * ci * co; i++) f32[g / 4 + i] = rng.normal() / Math.sqrt(9 * ci);
for (let i = 0; i < co; i++) f32[bias / 4 + i] = rng.normal();
const want = new Float64Array(b * h * w * co);
for (let n = 0; n < b; n++) for (let y = 0; y < h; y++) for (let xx = 0; xx < w; xx++) for (let o = 0; o < co; o++) {
  let sum = f32[bias / 4 + o];
  for (let kh = 0; kh < 3; kh++) for (let kw = 0; kw < 3; kw++) {
    const yy = y + kh - 1, xs = xx + kw - 1;
    if (yy < 0 || yy >= h || xs < 0 || xs >= w) continue;
    for (let c = 0; c < ci; c++) sum += f32[x / 4 + ((n * h + yy) * w + xs) * ci + c] * f32[g / 4 + ((kh * 3 + kw) * ci + c) * co + o];
  }
  want[((n * h + y) * w + xx) * co + o] = sum;
}
const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const errors: Record<string, number> = {};
for (const [name, fns] of [['plain', plain], ['fma', fma]] as const) {
  for (const m of [4, 2]) {
    fns[`winoWeights${m}`](g, u, ci, co);
    f32.fill(NaN, out / 4, out / 4 + b * h * w * co);
    fns[`winoConv${m}`](x, u, bias, out, zero, vs, ms, h, w, ci, co, 0, b * (h / m) * (w / m), 8);
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(f32[out / 4 + i] - want[i]));
    errors[`${name} F${m}`] = Number.isNaN(worst) ? Infinity : worst / scale;
  }
}
console.log(JSON.stringify(errors));
