// Lesson 1's "check yourself" questions. Every figure is computed by the same float64 schedules the
// lesson's widgets draw (src/lib/diffusion/schedule.ts), so a question cannot quote a number the
// widget then contradicts.
import type { Question } from '$lib/components/question';
import { localNumber } from '$lib/components/question';
import { countTBelow, firstTBelow, makeSchedule, pooledSnr, snrAt } from '$lib/diffusion';
import type { ForwardNoise } from '../forward-noise.svelte';

/** The lesson's example: the same t at which the cosine schedule's SNR is about 1. */
const T_MID = 500;
/** 1024² pooled to 64²: each pixel of the small image averages a 16×16 block. */
const POOL = 1024 / 64;
/** "Almost pure noise", as the lesson counts it. */
const NEAR_NOISE = 0.01;

const linear = makeSchedule('linear');
const cosine = makeSchedule('cosine');

export const figures = {
  snrMid: snrAt(cosine, T_MID),
  pooledMid: pooledSnr(snrAt(cosine, T_MID), POOL),
  gain: pooledSnr(1, POOL),
  linearNoisy: countTBelow(linear, NEAR_NOISE),
  cosineNoisy: countTBelow(cosine, NEAR_NOISE),
  linearCross: firstTBelow(linear, 1),
  cosineCross: firstTBelow(cosine, 1),
  /** simple diffusion's shift of log-SNR for a 1024² image: 2·log(64/d). */
  shift1024: 2 * Math.log(64 / 1024),
};

