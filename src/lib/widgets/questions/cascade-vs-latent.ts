// Lesson 6's "check yourself" questions. The arithmetic of one network call of each stage is read from the
// shipped manifests at build time (base-64, sr-1024 and the autoencoder's decoder; compare-figures.ts picks the
// row of the grid each network works on), never typed here; latent-64's manifest is not read, since the lesson
// must build before that model ships.
import type { Question } from '$lib/components/question';
import { localNumber } from '$lib/components/question';
import type { CompareLesson } from '../cascade-vs-latent/compare-lesson.svelte';
import { stageFacts, stageFlops } from '../cascade-vs-latent/compare-figures';
import { SR_STEPS } from '../cascade-vs-latent/compare-settings';
import { flops as baseFlops } from '../../../../pretrained/base-64/manifest.json';
import { flops as sr1024Flops, data as sr1024Data, predictorWeights as sr1024Predictor } from '../../../../pretrained/sr-1024/manifest.json';
import { flops as vaeFlops, paramCount as vaeParams } from '../../../../pretrained/vae/manifest.json';

const BASE_STEPS = 20;
const base = stageFacts('base-64', { flops: baseFlops }, BASE_STEPS);
const sr1024 = stageFacts('sr-1024', { flops: sr1024Flops, data: sr1024Data, predictorWeights: sr1024Predictor }, SR_STEPS[1]);
const decoder = stageFacts('vae', { flops: vaeFlops, paramCount: vaeParams }, 1);
const g = (flops: number | null) => Math.round((flops ?? 0) / 1e9);

/** The figures the questions quote, in GFLOP: one call and the whole stage. */
export const figures = {
  baseStep: (base.flopsPerCall ?? 0) / 1e9,
  baseStage: g(stageFlops(base)),
  sr1024Call: g(sr1024.flopsPerCall),
  sr1024Calls: sr1024.calls,
  sr1024Stage: g(stageFlops(sr1024)),
  decode: g(decoder.flopsPerCall),
};

const run = { anchor: 'run', section: { en: 'The same request through both', vi: 'Cùng một yêu cầu qua cả hai quy trình' } };
const errors = { anchor: 'errors', section: { en: 'Where an error goes', vi: 'Một lỗi sẽ đi về đâu' } };
const claims = { anchor: 'claims', section: { en: "The lecture's claims, one by one", vi: 'Từng nhận định của bài giảng' } };

