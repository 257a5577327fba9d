// Eigen-decomposition of a real symmetric matrix by cyclic Jacobi rotations (Golub & Van Loan,
// "Matrix Computations", §8.5), in float64, and the square root of a positive semi-definite matrix.
// Jacobi is slow (O(n³) per sweep) but simple and accurate to machine precision, enough for 64×64.

/** A dense n×n matrix, row-major, float64. */
export interface SquareMatrix {
  n: number;
  data: Float64Array;
}

export function matrix(n: number, data?: ArrayLike<number>): SquareMatrix {
  const m = { n, data: new Float64Array(n * n) };
  if (data) {
    if (data.length !== n * n) throw new Error(`matrix: ${data.length} values do not fill ${n}×${n}`);
    m.data.set(data);
  }
  return m;
}

export function multiply(a: SquareMatrix, b: SquareMatrix): SquareMatrix {
  const n = a.n;
  const out = matrix(n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a.data[i * n + k];
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) out.data[i * n + j] += aik * b.data[k * n + j];
    }
  }
  return out;
}

export function trace(a: SquareMatrix): number {
  let s = 0;
  for (let i = 0; i < a.n; i++) s += a.data[i * a.n + i];
  return s;
}

/** (A + Aᵀ)/2: removes the rounding asymmetry of a product that is symmetric in exact arithmetic. */
export function symmetrize(a: SquareMatrix): SquareMatrix {
  const n = a.n;
  const out = matrix(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out.data[i * n + j] = 0.5 * (a.data[i * n + j] + a.data[j * n + i]);
  return out;
}

/**
 * A = V·diag(values)·Vᵀ for symmetric A. `vectors` holds the eigenvectors as columns (row-major n×n).
 * Sweeps rotate every off-diagonal pair to zero until the off-diagonal mass is below 1e-30 of the total.
 */
export function symmetricEigen(a: SquareMatrix, maxSweeps = 100): { values: Float64Array; vectors: SquareMatrix } {
  const n = a.n;
  const A = Float64Array.from(a.data);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const d = Math.abs(A[i * n + j] - A[j * n + i]);
      if (d > 1e-9 * (Math.abs(A[i * n + j]) + Math.abs(A[j * n + i]) + 1e-300)) throw new Error(`symmetricEigen: matrix is not symmetric at (${i}, ${j})`);
    }
  }
  const V = matrix(n);
  for (let i = 0; i < n; i++) V.data[i * n + i] = 1;
  let total = 0;
  for (let k = 0; k < n * n; k++) total += A[k] * A[k];
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += A[i * n + j] * A[i * n + j];
    if (off <= 1e-30 * total || off === 0) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q];
        if (apq === 0) continue;
        // The rotation angle that zeroes A[p][q] (G&VL Algorithm 8.5.1, the smaller of the two roots).
        const theta = (A[q * n + q] - A[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          // columns p and q of A
          const akp = A[k * n + p];
          const akq = A[k * n + q];
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          // rows p and q of A
          const apk = A[p * n + k];
          const aqk = A[q * n + k];
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = V.data[k * n + p];
          const vkq = V.data[k * n + q];
          V.data[k * n + p] = c * vkp - s * vkq;
          V.data[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = A[i * n + i];
  return { values, vectors: V };
}

/** V·diag(f(λ))·Vᵀ: a function of a symmetric matrix through its eigen-decomposition. */
export function applySpectral(a: SquareMatrix, f: (lambda: number) => number): SquareMatrix {
  const n = a.n;
  const { values, vectors: V } = symmetricEigen(a);
  const fl = values.map(f);
  const out = matrix(n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += V.data[i * n + k] * fl[k] * V.data[j * n + k];
      out.data[i * n + j] = s;
      out.data[j * n + i] = s;
    }
  }
  return out;
}

/**
 * The PSD square root of a symmetric positive semi-definite matrix. Eigenvalues that rounding pushed
 * slightly below zero are treated as 0 (a covariance estimated from fewer samples than dimensions has
 * exact zeros that come out as ±1e-17).
 */
export function sqrtPsd(a: SquareMatrix): SquareMatrix {
  return applySpectral(a, (l) => Math.sqrt(Math.max(0, l)));
}
