// The latent job's protocol: the validator passes a good job and names every malformed field (edits
// included), presets resolve to their defects, and the latent messages' arrays are transferred.
import { describe, expect, it } from 'vitest';
import { emptyBrush, PRESETS } from '../../../src/lib/pipelines/defects';
import { latentJobProblem, resolveLatentEdit, type LatentEditSpec, type LatentFrame, type LatentJob } from '../../../src/lib/engine/latent-job';
import { isEngineRequest, jobProblem, transferablesOf } from '../../../src/lib/engine/protocol';

const job: LatentJob = { kind: 'latent', model: 'latent-64', vae: 'vae', classIndex: 2, guidance: 2, seed: 7, steps: 20, sampler: 'ddim', eta: 0, edits: [], decodeAt: [19], previewEvery: 1 };
const edit: LatentEditSpec = { at: 10, space: 'latent', channel: 3, effect: { kind: 'noise', sigma: 1, seed: 4 }, mask: { kind: 'disc', cx: 0.5, cy: 0.5, r: 0.2 } };
const withEdit = (e: unknown) => ({ ...job, edits: [edit, e] });

describe('latentJobProblem', () => {
  it('passes good jobs: null class, DDPM, edits in the latent and on the preview (a preset, a painted brush)', () => {
    expect(jobProblem(job)).toBeNull();
    expect(isEngineRequest({ type: 'run', id: 1, channel: 'l5', job })).toBe(true);
    expect(jobProblem({ ...job, classIndex: null, sampler: 'ddpm', decodeAt: [], previewEvery: 0 })).toBeNull();
    expect(jobProblem(withEdit({ at: 19, space: 'preview', defect: { preset: 'noise', mask: emptyBrush(64) } }))).toBeNull();
    expect(jobProblem(withEdit({ at: 0, space: 'latent', channel: null, effect: { kind: 'set', value: -2 }, mask: { kind: 'all' } }))).toBeNull();
    expect(jobProblem({ ...job, start: { seedB: 8, u: 0.25, blend: 'slerp' } })).toBeNull();
  });

  it('names each malformed field of the job', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ model: '' }, /^model must be a name/],
      [{ vae: 3 }, /^vae must be the autoencoder's name/],
      [{ classIndex: -1 }, /^classIndex/],
      [{ guidance: Number.NaN }, /^guidance/],
      [{ seed: 1.5 }, /^seed/],
      [{ steps: 0 }, /^steps/],
      [{ sampler: 'euler' }, /^unknown sampler euler/],
      [{ eta: 2 }, /^eta/],
      [{ edits: undefined }, /^edits must be a list/],
      [{ decodeAt: [20] }, /^decodeAt must list step indices in \[0, 19\]/],
      [{ decodeAt: 3 }, /^decodeAt/],
      [{ previewEvery: -1 }, /^previewEvery/],
      [{ start: { seedB: 1.5, u: 0.5, blend: 'slerp' } }, /^start\.seedB must be an integer/],
      [{ start: { seedB: 2, u: 1.2, blend: 'slerp' } }, /^start\.u must lie in \[0, 1\]/],
      [{ start: { seedB: 2, u: 0.5, blend: 'nlerp' } }, /^start\.blend must be one of slerp, lerp/],
    ];
    for (const [over, message] of cases) expect(latentJobProblem({ ...job, ...over })).toMatch(message);
  });

  it('names each malformed edit by its index', () => {
    const cases: [unknown, RegExp][] = [
      [null, /^edits\[1\]: edit is not an object/],
      [{ ...edit, at: 20 }, /^edits\[1\]: at must be a step index in \[0, 19\]/],
      [{ ...edit, space: 'pixels' }, /space must be "latent" or "preview"/],
      [{ ...edit, channel: -1 }, /channel must be an index or null/],
      [{ ...edit, effect: { kind: 'blur', sigma: 1 } }, /unknown latent effect kind blur/],
      [{ ...edit, effect: { kind: 'noise', sigma: -1, seed: 1 } }, /noise effect needs sigma ≥ 0/],
      [{ ...edit, effect: { kind: 'shift', delta: [1, 2, 3] } }, /shift effect needs a finite delta/],
      [{ ...edit, effect: { kind: 'set', value: Infinity } }, /set effect needs a finite value/],
      [{ ...edit, mask: { kind: 'brush', size: 4, alpha: new Float32Array(3) } }, /brush of size 4 needs a Float32Array of 16/],
      [{ ...edit, mask: { kind: 'star' } }, /unknown mask kind star/],
      [{ ...edit, onImage: 'yes' }, /onImage must be true or false/],
      [{ at: 1, space: 'preview', defect: { preset: 'smudge' } }, /unknown preset smudge/],
      [{ at: 1, space: 'preview', defect: { effect: { kind: 'paint', color: [1, 2] }, mask: { kind: 'all' } } }, /paint effect needs a colour/],
    ];
    for (const [e, message] of cases) expect(jobProblem(withEdit(e))).toMatch(message);
  });

  it('a preset on the preview resolves to its defect (with a painted mask when given); a latent edit passes unchanged', () => {
    expect(resolveLatentEdit({ at: 3, space: 'preview', defect: { preset: 'shift' } })).toEqual({ at: 3, space: 'preview', defect: PRESETS.shift });
    const mask = emptyBrush(8);
    expect(resolveLatentEdit({ at: 3, space: 'preview', defect: { preset: 'blob', mask } })).toEqual({ at: 3, space: 'preview', defect: { effect: PRESETS.blob.effect, mask } });
    expect(resolveLatentEdit(edit)).toBe(edit);
    expect(resolveLatentEdit({ at: 3, space: 'preview', defect: { preset: 'shift' }, onImage: true })).toEqual({ at: 3, space: 'preview', defect: PRESETS.shift, onImage: true });
  });
});

describe('latent messages', () => {
  it('a frame gives away its four arrays and its decode; a result its three; the job keeps its brushes', () => {
    const a = () => new Float32Array(4);
    const frame: LatentFrame = { i: 0, steps: 1, t: 999, tPrev: 0, side: 1, channels: 4, size: 16, xt: a(), x0: a(), xtPreview: a(), x0Preview: a(), decoded: a(), ms: 1, decodeMs: 2 };
    expect(transferablesOf({ type: 'latent-progress', id: 1, channel: 'l5', frame })).toEqual([frame.xt, frame.x0, frame.xtPreview, frame.x0Preview, frame.decoded!].map((x) => x.buffer));
    const outcome = { latent: a(), preview: a(), image: a(), side: 1, channels: 4, size: 16, ms: { steps: 1, decode: 1 } };
    expect(transferablesOf({ type: 'latent-result', id: 1, channel: 'l5', outcome, ms: 3 })).toEqual([outcome.latent.buffer, outcome.preview.buffer, outcome.image.buffer]);
    const brush = { ...edit, mask: emptyBrush(4) };
    expect(transferablesOf({ type: 'run', id: 1, channel: 'l5', job: { ...job, edits: [brush] } })).toEqual([]);
  });
});
