// Lesson 3's "check yourself" questions. The shares of a defect that reach 256 and 1024 are read from
// the super-resolution manifests' propagation tables at build time (the same figures the lesson's
// augmentation charts draw), and the right answer of a prediction follows the measured figure.
import type { Question } from '$lib/components/question';
import { percent } from '$lib/components/question';
import { propagationOf, ratioCurve, type PropagationFigures } from '../cascade-manifests';
import type { CascadeLesson } from '../cascade-lesson.svelte';
import { evaluation as sr256Evaluation } from '../../../../pretrained/sr-256/manifest.json';
import { evaluation as sr1024Evaluation } from '../../../../pretrained/sr-1024/manifest.json';

/** The measured share of `preset`'s energy at `size` for augmentation level `aug`; throws when not measured. */
export function measuredShare(figures: PropagationFigures | null, preset: string, size: number, aug: number): number {
  const point = figures && ratioCurve(figures, preset, size).find((p) => p.aug === aug);
  if (!point) throw new Error(`no propagation figure for ${preset} at ${size}, a = ${aug}: re-run npm run eval for the SR models`);
  return point.ratio;
}

/** A measured share as the answer of "how much gets through?": most (≥ 80%), none (< 20%), or part. */
export function shareBucket(share: number): 'most' | 'part' | 'none' {
  return share >= 0.8 ? 'most' : share < 0.2 ? 'none' : 'part';
}

/** Whether a share at a higher level is much smaller, much larger, or about the same as at a = 0. */
export function changeOf(before: number, after: number): 'less' | 'same' | 'more' {
  return after < before / 2 ? 'less' : after > before * 1.5 ? 'more' : 'same';
}

const at256 = propagationOf(sr256Evaluation);
const at1024 = propagationOf(sr1024Evaluation);

export const figures = {
  blobClean1024: measuredShare(at1024, 'blob', 1024, 0),
  blobStrong1024: measuredShare(at1024, 'blob', 1024, 0.5),
  noiseClean256: measuredShare(at256, 'noise', 256, 0),
  noiseAug256: measuredShare(at256, 'noise', 256, 0.3),
};

const errorSection = { anchor: 'error-travels', section: { en: 'An error made at 64×64 travels upward', vi: 'Lỗi sinh ra ở 64×64 lan lên trên' } };
const augSection = { anchor: 'augmentation', section: { en: 'Conditioning augmentation', vi: 'Tăng cường điều kiện' } };

