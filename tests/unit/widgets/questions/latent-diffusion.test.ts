// Lesson 5's "check yourself": a sound list in both languages, links back to headings the lesson has
// under the titles it uses (the live lesson once it exists, the draft before), the latent's figures
// counted from the autoencoder's manifest, and the predictions setting up the lesson's own widgets.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { problemsOf } from '../../../../src/lib/components/question';
import { LANGS } from '../../../../src/lib/i18n/lang';
import { figures, latentQuestions } from '../../../../src/lib/widgets/questions/latent-diffusion';
import type { LatentLesson } from '../../../../src/lib/widgets/latent-diffusion/latent-lesson.svelte';

const calls: string[] = [];
const lesson = { setDefect: (d: string) => calls.push(`defect ${d}`), setU: (u: number) => calls.push(`u ${u}`), setBlend: (b: string) => calls.push(`blend ${b}`) };
const questions = latentQuestions(lesson as unknown as LatentLesson);
const page = (lang: string) => {
  const live = `lessons/${lang}/latent-diffusion.svx`;
  return readFileSync(existsSync(live) ? live : `lessons/drafts/${lang}/latent-diffusion.svx`, 'utf8');
};

describe('lesson 5 questions', () => {
  it('are a sound list in every language, shown at the lesson’s end', () => {
    expect(problemsOf(questions, LANGS)).toEqual([]);
    for (const lang of LANGS) expect(page(lang)).toContain('<CheckYourself slug="latent-diffusion" {questions} />');
  });

  it.each(LANGS)('every link back names a heading of the %s lesson by its own title', (lang) => {
    const text = page(lang);
    for (const q of questions) {
      expect(text, `${q.id} → #${q.see.anchor}`).toContain(`<h2 id="${q.see.anchor}">${q.see.section[lang]}</h2>`);
      if (q.tryIt) expect(text, `${q.id} try → #${q.tryIt.anchor}`).toContain(`<h2 id="${q.tryIt.anchor}">`);
    }
  });

  it('count the latent from the autoencoder’s manifest, the figure the prose quotes', () => {
    const { config } = JSON.parse(readFileSync('pretrained/vae/manifest.json', 'utf8'));
    const side = 1024 / 2 ** (config.channels.length - 1);
    expect(figures).toEqual({ channels: config.latentChannels, side, latent: side * side * config.latentChannels, ratio: (1024 * 1024 * 3) / (side * side * config.latentChannels) });
    expect(questions[0].prompt.en).toContain(`${side}×${side}×${config.latentChannels}`);
    expect(page('en')).toContain(`${figures.ratio} times fewer numbers`);
    expect(page('vi')).toContain(`ít hơn ${figures.ratio} lần`);
  });

  it('set up the defect, and the walk half-way with the straight average', () => {
    calls.length = 0;
    for (const q of questions) q.tryIt?.apply?.();
    expect(calls).toEqual(['defect noise', 'u 0.5', 'blend lerp']);
  });
});
