// Lesson 5's "check yourself" questions. The latent's shape (c channels of side², and how many times fewer
// numbers than the 1024² image) is read from the autoencoder's manifest at build time, the model whose
// latents latent-64 denoises: the figures follow the shipped autoencoder, never a number typed here.
import type { Question } from '$lib/components/question';
import { localNumber } from '$lib/components/question';
import type { LatentLesson } from '../latent-diffusion/latent-lesson.svelte';
import { squeezeCounts, vaeFacts } from '../the-autoencoder/vae-facts';
import { config as vaeConfig } from '../../../../pretrained/vae/manifest.json';

const facts = vaeFacts({ config: vaeConfig }, 'pretrained/vae/manifest.json');
const counts = squeezeCounts(facts);

export const figures = { channels: facts.channels, side: counts.side, latent: counts.latent, ratio: counts.ratio };

const stepsSection = { anchor: 'steps', section: { en: 'Denoising in the latent, step by step', vi: 'Khử nhiễu trong không gian tiềm ẩn, từng bước một' } };
const disturbSection = { anchor: 'disturb', section: { en: 'Disturb it half-way', vi: 'Làm nhiễu loạn giữa chừng' } };
const walkSection = { anchor: 'walk', section: { en: 'Walk between two seeds', vi: 'Đi giữa hai hạt giống' } };
const lectureSection = { anchor: 'lecture', section: { en: 'What the lecture says, and what the literature adds', vi: 'Bài giảng nói gì, và tài liệu bổ sung gì' } };