/** The questions, wired to the page's shared state so "set up the widget" moves the lesson's own sliders. */
export function addingNoiseQuestions(noise: ForwardNoise): Question[] {
  const f = figures;
  return [
    {
      id: 'same-t',
      kind: 'predict',
      prompt: {
        en: `With the cosine schedule at t = ${T_MID}, the SNR of every pixel is about ${localNumber(f.snrMid, 'en', 2)} at all three sizes. Which image still shows its layout best?`,
        vi: `Với lịch cosin ở t = ${T_MID}, SNR của mỗi điểm ảnh xấp xỉ ${localNumber(f.snrMid, 'vi', 2)} ở cả ba kích thước. Ảnh nào vẫn thấy rõ bố cục nhất?`,
      },
      choices: [
        { id: '64', text: { en: 'The 64×64 image', vi: 'Ảnh 64×64' } },
        { id: '256', text: { en: 'The 256×256 image', vi: 'Ảnh 256×256' } },
        { id: '1024', text: { en: 'The 1024×1024 image', vi: 'Ảnh 1024×1024' } },
        { id: 'same', text: { en: 'All three equally: their SNR per pixel is the same', vi: 'Cả ba như nhau: SNR trên mỗi điểm ảnh của chúng bằng nhau' } },
      ],
      answer: '1024',
      why: {
        en: `Neighbouring pixels of the large image share their colour while their noise is independent. Averaged down to 64×64, its SNR is about ${localNumber(f.pooledMid, 'en')}: the layout is almost untouched.`,
        vi: `Các điểm ảnh cạnh nhau của ảnh lớn có cùng màu, còn nhiễu của chúng thì độc lập. Thu nhỏ về 64×64 bằng cách lấy trung bình, SNR của nó xấp xỉ ${localNumber(f.pooledMid, 'vi')}: bố cục gần như còn nguyên.`,
      },
      see: { anchor: 'small-images', section: { en: 'Why the same t hurts a small image more', vi: 'Vì sao cùng một t lại phá ảnh nhỏ nhiều hơn' } },
      tryIt: {
        say: { en: `pick the cosine schedule and t = ${T_MID}, and compare the three images.`, vi: `chọn lịch cosin và t = ${T_MID}, rồi so sánh ba ảnh.` },
        anchor: 'all-at-once',
        apply: () => {
          noise.schedule = 'cosine';
          noise.t = T_MID;
        },
      },
    },
    {
      id: 'pooling',
      kind: 'choose',
      prompt: {
        en: `Average every ${POOL}×${POOL} block of a noisy 1024×1024 image into one pixel. The colour inside a block is nearly constant. By what factor does the SNR grow?`,
        vi: `Lấy trung bình mỗi khối ${POOL}×${POOL} của một ảnh 1024×1024 có nhiễu thành một điểm ảnh. Màu trong mỗi khối gần như không đổi. SNR tăng lên bao nhiêu lần?`,
      },
      choices: [
        { id: 'none', text: { en: 'It does not grow: averaging keeps the SNR', vi: 'Không tăng: lấy trung bình giữ nguyên SNR' } },
        { id: 'side', text: { en: `${POOL} times`, vi: `${POOL} lần` } },
        { id: 'area', text: { en: `${f.gain} times`, vi: `${f.gain} lần` } },
      ],
      answer: 'area',
      why: {
        en: `The mean of ${f.gain} independent noises has 1/${f.gain} of their variance, while the signal stays the same: SNR · ${POOL}² (simple diffusion, Eq. 4).`,
        vi: `Trung bình của ${f.gain} nhiễu độc lập có phương sai bằng 1/${f.gain} phương sai của chúng, còn tín hiệu giữ nguyên: SNR · ${POOL}² (simple diffusion, phương trình 4).`,
      },
      see: { anchor: 'small-images', section: { en: 'Why the same t hurts a small image more', vi: 'Vì sao cùng một t lại phá ảnh nhỏ nhiều hơn' } },
    },
    {
      id: 'schedules',
      kind: 'predict',
      prompt: {
        en: `Which schedule spends more of its 1000 steps at almost pure noise (SNR below ${localNumber(NEAR_NOISE, 'en')})?`,
        vi: `Lịch nhiễu nào dành nhiều bước hơn trong 1000 bước của nó cho nhiễu gần như thuần tuý (SNR dưới ${localNumber(NEAR_NOISE, 'vi')})?`,
      },
      choices: [
        { id: 'linear', text: { en: 'Linear (DDPM)', vi: 'Tuyến tính (DDPM)' } },
        { id: 'cosine', text: { en: 'Cosine', vi: 'Cosin' } },
        { id: 'same', text: { en: 'Neither: both end in pure noise after the same number of steps', vi: 'Không lịch nào: cả hai kết thúc ở nhiễu thuần tuý sau cùng số bước' } },
      ],
      answer: f.linearNoisy > f.cosineNoisy ? 'linear' : f.linearNoisy < f.cosineNoisy ? 'cosine' : 'same',
      why: {
        en: `Linear: ${f.linearNoisy} of 1000 steps (its SNR is below 1 from t = ${f.linearCross}); cosine: ${f.cosineNoisy} (below 1 from t = ${f.cosineCross}). Nichol and Dhariwal found the linear schedule's last steps too noisy to help.`,
        vi: `Tuyến tính: ${f.linearNoisy} trong 1000 bước (SNR của nó dưới 1 từ t = ${f.linearCross}); cosin: ${f.cosineNoisy} (dưới 1 từ t = ${f.cosineCross}). Nichol và Dhariwal nhận thấy những bước cuối của lịch tuyến tính quá nhiễu nên không giúp được gì.`,
      },
      see: { anchor: 'schedules', section: { en: 'Schedules and the signal-to-noise ratio', vi: 'Lịch nhiễu và tỉ số tín hiệu trên nhiễu' } },
      tryIt: {
        say: { en: `switch the chart between linear and cosine and see where each SNR curve falls below ${localNumber(NEAR_NOISE, 'en')}.`, vi: `chuyển biểu đồ giữa tuyến tính và cosin, xem đường SNR của mỗi lịch xuống dưới ${localNumber(NEAR_NOISE, 'vi')} ở đâu.` },
        anchor: 'schedules',
        apply: () => {
          noise.schedule = 'linear';
        },
      },
    },
    {
      id: 'shift',
      kind: 'choose',
      prompt: {
        en: 'For a 1024×1024 image, simple diffusion shifts the cosine schedule’s log-SNR. Which way, and why?',
        vi: 'Với ảnh 1024×1024, simple diffusion dịch log-SNR của lịch cosin. Dịch theo hướng nào, và vì sao?',
      },
      choices: [
        { id: 'down', text: { en: `Down by ${localNumber(-f.shift1024, 'en')} (SNR ÷ ${f.gain}), so that, averaged to 64×64, the large image is as noisy as a 64×64 one`, vi: `Xuống ${localNumber(-f.shift1024, 'vi')} (SNR ÷ ${f.gain}), để khi lấy trung bình về 64×64, ảnh lớn cũng nhiễu như một ảnh 64×64` } },
        { id: 'up', text: { en: `Up by ${localNumber(-f.shift1024, 'en')} (SNR × ${f.gain}), because a large image has more pixels to denoise`, vi: `Lên ${localNumber(-f.shift1024, 'vi')} (SNR × ${f.gain}), vì ảnh lớn có nhiều điểm ảnh hơn cần khử nhiễu` } },
        { id: 'none', text: { en: 'Not at all: the SNR per pixel already says how noisy any image is', vi: 'Không dịch: SNR trên mỗi điểm ảnh đã cho biết ảnh nào nhiễu đến đâu' } },
      ],
      answer: 'down',
      why: {
        en: `The shift is 2·log(64/1024) ≈ ${localNumber(f.shift1024, 'en')}. It undoes the ${f.gain}-fold gain of averaging, so the model’s steps still reach the noise levels where the layout is decided.`,
        vi: `Độ dịch là 2·log(64/1024) ≈ ${localNumber(f.shift1024, 'vi')}. Nó bù lại mức tăng ${f.gain} lần do lấy trung bình, nên các bước của mô hình vẫn đi qua những mức nhiễu nơi bố cục được quyết định.`,
      },
      see: { anchor: 'small-images', section: { en: 'Why the same t hurts a small image more', vi: 'Vì sao cùng một t lại phá ảnh nhỏ nhiều hơn' } },
    },
  ];
}