export function compareQuestions(lesson: CompareLesson): Question[] {
  const f = figures;
  const n = (x: number, lang: 'en' | 'vi') => localNumber(x, lang, 2);
  return [
    {
      id: 'cascade-time',
      kind: 'choose',
      prompt: {
        en: `With ${BASE_STEPS} base steps and lesson 3’s step counts, which stage of the cascade does the most arithmetic?`,
        vi: `Với ${BASE_STEPS} bước ở tầng gốc và số bước của bài 3, tầng nào của chuỗi phân tầng làm nhiều phép tính nhất?`,
      },
      choices: [
        { id: 'sr-1024', text: { en: 'sr-1024, the last: every call works on the whole 1024×1024 image', vi: 'sr-1024, tầng cuối: mỗi lần gọi làm việc trên toàn bộ ảnh 1024×1024' } },
        { id: 'base', text: { en: 'base-64: it takes the most steps', vi: 'base-64: nó chạy nhiều bước nhất' } },
        { id: 'equal', text: { en: 'All three alike: each is one diffusion model', vi: 'Cả ba như nhau: mỗi tầng là một mô hình khuếch tán' } },
      ],
      answer: 'sr-1024',
      why: {
        en: `One call of sr-1024 costs about ${f.sr1024Call} GFLOP, against ${n(f.baseStep, 'en')} GFLOP for a step of base-64; its ${f.sr1024Calls} calls (a predictor pass and the steps) come to about ${f.sr1024Stage} GFLOP, the base’s ${BASE_STEPS} steps to about ${f.baseStage}. The timeline shows the same on your device.`,
        vi: `Một lần gọi sr-1024 tốn khoảng ${f.sr1024Call} GFLOP, so với ${n(f.baseStep, 'vi')} GFLOP cho một bước của base-64; ${f.sr1024Calls} lần gọi của nó (một lượt của bộ dự đoán và các bước) tổng cộng khoảng ${f.sr1024Stage} GFLOP, còn ${BASE_STEPS} bước của tầng gốc khoảng ${f.baseStage}. Dòng thời gian cho thấy điều tương tự trên thiết bị của bạn.`,
      },
      see: run,
    },
    {
      id: 'more-steps',
      kind: 'predict',
      prompt: {
        en: 'Raise the steps from 20 to 50. What happens to the latent pipeline’s time?',
        vi: 'Tăng số bước từ 20 lên 50. Thời gian của chuỗi tiềm ẩn thay đổi thế nào?',
      },
      choices: [
        { id: 'steps-grow', text: { en: 'The steps take about 2.5 times as long; the one decode takes the same', vi: 'Các bước mất khoảng gấp 2,5 lần; lần giải mã duy nhất vẫn như cũ' } },
        { id: 'all-grow', text: { en: 'Everything takes 2.5 times as long, the decode too', vi: 'Mọi thứ đều mất gấp 2,5 lần, cả lần giải mã' } },
        { id: 'same', text: { en: 'Nothing changes: the steps are too cheap to notice', vi: 'Không có gì thay đổi: các bước quá rẻ nên không đáng kể' } },
      ],
      answer: 'steps-grow',
      why: {
        en: `Each step is one call of latent-64 on the 64×64 latent; the decoder runs once, after the last step, whatever the count (about ${f.decode} GFLOP). So more steps cost the latent pipeline little, and they cost the cascade only at 64×64 too.`,
        vi: `Mỗi bước là một lần gọi latent-64 trên biến tiềm ẩn 64×64; bộ giải mã chạy một lần, sau bước cuối cùng, dù số bước là bao nhiêu (khoảng ${f.decode} GFLOP). Nên thêm bước chỉ tốn thêm ít cho chuỗi tiềm ẩn, và với chuỗi phân tầng cũng chỉ tốn ở 64×64.`,
      },
      see: run,
      tryIt: { say: { en: 'set the steps to 50 and compare the two latent bars with those of 20 steps.', vi: 'đặt số bước là 50 và so sánh hai thanh của chuỗi tiềm ẩn với khi có 20 bước.' }, anchor: run.anchor, apply: () => lesson.setSteps(50) },
    },
    {
      id: 'late-defect',
      kind: 'predict',
      prompt: {
        en: 'The same blob goes into the cascade’s 64×64 image and into the latent after its last step. Which reaches the 1024×1024 image?',
        vi: 'Cùng một vệt màu được đưa vào ảnh 64×64 của chuỗi phân tầng và vào biến tiềm ẩn sau bước cuối cùng. Cái nào tới được ảnh 1024×1024?',
      },
      choices: [
        { id: 'both', text: { en: 'Both: nothing after either point is free to repair it', vi: 'Cả hai: không có gì sau hai điểm đó được tự do sửa nó' } },
        { id: 'latent-only', text: { en: 'Only the latent one: the cascade’s super-resolution models remove it', vi: 'Chỉ cái trong biến tiềm ẩn: các mô hình siêu phân giải của chuỗi phân tầng xoá nó đi' } },
        { id: 'cascade-only', text: { en: 'Only the cascade’s: the decoder removes it', vi: 'Chỉ cái của chuỗi phân tầng: bộ giải mã xoá nó đi' } },
      ],
      answer: 'both',
      why: {
        en: 'The super-resolution models are trained to stay faithful to their input, so they carry the blob up; the decoder decodes whatever latent it is given. Only the denoising steps can pull a defect back, and only what they have not yet settled: a fine defect put in half-way mostly fades, a blob mostly stays.',
        vi: 'Các mô hình siêu phân giải được huấn luyện để trung thành với đầu vào, nên chúng mang vệt màu lên; bộ giải mã giải mã bất cứ biến tiềm ẩn nào nó nhận. Chỉ các bước khử nhiễu mới kéo được khuyết tật trở lại, và chỉ những gì chúng chưa định sẵn: một lỗi nhỏ đưa vào giữa chừng phần lớn mờ đi, một vệt màu thì phần lớn ở lại.',
      },
      see: errors,
      tryIt: { say: { en: 'pick the blob and compare the three difference maps.', vi: 'chọn vệt sai màu và so sánh ba bản đồ hiệu.' }, anchor: errors.anchor, apply: () => lesson.setDefect('blob') },
    },
    {
      id: 'overfitting',
      kind: 'choose',
      prompt: {
        en: 'Our latent model saw each of its training latents many times; the pixel model saw a new scene at every example. What can the gap between their training and held-out losses tell?',
        vi: 'Mô hình tiềm ẩn của chúng tôi thấy mỗi biến tiềm ẩn huấn luyện nhiều lần; mô hình điểm ảnh thấy một cảnh mới ở mỗi ví dụ. Khoảng cách giữa mất mát huấn luyện và mất mát để riêng của chúng cho biết điều gì?',
      },
      choices: [
        { id: 'budget', text: { en: 'Mostly how each was trained (repeated data against fresh data), not whether latent models overfit less', vi: 'Chủ yếu là cách mỗi mô hình được huấn luyện (dữ liệu lặp lại so với dữ liệu mới), không phải mô hình tiềm ẩn có ít quá khớp hơn hay không' } },
        { id: 'proof', text: { en: 'A proof that latent diffusion overfits less, as the lecture says', vi: 'Một bằng chứng rằng khuếch tán tiềm ẩn ít quá khớp hơn, như bài giảng nói' } },
        { id: 'nothing', text: { en: 'Nothing at all: losses cannot show overfitting', vi: 'Hoàn toàn không gì: mất mát không thể cho thấy quá khớp' } },
      ],
      answer: 'budget',
      why: {
        en: 'A model that sees the same examples again can learn them by heart; one that never sees an example twice cannot. Our two runs differ in exactly that, so their gaps measure the data budget as much as the architecture. The LDM paper itself does not claim less overfitting.',
        vi: 'Mô hình thấy lại cùng những ví dụ có thể học thuộc chúng; mô hình không bao giờ thấy một ví dụ hai lần thì không thể. Hai lần huấn luyện của chúng tôi khác nhau đúng ở điểm đó, nên khoảng cách của chúng đo ngân sách dữ liệu nhiều như đo kiến trúc. Chính bài báo LDM không khẳng định là ít quá khớp hơn.',
      },
      see: claims,
    },
  ];
}
