// Lesson 4's "check yourself" questions. The latent's shape (c channels, the factor f) is read from the
// autoencoder's manifest at build time and counted by the lesson's own squeezeCounts, so the question
// follows the model the page runs, interim or final.
import type { Question } from '$lib/components/question';
import { localNumber } from '$lib/components/question';
import type { AutoencoderLesson } from '../the-autoencoder/autoencoder-lesson.svelte';
import { squeezeCounts, vaeFacts } from '../the-autoencoder/vae-facts';
import { config as vaeConfig } from '../../../../pretrained/vae/manifest.json';

const facts = vaeFacts({ config: vaeConfig }, 'pretrained/vae/manifest.json');
const counts = squeezeCounts(facts);

export const figures = { channels: facts.channels, factor: facts.factor, side: counts.side, ratio: counts.ratio };

/** The ratio's wrong answers: the side's factor f and the area's f², minus any that equal the right one. */
export function squeezeDistractors(ratio: number, factor: number): number[] {
  return [factor, factor * factor, 3 * factor * factor].filter((n) => n !== ratio);
}

const priorSection = { anchor: 'prior', section: { en: 'The prior, and why a decoder alone cannot make images', vi: 'Phân phối tiên nghiệm, và vì sao riêng bộ giải mã không tạo được ảnh' } };
const cellSection = { anchor: 'latent-cell', section: { en: 'A latent cell is a 16×16 patch', vi: 'Một ô tiềm ẩn là một mảng 16×16' } };

