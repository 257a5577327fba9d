// Lesson 6's "check yourself": a sound list in both languages, links back to headings the lesson has under the
// titles it uses (the live lesson once it exists, the draft before), the arithmetic quoted from the manifests,
// and the predictions setting up the lesson's own widgets.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { problemsOf } from '../../../../src/lib/components/question';
import { LANGS } from '../../../../src/lib/i18n/lang';
import { compareQuestions, figures } from '../../../../src/lib/widgets/questions/cascade-vs-latent';
import type { CompareLesson } from '../../../../src/lib/widgets/cascade-vs-latent/compare-lesson.svelte';

const calls: string[] = [];
const lesson = { setSteps: (n: number) => calls.push(`steps ${n}`), setDefect: (d: string) => calls.push(`defect ${d}`) };
const questions = compareQuestions(lesson as unknown as CompareLesson);
const page = (lang: string) => {
  const live = `lessons/${lang}/cascade-vs-latent.svx`;
  return readFileSync(existsSync(live) ? live : `lessons/drafts/${lang}/cascade-vs-latent.svx`, 'utf8');
};
const manifest = (model: string) => JSON.parse(readFileSync(`pretrained/${model}/manifest.json`, 'utf8'));

describe('lesson 6 questions', () => {
  it('are a sound list in every language, shown at the lesson’s end', () => {
    expect(problemsOf(questions, LANGS)).toEqual([]);
    for (const lang of LANGS) expect(page(lang)).toContain('<CheckYourself slug="cascade-vs-latent" {questions} />');
  });

  it.each(LANGS)('every link back names a heading of the %s lesson by its own title', (lang) => {
    const text = page(lang);
    for (const q of questions) {
      expect(text, `${q.id} → #${q.see.anchor}`).toContain(`<h2 id="${q.see.anchor}">${q.see.section[lang]}</h2>`);
      if (q.tryIt) expect(text, `${q.id} try → #${q.tryIt.anchor}`).toContain(`<h2 id="${q.tryIt.anchor}">`);
    }
  });

  it('quote the arithmetic the manifests count: sr-1024’s calls outweigh the base’s 20 steps and the one decode', () => {
    const sr = manifest('sr-1024');
    const call = sr.flops.find((r: { height: number }) => r.height === 1024 / sr.data.details.sr.spaceToDepth).flopsPerImage;
    expect(figures.sr1024Call).toBe(Math.round(call / 1e9));
    expect(figures.decode).toBe(Math.round(manifest('vae').flops.find((r: { height: number }) => r.height === 1024).decoder / 1e9));
    expect(figures.sr1024Stage).toBeGreaterThan(figures.baseStage);
    expect(figures.sr1024Stage).toBeGreaterThan(figures.decode);
    expect(questions[0].why.en).toContain(`about ${figures.sr1024Call} GFLOP`);
  });

  it('the predictions set up the lesson’s widgets', () => {
    calls.length = 0;
    for (const q of questions) q.tryIt?.apply?.();
    expect(calls).toEqual(['steps 50', 'defect blob']);
  });
});