export function latentQuestions(lesson: LatentLesson): Question[] {
  const { channels: c, side, ratio } = figures;
  return [
    {
      id: 'where-compute',
      kind: 'choose',
      prompt: {
        en: `The denoiser runs every step on a ${side}×${side}×${c} latent. Where does the latent pipeline spend its work?`,
        vi: `Bộ khử nhiễu chạy mọi bước trên một biến tiềm ẩn ${side}×${side}×${c}. Chuỗi tiềm ẩn tiêu tốn công sức của nó ở đâu?`,
      },
      choices: [
        { id: 'cheap-steps', text: { en: `Many cheap steps on ${localNumber(ratio, 'en')} times fewer numbers than the image, then one expensive decode`, vi: `Nhiều bước rẻ trên số con số ít hơn ${localNumber(ratio, 'vi')} lần so với ảnh, rồi một lần giải mã tốn kém` } },
        { id: 'decode-each', text: { en: 'A decode to 1024×1024 at every step, so the model can see the image', vi: 'Một lần giải mã lên 1024×1024 ở mỗi bước, để mô hình nhìn thấy ảnh' } },
        { id: 'three-models', text: { en: 'Three diffusion models, at 64², 256² and 1024²', vi: 'Ba mô hình khuếch tán, ở 64², 256² và 1024²' } },
      ],
      answer: 'cheap-steps',
      why: {
        en: `Every step works on ${localNumber(side * side * c, 'en')} numbers instead of 3,145,728; pixels appear only when the decoder runs, once, after the last step. The step-by-step decodes on the page are for you, not for the model. Three models at growing sizes are the cascade of lesson 3.`,
        vi: `Mỗi bước làm việc trên ${localNumber(side * side * c, 'vi')} con số thay vì 3.145.728; điểm ảnh chỉ xuất hiện khi bộ giải mã chạy, một lần, sau bước cuối cùng. Các lần giải mã từng bước trên trang là cho bạn xem, không phải cho mô hình. Ba mô hình ở các kích thước tăng dần là chuỗi phân tầng của bài 3.`,
      },
      see: stepsSection,
    },
    {
      id: 'late-defect',
      kind: 'predict',
      prompt: {
        en: 'The same patch of noise goes into the latent once half-way through the denoising, once after the last step. Which reaches the 1024×1024 image stronger?',
        vi: 'Cùng một mảng nhiễu được đưa vào biến tiềm ẩn, một lần ở giữa quá trình khử nhiễu, một lần sau bước cuối cùng. Lần nào tới ảnh 1024×1024 mạnh hơn?',
      },
      choices: [
        { id: 'late', text: { en: 'The one after the last step: only the decoder is left, and it decodes what it is given', vi: 'Lần sau bước cuối cùng: chỉ còn bộ giải mã, và nó giải mã bất cứ thứ gì nhận được' } },
        { id: 'mid', text: { en: 'The one half-way: the later steps spread it over the whole latent', vi: 'Lần ở giữa chừng: các bước sau lan nó ra khắp biến tiềm ẩn' } },
        { id: 'same', text: { en: 'Both the same: the decoder sees the same patch either way', vi: 'Như nhau: bộ giải mã thấy cùng một mảng nhiễu trong cả hai trường hợp' } },
      ],
      answer: 'late',
      why: {
        en: 'A patch of noise is fine detail, and the later steps are the ones that decide the detail: they pull the latent back towards latents the model has learnt, and most of a patch put in half-way is gone. After the last step no denoising is left to repair anything; the decoder carries the patch to 1024×1024 over the 16×16 patches of its cells. A blob of wrong colour is coarse: by half-way the layout is settled, and it mostly stays either way.',
        vi: 'Một mảng nhiễu là chi tiết nhỏ, và chính các bước sau quyết định chi tiết: chúng kéo biến tiềm ẩn trở về phía những biến tiềm ẩn mà mô hình đã học, và phần lớn mảng nhiễu đưa vào giữa chừng biến mất. Sau bước cuối cùng không còn bước khử nhiễu nào để sửa; bộ giải mã mang mảng nhiễu lên 1024×1024 trên các mảng 16×16 của những ô của nó. Một vệt sai màu là thứ thô: đến giữa chừng bố cục đã được định sẵn, và nó phần lớn ở lại trong cả hai trường hợp.',
      },
      see: disturbSection,
      tryIt: {
        say: { en: 'pick the patch of noise and compare the two difference maps and their energies; then the blob.', vi: 'chọn mảng nhiễu và so sánh hai bản đồ hiệu cùng năng lượng của chúng; rồi đến vệt sai màu.' },
        anchor: disturbSection.anchor,
        apply: () => lesson.setDefect('noise'),
      },
    },
    {
      id: 'straight-average',
      kind: 'predict',
      prompt: {
        en: 'Half-way between two seeds, the starting noise is the straight average of the two noises instead of the spherical blend. What happens?',
        vi: 'Ở giữa hai hạt giống, nhiễu khởi đầu là trung bình thẳng của hai nhiễu thay vì phép trộn cầu. Điều gì xảy ra?',
      },
      choices: [
        { id: 'flat', text: { en: 'The noise is only about 0.71 times as long as usual, and the image comes out flatter, with less in it', vi: 'Nhiễu chỉ dài khoảng 0,71 lần so với thường lệ, và ảnh ra phẳng hơn, ít chi tiết hơn' } },
        { id: 'same', text: { en: 'The same image as the spherical blend: both are half of each seed', vi: 'Cùng một ảnh như phép trộn cầu: cả hai đều là một nửa của mỗi hạt giống' } },
        { id: 'noisier', text: { en: 'The image is noisier, because two noises were added', vi: 'Ảnh nhiễu hơn, vì hai nhiễu đã được cộng vào' } },
      ],
      answer: 'flat',
      why: {
        en: 'Two independent Gaussian vectors are nearly at right angles, so their average has length √½ ≈ 0.71 of theirs: the model is started from what looks like much less noise than it was trained to start from. The spherical blend moves along the arc and keeps the length.',
        vi: 'Hai vectơ Gauss độc lập gần như vuông góc với nhau, nên trung bình của chúng chỉ dài √½ ≈ 0,71 lần: mô hình bắt đầu từ thứ trông như ít nhiễu hơn nhiều so với điểm nó được huấn luyện để bắt đầu. Phép trộn cầu đi dọc cung tròn và giữ nguyên độ dài.',
      },
      see: walkSection,
      tryIt: {
        say: { en: 'set u = 0.5, switch between the two blends and read the length of the starting noise.', vi: 'đặt u = 0,5, chuyển qua lại giữa hai cách trộn và đọc độ dài của nhiễu khởi đầu.' },
        anchor: walkSection.anchor,
        apply: () => {
          lesson.setU(0.5);
          lesson.setBlend('lerp');
        },
      },
    },
    {
      id: 'frozen',
      kind: 'choose',
      prompt: {
        en: 'While the latent diffusion model trains, what happens to the autoencoder?',
        vi: 'Trong khi mô hình khuếch tán tiềm ẩn được huấn luyện, điều gì xảy ra với bộ tự mã hoá?',
      },
      choices: [
        { id: 'frozen', text: { en: 'Nothing: it is frozen, and the training latents were encoded by it once, in advance', vi: 'Không gì cả: nó được đóng băng, và các biến tiềm ẩn huấn luyện đã được nó mã hoá một lần, từ trước' } },
        { id: 'joint', text: { en: 'It is trained together with the denoiser, end to end', vi: 'Nó được huấn luyện cùng với bộ khử nhiễu, đầu-cuối' } },
        { id: 'decoder', text: { en: 'Its decoder is fine-tuned on the denoiser’s samples', vi: 'Bộ giải mã của nó được tinh chỉnh trên các mẫu của bộ khử nhiễu' } },
      ],
      answer: 'frozen',
      why: {
        en: 'LDM trains in two phases: the autoencoder first, then the diffusion model on the latents of the frozen encoder. That is also why our latent model saw each training scene many times: each latent cost an encode, made once before training.',
        vi: 'LDM huấn luyện theo hai giai đoạn: bộ tự mã hoá trước, rồi mô hình khuếch tán trên các biến tiềm ẩn của bộ mã hoá đã đóng băng. Đó cũng là lý do mô hình tiềm ẩn của chúng tôi thấy mỗi cảnh huấn luyện nhiều lần: mỗi biến tiềm ẩn tốn một lần mã hoá, làm một lần trước khi huấn luyện.',
      },
      see: lectureSection,
    },
  ];
}
