// The worker protocol: error codes are a closed set, aborts map to 'cancelled', pixel buffers are
// transferred, malformed requests and jobs are refused before any work.
import { describe, expect, it } from 'vitest';
import { ENGINE_ERROR_CODES, EngineError, FAULT_KINDS, isEngineErrorCode, isEngineRequest, jobProblem, toEngineError, transferablesOf, type SampleJob, type StepFrame } from '../../../src/lib/engine/protocol';

const job: SampleJob = { kind: 'sample', model: 'base-64', sampler: 'ddim', steps: 20, eta: 0, seed: 3, classIndex: 1, guidance: 2, batch: 1, tapEvery: 1 };

describe('error codes', () => {
  it('the set is exactly the seven faults the page translates', () => {
    expect([...ENGINE_ERROR_CODES].sort()).toEqual(['backend-failed', 'cancelled', 'context-lost', 'model-corrupt', 'model-missing', 'nan-output', 'worker-crashed']);
    expect(isEngineErrorCode('nan-output')).toBe(true);
    expect(isEngineErrorCode('oops')).toBe(false);
    expect(isEngineErrorCode(3)).toBe(false);
  });

  it('toEngineError keeps an EngineError, maps an abort to cancelled and anything else to the fallback', () => {
    const own = new EngineError('model-corrupt', 'bad sha');
    expect(toEngineError(own, 'backend-failed')).toBe(own);
    const abort = new AbortController();
    abort.abort();
    expect(toEngineError(abort.signal.reason, 'backend-failed').code).toBe('cancelled');
    const other = toEngineError(new Error('kernel Conv2D failed'), 'backend-failed');
    expect(other.code).toBe('backend-failed');
    expect(other.detail).toBe('kernel Conv2D failed');
    expect(toEngineError('plain string', 'worker-crashed').code).toBe('worker-crashed');
  });
});

describe('transferablesOf', () => {
  it('lists the three buffers of a progress frame and the one of a result', () => {
    const frame: StepFrame = { i: 0, steps: 1, t: 10, tPrev: 0, shape: [1, 2, 2, 1], xt: new Float32Array(4), eps: new Float32Array(4), x0: new Float32Array(4) };
    const list = transferablesOf({ type: 'progress', id: 1, channel: 'w', frame });
    expect(list).toEqual([frame.xt.buffer, frame.eps.buffer, frame.x0.buffer]);
    const x = new Float32Array(12);
    expect(transferablesOf({ type: 'result', id: 1, channel: 'w', x, shape: [1, 2, 2, 3], ms: 5 })).toEqual([x.buffer]);
  });

  it('lists a buffer shared by two views once (postMessage rejects duplicates)', () => {
    const buf = new ArrayBuffer(48);
    const frame: StepFrame = { i: 0, steps: 1, t: 10, tPrev: 0, shape: [1, 2, 2, 1], xt: new Float32Array(buf, 0, 4), eps: new Float32Array(buf, 16, 4), x0: new Float32Array(buf, 32, 4) };
    expect(transferablesOf({ type: 'progress', id: 1, channel: 'w', frame })).toEqual([buf]);
  });

  it('requests and errors carry nothing to transfer', () => {
    expect(transferablesOf({ type: 'cancel', channel: 'w' })).toEqual([]);
    expect(transferablesOf({ type: 'error', id: 1, channel: 'w', code: 'nan-output', detail: '' })).toEqual([]);
  });
});

describe('request checks', () => {
  it('accepts each well-formed request type', () => {
    expect(isEngineRequest({ type: 'init', candidates: ['webgl', 'wasm', 'cpu'], override: null })).toBe(true);
    expect(isEngineRequest({ type: 'init', candidates: ['wasm'], override: 'cpu' })).toBe(true);
    expect(isEngineRequest({ type: 'load', id: 1, model: 'base-64', url: '/models/base-64/' })).toBe(true);
    expect(isEngineRequest({ type: 'run', id: 2, channel: 'reverse', job })).toBe(true);
    expect(isEngineRequest({ type: 'cancel', channel: 'reverse' })).toBe(true);
    for (const kind of FAULT_KINDS) expect(isEngineRequest({ type: 'fault', id: 3, kind })).toBe(true);
    expect(isEngineRequest({ type: 'memory', id: 4 })).toBe(true);
    expect(isEngineRequest({ type: 'fault', id: 5, kind: 'nan', channel: 'reverse' })).toBe(true);
    expect(isEngineRequest({ type: 'prefetch', urls: ['/models/base-64/', '/models/sr-256/'] })).toBe(true);
  });

  it('refuses unknown types, unknown backends and missing ids', () => {
    expect(isEngineRequest(null)).toBe(false);
    expect(isEngineRequest({ type: 'explode' })).toBe(false);
    expect(isEngineRequest({ type: 'init', candidates: ['webgpu'], override: null })).toBe(false);
    expect(isEngineRequest({ type: 'init', candidates: ['wasm'], override: 'metal' })).toBe(false);
    expect(isEngineRequest({ type: 'init', candidates: ['webgl'], override: 'webgl', f16Textures: true })).toBe(true);
    expect(isEngineRequest({ type: 'init', candidates: ['webgl'], override: 'webgl', f16Textures: 'yes' })).toBe(false);
    expect(isEngineRequest({ type: 'load', model: 'base-64', url: '/' })).toBe(false);
    expect(isEngineRequest({ type: 'run', id: 1.5, channel: 'w', job })).toBe(false);
    expect(isEngineRequest({ type: 'fault', id: 1, kind: 'meltdown' })).toBe(false);
    expect(isEngineRequest({ type: 'fault', kind: 'crash' })).toBe(false);
    expect(isEngineRequest({ type: 'memory' })).toBe(false);
    expect(isEngineRequest({ type: 'fault', id: 1, kind: 'nan', channel: 7 })).toBe(false);
    expect(isEngineRequest({ type: 'prefetch', urls: '/models/base-64/' })).toBe(false);
    expect(isEngineRequest({ type: 'prefetch', urls: [7] })).toBe(false);
  });

  it('jobProblem passes a good job and names the first bad field', () => {
    expect(jobProblem(job)).toBeNull();
    expect(jobProblem({ ...job, classIndex: null })).toBeNull();
    expect(jobProblem({ ...job, kind: 'train' })).toMatch(/kind/);
    expect(jobProblem({ ...job, sampler: 'euler' })).toMatch(/sampler/);
    expect(jobProblem({ ...job, eta: 1.5 })).toMatch(/eta/);
    expect(jobProblem({ ...job, seed: 0.5 })).toMatch(/seed/);
    expect(jobProblem({ ...job, classIndex: -1 })).toMatch(/classIndex/);
    expect(jobProblem({ ...job, guidance: Number.NaN })).toMatch(/guidance/);
    expect(jobProblem({ ...job, steps: 0 })).toMatch(/steps/);
    expect(jobProblem({ ...job, tapEvery: -1 })).toMatch(/tapEvery/);
    expect(jobProblem({ ...job, batch: 0 })).toMatch(/batch/);
    expect(jobProblem('job')).toMatch(/object/);
  });
});
