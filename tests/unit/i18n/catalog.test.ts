// The course catalog: reading order, complete translations, each lesson's picture, neighbours that skip unwritten lessons,
// and lesson files that match the catalog (a misspelt file name would silently never be routed).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LESSONS, findLesson, lessonNumber, neighbours } from '../../../src/lib/i18n/catalog';
import { LANGS, isLang } from '../../../src/lib/i18n/lang';
import { lessonPicturePath } from '../../../src/routes/lesson-pictures';

describe('catalog', () => {
  it('lists the six lessons in the order the course teaches them', () => {
    expect(LESSONS.map((lesson) => lesson.slug)).toEqual([
      'adding-noise',
      'removing-noise',
      'cascaded-diffusion',
      'the-autoencoder',
      'latent-diffusion',
      'cascade-vs-latent',
    ]);
  });

  it('gives every lesson a non-empty, language-specific title and summary in every language', () => {
    for (const lesson of LESSONS) {
      for (const lang of LANGS) {
        expect(lesson.title[lang].trim(), `${lesson.slug} title ${lang}`).not.toBe('');
        expect(lesson.summary[lang].trim(), `${lesson.slug} summary ${lang}`).not.toBe('');
      }
      expect(lesson.title.vi).not.toBe(lesson.title.en);
      expect(lesson.summary.vi).not.toBe(lesson.summary.en);
    }
  });

  it('gives every lesson a picture on the index, committed under static/ and small, with alt text in every language', () => {
    for (const lesson of LESSONS) {
      const file = `static${lessonPicturePath(lesson.slug)}`;
      expect(existsSync(file), `${file} (npx tsx scripts/lesson-pictures.ts)`).toBe(true);
      const bytes = readFileSync(file);
      expect(bytes.subarray(8, 12).toString('latin1'), `${file} is a WebP`).toBe('WEBP');
      expect(bytes.length, `${file} stays small`).toBeLessThan(30_000);
      for (const lang of LANGS) expect(lesson.picture[lang].trim(), `${lesson.slug} picture ${lang}`).not.toBe('');
      expect(lesson.picture.vi).not.toBe(lesson.picture.en);
    }
  });

  it('uses the agreed Vietnamese titles', () => {
    expect(LESSONS.map((lesson) => lesson.title.vi)).toEqual([
      'Thêm nhiễu',
      'Khử nhiễu',
      'Khuếch tán phân tầng',
      'Bộ tự mã hoá',
      'Khuếch tán tiềm ẩn',
      'Phân tầng và tiềm ẩn',
    ]);
  });

  it('numbers lessons from 1 and answers 0 / undefined for an unknown slug', () => {
    expect(lessonNumber('adding-noise')).toBe(1);
    expect(lessonNumber('cascade-vs-latent')).toBe(6);
    expect(lessonNumber('nope')).toBe(0);
    expect(findLesson('latent-diffusion')?.title.en).toBe('Latent diffusion');
    expect(findLesson('nope')).toBeUndefined();
  });
});

describe('neighbours', () => {
  const all = () => true;

  it('are the adjacent lessons when every lesson exists', () => {
    const { previous, next } = neighbours('cascaded-diffusion', all);
    expect(previous?.slug).toBe('removing-noise');
    expect(next?.slug).toBe('the-autoencoder');
  });

  it('stop at both ends of the course', () => {
    expect(neighbours('adding-noise', all).previous).toBeUndefined();
    expect(neighbours('cascade-vs-latent', all).next).toBeUndefined();
  });

  it('skip lessons that are not written in that language', () => {
    const written = new Set(['adding-noise', 'latent-diffusion', 'cascade-vs-latent']);
    const exists = (slug: string) => written.has(slug);
    expect(neighbours('adding-noise', exists).next?.slug).toBe('latent-diffusion');
    expect(neighbours('latent-diffusion', exists).previous?.slug).toBe('adding-noise');
    expect(neighbours('latent-diffusion', exists).next?.slug).toBe('cascade-vs-latent');
  });

  it('are none when the lesson is the only one written, or the slug is unknown', () => {
    expect(neighbours('adding-noise', (slug) => slug === 'adding-noise')).toEqual({ previous: undefined, next: undefined });
    expect(neighbours('nope', all)).toEqual({ previous: undefined, next: undefined });
  });
});

describe('lesson files', () => {
  it('live only in lessons/<course language>/<catalog slug>.svx (drafts wait in lessons/drafts/<language>/)', () => {
    const slugs = new Set(LESSONS.map((lesson) => lesson.slug));
    const check = (root: string) => {
      for (const dir of readdirSync(root).filter((name) => !(root === 'lessons' && name === 'drafts') && !name.endsWith('.md'))) {
        expect(isLang(dir), `${root}/${dir} is not a course language`).toBe(true);
        for (const file of readdirSync(`${root}/${dir}`).filter((name) => name.endsWith('.svx'))) {
          expect(slugs.has(file.replace(/\.svx$/, '')), `${root}/${dir}/${file} has no catalog entry`).toBe(true);
        }
      }
    };
    check('lessons');
    // A draft is one folder deeper, out of reach of lesson-files.ts's '/lessons/*/*.svx': never built.
    if (existsSync('lessons/drafts')) check('lessons/drafts');
  });
});
