// Every lesson's "check yourself" list: sound (3–5 questions, answers among the choices, both languages
// filled), pointing at headings the lesson really has under the titles it really uses, quoting the
// figures the lesson's prose and the manifests hold, and setting up the lesson's own widgets.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { problemsOf, type Question } from '../../../../src/lib/components/question';
import { LANGS } from '../../../../src/lib/i18n/lang';
import { addingNoiseQuestions, figures as noiseFigures } from '../../../../src/lib/widgets/questions/adding-noise';
import { removingNoiseQuestions } from '../../../../src/lib/widgets/questions/removing-noise';
import { cascadedDiffusionQuestions, changeOf, measuredShare, shareBucket } from '../../../../src/lib/widgets/questions/cascaded-diffusion';
import { autoencoderQuestions, figures as vaeFigures, squeezeDistractors } from '../../../../src/lib/widgets/questions/the-autoencoder';
import type { ForwardNoise } from '../../../../src/lib/widgets/forward-noise.svelte';
import type { CascadeLesson } from '../../../../src/lib/widgets/cascade-lesson.svelte';
import type { AutoencoderLesson } from '../../../../src/lib/widgets/the-autoencoder/autoencoder-lesson.svelte';

/** Stand-ins for the lesson states that record what "set up the widget" asked of them. */
const noise = { schedule: 'linear', t: 250 };
const calls: string[] = [];
const cascade = { setDefect: (d: string) => calls.push(`defect ${d}`), setAug: (s: number, a: number) => calls.push(`aug ${s} ${a}`) };
const autoencoder = { setMix: (m: number) => calls.push(`mix ${m}`) };

const LISTS: Record<string, Question[]> = {
  'adding-noise': addingNoiseQuestions(noise as unknown as ForwardNoise),
  'removing-noise': removingNoiseQuestions(),
  'cascaded-diffusion': cascadedDiffusionQuestions(cascade as unknown as CascadeLesson),
  'the-autoencoder': autoencoderQuestions(autoencoder as unknown as AutoencoderLesson),
};

const lesson = (lang: string, slug: string) => readFileSync(`lessons/${lang}/${slug}.svx`, 'utf8');
const manifest = (model: string) => JSON.parse(readFileSync(`pretrained/${model}/manifest.json`, 'utf8'));

describe.each(Object.entries(LISTS))('%s questions', (slug, questions) => {
  it('are a sound list in every language', () => {
    expect(problemsOf(questions, LANGS)).toEqual([]);
  });

  it.each(LANGS)('the %s lesson shows them at its end', (lang) => {
    expect(lesson(lang, slug)).toContain(`<CheckYourself slug="${slug}" {questions} />`);
  });

  it.each(LANGS)('every link back names a heading of the %s lesson by its own title', (lang) => {
    const text = lesson(lang, slug);
    for (const q of questions) {
      expect(text, `${q.id} → #${q.see.anchor}`).toContain(`<h2 id="${q.see.anchor}">${q.see.section[lang]}</h2>`);
      if (q.tryIt) expect(text, `${q.id} try → #${q.tryIt.anchor}`).toContain(`<h2 id="${q.tryIt.anchor}">`);
    }
  });
});

describe('lesson 1 questions', () => {
  it('quote the schedule figures the lesson prose states', () => {
    const en = lesson('en', 'adding-noise');
    expect(en).toContain(`t = ${noiseFigures.linearCross}`);
    expect(en).toContain(`t = ${noiseFigures.cosineCross}`);
    expect(en).toContain(`${noiseFigures.linearNoisy} of the`);
    expect(en).toContain(`just ${noiseFigures.cosineNoisy} steps`);
    expect(en).toContain(`${noiseFigures.shift1024.toFixed(2)}`);
    expect(noiseFigures.gain).toBe(256);
  });

  it('set up the shared noise state for the predictions', () => {
    const sameT = LISTS['adding-noise'].find((q) => q.id === 'same-t');
    sameT?.tryIt?.apply?.();
    expect(noise).toEqual({ schedule: 'cosine', t: 500 });
  });
});

describe('lesson 2 questions', () => {
  it('quote the base model’s dropout of the scene kind from its manifest', () => {
    const every = Math.round(1 / manifest('base-64').data.details.condDropout);
    const guidance = LISTS['removing-noise'].find((q) => q.id === 'guidance');
    expect(guidance?.why.en).toContain(`one training example in ${every}`);
    expect(guidance?.why.vi).toContain(`cứ ${every} ví dụ`);
  });
});

describe('lesson 3 questions', () => {
  const row = (model: string, preset: string, aug: number, column: number) =>
    manifest(model).evaluation.propagation.rows.find((r: { preset: string; aug: number }) => r.preset === preset && r.aug === aug).ratio[column];

  it('take the right answer of a prediction from the measured share', () => {
    const questions = LISTS['cascaded-diffusion'];
    expect(questions.find((q) => q.id === 'blob')?.answer).toBe(shareBucket(row('sr-1024', 'blob', 0, 1)));
    expect(questions.find((q) => q.id === 'fine-defect')?.answer).toBe(changeOf(row('sr-256', 'noise', 0, 0), row('sr-256', 'noise', 0.3, 0)));
    expect(questions.find((q) => q.id === 'blob')?.why.en).toContain(`${Math.round(row('sr-1024', 'blob', 0, 1) * 100)}%`);
  });

  it('bucket shares and changes at their stated edges', () => {
    expect([shareBucket(0.8), shareBucket(0.79), shareBucket(0.2), shareBucket(0.19)]).toEqual(['most', 'part', 'part', 'none']);
    expect([changeOf(1, 0.49), changeOf(1, 0.5), changeOf(1, 1.5), changeOf(1, 1.51)]).toEqual(['less', 'same', 'same', 'more']);
  });

  it('refuse to quote a figure the manifest does not have', () => {
    expect(() => measuredShare(null, 'blob', 1024, 0)).toThrow(/no propagation figure/);
  });

  it('set up the defect and the augmentation levels they ask about', () => {
    calls.length = 0;
    LISTS['cascaded-diffusion'].find((q) => q.id === 'fine-defect')?.tryIt?.apply?.();
    expect(calls).toEqual(['defect noise', 'aug 0 0.3', 'aug 1 0.3']);
  });
});

describe('lesson 4 questions', () => {
  it('count the squeeze from the manifest’s latent shape', () => {
    const { config } = manifest('vae');
    const factor = 2 ** (config.channels.length - 1);
    expect(vaeFigures.channels).toBe(config.latentChannels);
    expect(vaeFigures.ratio).toBe((3 * factor * factor) / config.latentChannels);
    const squeeze = LISTS['the-autoencoder'].find((q) => q.id === 'squeeze');
    expect(squeeze?.prompt.en).toContain(`${1024 / factor}×${1024 / factor}×${config.latentChannels}`);
  });

  it('never offer the right squeeze factor as a wrong answer', () => {
    expect(squeezeDistractors(256, 16)).toEqual([16, 768]);
    expect(squeezeDistractors(96, 16)).toEqual([16, 256, 768]);
  });

  it('set the mixing slider to 1 for the prior prediction', () => {
    calls.length = 0;
    LISTS['the-autoencoder'].find((q) => q.id === 'prior-mix')?.tryIt?.apply?.();
    expect(calls).toEqual(['mix 1']);
  });
});