export function cascadedDiffusionQuestions(lesson: CascadeLesson): Question[] {
  const f = figures;
  const blob = shareBucket(f.blobClean1024);
  const noise = changeOf(f.noiseClean256, f.noiseAug256);
  /** Sets up the propagation widget: one defect preset, the same augmentation level for both SR stages. */
  const presetAt = (defect: 'blob' | 'noise', aug: number) => {
    lesson.setDefect(defect);
    lesson.setAug(0, aug);
    lesson.setAug(1, aug);
  };
  return [
    {
      id: 'separately',
      kind: 'choose',
      prompt: { en: 'How are the cascade’s three models trained?', vi: 'Ba mô hình của chuỗi phân tầng được huấn luyện như thế nào?' },
      choices: [
        { id: 'separately', text: { en: 'Each on its own: a super-resolution model learns from a true large image and its own reduction', vi: 'Mỗi mô hình riêng rẽ: một mô hình siêu phân giải học từ một ảnh lớn thật và bản thu nhỏ của chính nó' } },
        { id: 'jointly', text: { en: 'Together, end to end, with gradients from the 1024×1024 result back into the base model', vi: 'Cùng nhau, đầu-cuối, với gradient từ kết quả 1024×1024 chảy ngược về mô hình gốc' } },
        { id: 'chained', text: { en: 'The base model first, then each super-resolution model on the base model’s own samples', vi: 'Mô hình gốc trước, rồi mỗi mô hình siêu phân giải trên chính các mẫu của mô hình gốc' } },
      ],
      answer: 'separately',
      why: {
        en: 'The three are trained independently, not end to end (lecture, 02:17); CDM defines a cascade as a pipeline of separately trained models. So in training a super-resolution model never sees the base model’s mistakes.',
        vi: 'Ba mô hình được huấn luyện độc lập, không đầu-cuối (bài giảng, 02:17); CDM định nghĩa chuỗi phân tầng là một dây chuyền các mô hình huấn luyện riêng rẽ. Vì vậy khi huấn luyện, mô hình siêu phân giải không bao giờ thấy lỗi của mô hình gốc.',
      },
      see: { anchor: 'trained-separately', section: { en: 'Trained separately, not end-to-end', vi: 'Huấn luyện riêng rẽ, không đầu-cuối' } },
    },
    {
      id: 'blob',
      kind: 'predict',
      prompt: {
        en: 'Put the blob of wrong colour on the 64×64 image, with no augmentation (a = 0) at either stage. How much of its energy reaches 1024×1024?',
        vi: 'Đặt vệt sai màu lên ảnh 64×64, không tăng cường (a = 0) ở cả hai tầng. Bao nhiêu năng lượng của nó tới được ảnh 1024×1024?',
      },
      choices: [
        { id: 'most', text: { en: 'Nearly all of it (80% or more)', vi: 'Gần như toàn bộ (từ 80% trở lên)' } },
        { id: 'part', text: { en: 'Some of it (between 20% and 80%)', vi: 'Một phần (từ 20% đến 80%)' } },
        { id: 'none', text: { en: 'Almost none (under 20%): the super-resolution models remove it', vi: 'Gần như không gì (dưới 20%): các mô hình siêu phân giải xoá nó đi' } },
      ],
      answer: blob,
      why: {
        en: `Our evaluation measured ${percent(f.blobClean1024)} at 1024×1024.${blob === 'most' ? ' A super-resolution model is trained to stay faithful to its input: the blob is part of the picture, and it is enlarged with everything else.' : ''}`,
        vi: `Phép đánh giá của chúng tôi đo được ${percent(f.blobClean1024)} ở ảnh 1024×1024.${blob === 'most' ? ' Mô hình siêu phân giải được huấn luyện để trung thành với đầu vào: vệt màu là một phần của bức ảnh, và nó được phóng to cùng mọi thứ khác.' : ''}`,
      },
      see: errorSection,
      tryIt: {
        say: { en: 'choose the blob preset and set a = 0 for both stages; the bars show each stage’s share.', vi: 'chọn lỗi vệt sai màu và đặt a = 0 cho cả hai tầng; các thanh cho thấy phần năng lượng ở mỗi tầng.' },
        anchor: errorSection.anchor,
        apply: () => presetAt('blob', 0),
      },
    },
    {
      id: 'fine-defect',
      kind: 'predict',
      prompt: {
        en: `The patch of noise is a fine defect: with a = 0, ${percent(f.noiseClean256)} of its energy reaches 256×256. What happens at augmentation level a = 0.3?`,
        vi: `Mảng nhiễu là một lỗi mịn: với a = 0, ${percent(f.noiseClean256)} năng lượng của nó tới được ảnh 256×256. Điều gì xảy ra ở mức tăng cường a = 0,3?`,
      },
      choices: [
        { id: 'less', text: { en: 'Much less of it gets through', vi: 'Phần đi qua ít hơn nhiều' } },
        { id: 'same', text: { en: 'About as much gets through', vi: 'Phần đi qua gần như bằng trước' } },
        { id: 'more', text: { en: 'More gets through: the added noise adds to it', vi: 'Phần đi qua nhiều hơn: nhiễu thêm vào cộng dồn với nó' } },
      ],
      answer: noise,
      why: {
        en: `Our evaluation measured ${percent(f.noiseAug256)} at 256×256 with a = 0.3.${noise === 'less' ? ' The noise hides small details of the input, good and bad alike, so the model learns to rely on them less and to fill them in itself.' : ''}`,
        vi: `Phép đánh giá của chúng tôi đo được ${percent(f.noiseAug256)} ở ảnh 256×256 với a = 0,3.${noise === 'less' ? ' Nhiễu che đi các chi tiết nhỏ của đầu vào, tốt cũng như xấu, nên mô hình học cách ít dựa vào chúng hơn và tự điền chúng vào.' : ''}`,
      },
      see: augSection,
      tryIt: {
        say: { en: 'choose the patch of noise and move both augmentation sliders to 0.3.', vi: 'chọn mảng nhiễu và kéo cả hai thanh trượt tăng cường tới 0,3.' },
        anchor: augSection.anchor,
        apply: () => presetAt('noise', 0.3),
      },
    },
    {
      id: 'wrong-object',
      kind: 'choose',
      prompt: {
        en: 'The base model drew a mountain at 64×64 where the scene needed sea. Can a high augmentation level make the later stages fix it?',
        vi: 'Ở 64×64, mô hình gốc vẽ một ngọn núi nơi cảnh cần biển. Một mức tăng cường cao có giúp các tầng sau sửa được nó không?',
      },
      choices: [
        { id: 'no', text: { en: 'No: augmentation hides details, but each stage is trained to keep the layout of its input', vi: 'Không: tăng cường che đi chi tiết, nhưng mỗi tầng được huấn luyện để giữ bố cục của đầu vào' } },
        { id: 'yes', text: { en: 'Yes: with enough noise the wrong object is washed out', vi: 'Có: với đủ nhiễu, vật sai sẽ bị xoá đi' } },
        { id: 'last', text: { en: 'Only the 1024×1024 stage can fix it, because it sees the most pixels', vi: 'Chỉ tầng 1024×1024 sửa được, vì nó thấy nhiều điểm ảnh nhất' } },
      ],
      answer: 'no',
      why: {
        en: `A wrong object is not a detail. Even a blob of wrong colour kept ${percent(f.blobStrong1024)} of its energy at 1024×1024 with a = 0.5 in our evaluation.`,
        vi: `Một vật sai không phải là chi tiết. Ngay cả vệt sai màu vẫn giữ ${percent(f.blobStrong1024)} năng lượng ở ảnh 1024×1024 với a = 0,5 trong phép đánh giá của chúng tôi.`,
      },
      see: augSection,
    },
  ];
}
