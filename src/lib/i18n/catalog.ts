// The course catalog: the six lessons in reading order, with titles and one-line summaries in every
// language. Which lessons exist is not kept here: that comes from the lesson files (src/routes/lesson-files.ts).
import type { Lang } from './lang';

export interface Lesson {
  slug: string;
  title: Record<Lang, string>;
  summary: Record<Lang, string>;
  /** Alt text of the lesson's picture on the index (src/routes/lesson-pictures.ts): what the picture shows. */
  picture: Record<Lang, string>;
}

/** Reading order is array order; "lesson N of 6" counts from 1 in this order. */
export const LESSONS: readonly Lesson[] = [
  {
    slug: 'adding-noise',
    title: { en: 'Adding noise', vi: 'Thêm nhiễu' },
    summary: {
      en: 'The forward process: how a schedule turns an image into pure noise, and why the same step hurts a 64×64 image more than a 1024×1024 one.',
      vi: 'Quá trình thuận: lịch nhiễu biến một bức ảnh thành nhiễu thuần tuý ra sao, và vì sao cùng một bước lại phá ảnh 64×64 nhiều hơn ảnh 1024×1024.',
    },
    picture: {
      en: 'A landscape that dissolves into coloured noise from left to right.',
      vi: 'Một phong cảnh tan dần thành nhiễu màu từ trái sang phải.',
    },
  },
  {
    slug: 'removing-noise',
    title: { en: 'Removing noise', vi: 'Khử nhiễu' },
    summary: {
      en: 'The reverse process: a small model predicts the noise (through the velocity v) step by step until a 64×64 image appears; DDPM and DDIM side by side.',
      vi: 'Quá trình ngược: một mô hình nhỏ dự đoán nhiễu (thông qua vận tốc v) qua từng bước cho tới khi hiện ra ảnh 64×64; so sánh DDPM và DDIM.',
    },
    picture: {
      en: 'Three squares: pure noise, then less noise, then a small generated seascape.',
      vi: 'Ba ô vuông: nhiễu thuần tuý, rồi bớt nhiễu, rồi một cảnh biển nhỏ do mô hình tạo ra.',
    },
  },
  {
    slug: 'cascaded-diffusion',
    title: { en: 'Cascaded diffusion', vi: 'Khuếch tán phân tầng' },
    summary: {
      en: 'From 64 to 256 to 1024 with super-resolution models: paint a defect on the small image and watch it travel up the cascade.',
      vi: 'Từ 64 lên 256 rồi 1024 bằng các mô hình siêu phân giải: vẽ một lỗi lên ảnh nhỏ và xem nó lan qua từng tầng.',
    },
    picture: {
      en: 'The same generated seascape three times, each larger and more detailed: 64, 256 and 1024 pixels.',
      vi: 'Cùng một cảnh biển được tạo ra ba lần, mỗi lần lớn hơn và chi tiết hơn: 64, 256 và 1024 điểm ảnh.',
    },
  },
  {
    slug: 'the-autoencoder',
    title: { en: 'The autoencoder', vi: 'Bộ tự mã hoá' },
    summary: {
      en: 'Compress a 1024×1024 image into a 64×64 latent and back: what the reconstruction, prior and adversarial losses each buy.',
      vi: 'Nén ảnh 1024×1024 thành biến tiềm ẩn 64×64 rồi giải nén lại: mỗi hàm mất mát tái tạo, tiên nghiệm và đối kháng mang lại điều gì.',
    },
    picture: {
      en: 'A coral reef image, arrow to eight small latent channel maps, arrow to the same reef rebuilt.',
      vi: 'Ảnh rạn san hô, mũi tên tới tám bản đồ kênh tiềm ẩn nhỏ, mũi tên tới rạn san hô được dựng lại.',
    },
  },
  {
    slug: 'latent-diffusion',
    title: { en: 'Latent diffusion', vi: 'Khuếch tán tiềm ẩn' },
    summary: {
      en: 'Denoise in the small latent space and decode once; disturb the latent half-way or at the end and see what the later steps make of it.',
      vi: 'Khử nhiễu trong không gian tiềm ẩn nhỏ rồi giải mã một lần; làm nhiễu biến tiềm ẩn giữa chừng hoặc ở cuối và xem các bước sau xử lý nó ra sao.',
    },
    picture: {
      en: 'A small noisy latent, arrow to the clean latent, arrow to one large decoded city skyline.',
      vi: 'Một biến tiềm ẩn nhỏ đầy nhiễu, mũi tên tới biến tiềm ẩn sạch, mũi tên tới một bức ảnh thành phố lớn được giải mã.',
    },
  },
  {
    slug: 'cascade-vs-latent',
    title: { en: 'Cascade vs latent', vi: 'Phân tầng và tiềm ẩn' },
    summary: {
      en: 'Both pipelines from the same seed on your own device: time per stage, compute, memory, and where the same defect ends up.',
      vi: 'Hai quy trình cùng một hạt giống ngay trên máy của bạn: thời gian từng tầng, khối lượng tính toán, bộ nhớ, và cùng một lỗi sẽ đi về đâu.',
    },
    picture: {
      en: 'Two rows: above, a seascape grows through three sizes; below, a small latent becomes a large image in one step.',
      vi: 'Hai hàng: hàng trên, cảnh biển lớn dần qua ba kích thước; hàng dưới, một biến tiềm ẩn nhỏ thành ảnh lớn chỉ trong một bước.',
    },
  },
];

/** The lesson with this slug, or undefined for a slug the course does not have. */
export function findLesson(slug: string): Lesson | undefined {
  return LESSONS.find((lesson) => lesson.slug === slug);
}

/** 1-based position in reading order (what "lesson N of 6" shows); 0 for an unknown slug. */
export function lessonNumber(slug: string): number {
  return LESSONS.findIndex((lesson) => lesson.slug === slug) + 1;
}

export interface Neighbours {
  previous: Lesson | undefined;
  next: Lesson | undefined;
}

/**
 * The nearest lessons before and after `slug` that a reader can open, i.e. for which `exists`
 * holds. Lessons not yet written in that language are skipped, so navigation never leads to a 404.
 */
export function neighbours(slug: string, exists: (slug: string) => boolean): Neighbours {
  const at = LESSONS.findIndex((lesson) => lesson.slug === slug);
  if (at < 0) return { previous: undefined, next: undefined };
  const before = LESSONS.slice(0, at).filter((lesson) => exists(lesson.slug));
  const after = LESSONS.slice(at + 1).filter((lesson) => exists(lesson.slug));
  return { previous: before.at(-1), next: after[0] };
}