export function autoencoderQuestions(lesson: AutoencoderLesson): Question[] {
  const { channels: c, factor: f, side, ratio } = figures;
  const shown = (n: number) => ({ en: `${localNumber(n, 'en')} times fewer`, vi: `ít hơn ${localNumber(n, 'vi')} lần` });
  return [
    {
      id: 'squeeze',
      kind: 'choose',
      prompt: {
        en: `Our encoder turns a 1024×1024×3 image into a ${side}×${side}×${c} latent. How many times fewer numbers is that?`,
        vi: `Bộ mã hoá của chúng ta biến một ảnh 1024×1024×3 thành một biến tiềm ẩn ${side}×${side}×${c}. Số lượng con số ít hơn bao nhiêu lần?`,
      },
      choices: [
        ...squeezeDistractors(ratio, f).map((n) => ({ id: `x${n}`, text: shown(n) })),
        { id: 'ratio', text: shown(ratio) },
      ].sort((a, b) => Number(a.id.slice(1) || ratio) - Number(b.id.slice(1) || ratio)),
      answer: 'ratio',
      why: {
        en: `One latent cell stands for a ${f}×${f} patch: ${f}·${f}·3 = ${3 * f * f} pixel values become ${c} numbers, ${localNumber(ratio, 'en')} times fewer.`,
        vi: `Một ô tiềm ẩn đại diện cho một mảng ${f}×${f}: ${f}·${f}·3 = ${3 * f * f} giá trị điểm ảnh trở thành ${c} con số, ít hơn ${localNumber(ratio, 'vi')} lần.`,
      },
      see: { anchor: 'squeeze', section: { en: 'Squeeze and restore', vi: 'Nén và khôi phục' } },
    },
    {
      id: 'adversarial',
      kind: 'choose',
      prompt: {
        en: 'Why does the autoencoder’s training add an adversarial loss to the reconstruction loss?',
        vi: 'Vì sao việc huấn luyện bộ tự mã hoá thêm hàm mất mát đối kháng vào hàm mất mát tái tạo?',
      },
      choices: [
        { id: 'texture', text: { en: 'Reconstruction alone turns what the latent leaves open into a blur; the discriminator pushes the decoder to draw texture of the right kind', vi: 'Riêng hàm tái tạo biến những gì biến tiềm ẩn bỏ ngỏ thành một vệt mờ; bộ phân biệt đẩy bộ giải mã vẽ kết cấu đúng loại' } },
        { id: 'psnr', text: { en: 'It raises the reconstruction’s PSNR', vi: 'Nó làm tăng PSNR của ảnh tái tạo' } },
        { id: 'prior', text: { en: 'It makes the latent follow the Gaussian prior', vi: 'Nó làm biến tiềm ẩn tuân theo phân phối tiên nghiệm Gauss' } },
      ],
      answer: 'texture',
      why: {
        en: 'Where the latent does not say which grains of sand were where, the smallest pixel error is their average, a smooth blur, and a discriminator is not fooled by a blur. The sharper decoder seldom has the higher PSNR, and the prior is the KL term’s job.',
        vi: 'Ở nơi biến tiềm ẩn không cho biết hạt cát nào nằm ở đâu, sai số điểm ảnh nhỏ nhất là trung bình của chúng, một vệt mờ mịn, và bộ phân biệt không bị một vệt mờ đánh lừa. Bộ giải mã sắc nét hơn hiếm khi có PSNR cao hơn, còn phân phối tiên nghiệm là việc của số hạng KL.',
      },
      see: { anchor: 'losses', section: { en: 'Three losses, and what each buys', vi: 'Ba hàm mất mát, và mỗi hàm mang lại điều gì' } },
    },
    {
      id: 'prior-mix',
      kind: 'predict',
      prompt: {
        en: 'Push the mixing slider m to 1: every channel keeps its mean and spread, but its values are replaced by noise. What happens?',
        vi: 'Kéo thanh trộn m tới 1: mỗi kênh giữ nguyên trung bình và độ trải, nhưng các giá trị của nó bị thay bằng nhiễu. Điều gì xảy ra?',
      },
      choices: [
        { id: 'scene-gone', text: { en: 'The histogram hardly changes, and no scene is left in the decoded image', vi: 'Biểu đồ tần suất hầu như không đổi, và ảnh giải mã không còn cảnh nào' } },
        { id: 'scene-kept', text: { en: 'The histogram hardly changes, and the scene survives', vi: 'Biểu đồ tần suất hầu như không đổi, và cảnh vẫn còn' } },
        { id: 'both-fade', text: { en: 'The histogram turns into a different curve, and the scene fades with it', vi: 'Biểu đồ tần suất thành một đường cong khác, và cảnh mờ dần theo nó' } },
      ],
      answer: 'scene-gone',
      why: {
        en: 'What makes an image is how the values go together across cells and channels, not the distribution of single values. Something has to learn that: the diffusion model of the next lesson.',
        vi: 'Điều làm nên một bức ảnh là cách các giá trị đi cùng nhau qua các ô và các kênh, chứ không phải phân phối của từng giá trị riêng lẻ. Phải có thứ gì đó học điều ấy: mô hình khuếch tán của bài sau.',
      },
      see: priorSection,
      tryIt: {
        say: { en: 'set m = 1 and compare the histogram and the decoded image with m = 0.', vi: 'đặt m = 1 rồi so sánh biểu đồ tần suất và ảnh giải mã với khi m = 0.' },
        anchor: priorSection.anchor,
        apply: () => lesson.setMix(1),
      },
    },
    {
      id: 'one-cell',
      kind: 'predict',
      prompt: {
        en: 'Paint into a few cells of one latent channel. Which pixels of the decoded image change?',
        vi: 'Tô vào vài ô của một kênh tiềm ẩn. Những điểm ảnh nào của ảnh giải mã thay đổi?',
      },
      choices: [
        { id: 'mostly', text: { en: `Mostly the cells’ own ${f}×${f} patches, and less and less of the patches around them`, vi: `Chủ yếu các mảng ${f}×${f} của chính các ô ấy, và ngày càng ít hơn ở các mảng xung quanh` } },
        { id: 'exactly', text: { en: `Exactly their ${f}×${f} patches and nothing else`, vi: `Đúng các mảng ${f}×${f} của chúng và không gì khác` } },
        { id: 'everywhere', text: { en: 'The whole image, about equally', vi: 'Toàn bộ ảnh, gần như đều nhau' } },
      ],
      answer: 'mostly',
      why: {
        en: 'The decoder’s convolutions at every resolution also read each cell’s neighbours, so a change spreads into the nearby patches, less the further away. Nobody designed this: encoder and decoder agreed on it in training.',
        vi: 'Các phép tích chập của bộ giải mã ở mọi độ phân giải cũng đọc các ô lân cận, nên một thay đổi lan sang các mảng gần đó, càng xa càng ít. Không ai thiết kế điều này: bộ mã hoá và bộ giải mã tự thống nhất với nhau khi huấn luyện.',
      },
      see: cellSection,
      tryIt: {
        say: { en: 'paint a few cells and read the share of the change that stayed inside their outlined patches.', vi: 'tô vài ô và đọc phần thay đổi nằm lại bên trong các mảng được viền của chúng.' },
        anchor: cellSection.anchor,
      },
    },
    {
      id: 'two-phases',
      kind: 'choose',
      prompt: {
        en: 'The lecture calls latent diffusion end-to-end. How does LDM actually train it?',
        vi: 'Bài giảng gọi khuếch tán tiềm ẩn là đầu-cuối. Thực ra LDM huấn luyện nó như thế nào?',
      },
      choices: [
        { id: 'two', text: { en: 'In two phases: the autoencoder first; then, with it frozen, the diffusion model on its latents', vi: 'Theo hai giai đoạn: bộ tự mã hoá trước; rồi, khi nó đã được cố định, mô hình khuếch tán trên các biến tiềm ẩn của nó' } },
        { id: 'joint', text: { en: 'Both together, with one loss, so gradients reach the encoder', vi: 'Cả hai cùng lúc, với một hàm mất mát, để gradient tới được bộ mã hoá' } },
        { id: 'reverse', text: { en: 'The diffusion model first, then the decoder on its samples', vi: 'Mô hình khuếch tán trước, rồi bộ giải mã trên các mẫu của nó' } },
      ],
      answer: 'two',
      why: {
        en: 'No gradient of the diffusion loss reaches the autoencoder. Training both together would need a delicate weighting between reconstruction and generation, and one autoencoder can serve many diffusion models. What is single is sampling: one diffusion model in the small latent space, then one pass of the decoder.',
        vi: 'Không có gradient nào của hàm mất mát khuếch tán tới được bộ tự mã hoá. Huấn luyện cả hai cùng lúc sẽ cần một sự cân bằng tế nhị giữa tái tạo và sinh ảnh, và một bộ tự mã hoá có thể phục vụ nhiều mô hình khuếch tán. Điều duy nhất là khi lấy mẫu: một mô hình khuếch tán trong không gian tiềm ẩn nhỏ, rồi một lượt của bộ giải mã.',
      },
      see: { anchor: 'two-phases', section: { en: 'Two phases, not end-to-end', vi: 'Hai giai đoạn, không phải đầu-cuối' } },
    },
  ];
}
