// Lesson 2's "check yourself" questions. The one training figure they quote (how often the scene kind
// was dropped) is read from the base model's manifest at build time, so retraining cannot leave the
// question behind the model the page runs.
import type { Question } from '$lib/components/question';
import { data as baseData } from '../../../../pretrained/base-64/manifest.json';

/** One training example in `dropEvery` had its kind replaced by the "no class" label. */
const dropEvery = Math.round(1 / baseData.details.condDropout);

export function removingNoiseQuestions(): Question[] {
  return [
    {
      id: 'velocity',
      kind: 'choose',
      prompt: {
        en: 'At the noisiest steps a_t is almost 0. Why does our base model predict the velocity v and not the noise ε?',
        vi: 'Ở những bước nhiễu nhất, a_t gần bằng 0. Vì sao mô hình gốc của chúng ta dự đoán vận tốc v chứ không dự đoán nhiễu ε?',
      },
      choices: [
        { id: 'division', text: { en: 'Getting x̂₀ from ε̂ divides by a_t, which blows up any error in ε̂; from v̂ no division is needed', vi: 'Tính x̂₀ từ ε̂ phải chia cho a_t, làm phóng đại mọi sai số của ε̂; từ v̂ thì không cần phép chia nào' } },
        { id: 'cheaper', text: { en: 'A velocity needs fewer network evaluations per step', vi: 'Dự đoán vận tốc cần ít lần chạy mạng hơn ở mỗi bước' } },
        { id: 'unknowable', text: { en: 'The noise cannot be predicted at all at the noisiest steps', vi: 'Ở những bước nhiễu nhất thì hoàn toàn không dự đoán được nhiễu' } },
      ],
      answer: 'division',
      why: {
        en: 'x̂₀ = (x_t − s_t ε̂)/a_t divides by a_t ≈ 0. With v̂, both x̂₀ = a_t x_t − s_t v̂ and ε̂ = s_t x_t + a_t v̂ come without a division.',
        vi: 'x̂₀ = (x_t − s_t ε̂)/a_t chia cho a_t ≈ 0. Với v̂, cả x̂₀ = a_t x_t − s_t v̂ lẫn ε̂ = s_t x_t + a_t v̂ đều không cần phép chia.',
      },
      see: { anchor: 'predicts', section: { en: 'What the network predicts', vi: 'Mạng dự đoán điều gì' } },
    },
    {
      id: 'coarse-first',
      kind: 'predict',
      prompt: {
        en: 'Press play and watch x̂₀, the right-hand image. When is the layout (where the horizon is, which colours go where) settled?',
        vi: 'Hãy bấm phát và theo dõi x̂₀, ảnh bên phải. Bố cục (đường chân trời ở đâu, màu nào nằm ở đâu) được định ra khi nào?',
      },
      choices: [
        { id: 'early', text: { en: 'In the first few steps; the later steps sharpen edges and add small texture', vi: 'Trong vài bước đầu; các bước sau chỉ làm sắc cạnh và thêm kết cấu nhỏ' } },
        { id: 'even', text: { en: 'Little by little, evenly over all the steps', vi: 'Dần dần, đều đặn qua tất cả các bước' } },
        { id: 'late', text: { en: 'Only in the last few steps, when the noise is weak', vi: 'Chỉ trong vài bước cuối, khi nhiễu đã yếu' } },
      ],
      answer: 'early',
      why: {
        en: 'Coarse structure is decided while the noise is still strong, and detail comes last: the chart under the images shows x̂₀ moving a lot at first and hardly at all later.',
        vi: 'Cấu trúc thô được quyết định khi nhiễu còn mạnh, và chi tiết đến sau cùng: biểu đồ dưới các ảnh cho thấy x̂₀ thay đổi nhiều lúc đầu và hầu như không đổi về sau.',
      },
      see: { anchor: 'one-step', section: { en: 'One step back', vi: 'Lùi một bước' } },
      tryIt: {
        say: { en: 'run the player, or step through it, and watch x̂₀ and the chart of how much it moves.', vi: 'chạy trình phát, hoặc đi từng bước, và theo dõi x̂₀ cùng biểu đồ cho biết nó thay đổi bao nhiêu.' },
        anchor: 'one-step',
      },
    },
    {
      id: 'same-seed',
      kind: 'predict',
      prompt: {
        en: 'Run the sampler twice with the same settings and the same seed, DDPM with its fresh noise at every step included. What do you get?',
        vi: 'Chạy bộ lấy mẫu hai lần với cùng thiết lập và cùng hạt giống, kể cả DDPM với nhiễu mới ở mỗi bước. Bạn nhận được gì?',
      },
      choices: [
        { id: 'same', text: { en: 'The same image, up to float rounding, on any backend', vi: 'Cùng một ảnh, sai khác chỉ do làm tròn số thực, trên mọi nền tảng tính toán' } },
        { id: 'different', text: { en: 'Two different images: sampling is random', vi: 'Hai ảnh khác nhau: lấy mẫu là ngẫu nhiên' } },
        { id: 'layout', text: { en: 'The same layout with different fine texture', vi: 'Cùng bố cục nhưng kết cấu nhỏ khác nhau' } },
      ],
      answer: 'same',
      why: {
        en: 'Every random number, the start noise and DDPM’s fresh noise at each step, comes from a generator seeded by the seed, so the seed fixes the whole run. A link that carries the seed shows your reader the image you saw.',
        vi: 'Mọi số ngẫu nhiên, nhiễu khởi đầu và nhiễu mới của DDPM ở mỗi bước, đều đến từ một bộ sinh được khởi tạo bằng hạt giống, nên hạt giống cố định toàn bộ lần chạy. Một đường dẫn mang theo hạt giống cho người đọc của bạn thấy đúng ảnh bạn đã thấy.',
      },
      see: { anchor: 'same-seed', section: { en: 'Same seed, same image', vi: 'Cùng hạt giống, cùng một ảnh' } },
      tryIt: {
        say: { en: 'compare the two runs of the same seed in the widget of that section.', vi: 'so sánh hai lần chạy với cùng hạt giống trong widget của phần đó.' },
        anchor: 'same-seed',
      },
    },
    {
      id: 'guidance',
      kind: 'choose',
      prompt: {
        en: 'With our guidance rule v̂_w = v̂_∅ + w (v̂_c − v̂_∅), what does w = 1 give?',
        vi: 'Với quy tắc dẫn hướng của chúng ta v̂_w = v̂_∅ + w (v̂_c − v̂_∅), w = 1 cho ra gì?',
      },
      choices: [
        { id: 'conditional', text: { en: 'The plain conditional model: the scene kind is used, not pushed further', vi: 'Mô hình có điều kiện thông thường: loại cảnh được dùng, nhưng không bị đẩy thêm' } },
        { id: 'ignored', text: { en: 'The scene kind is ignored', vi: 'Loại cảnh bị bỏ qua' } },
        { id: 'double', text: { en: 'Twice the usual push towards the scene kind', vi: 'Lực đẩy về phía loại cảnh gấp đôi bình thường' } },
      ],
      answer: 'conditional',
      why: {
        en: `At w = 1 the rule gives v̂_c itself. w = 0 gives the unconditional v̂_∅, which the model can predict because one training example in ${dropEvery} had its kind replaced by the “no class” label. Ho and Salimans’ w is our w − 1.`,
        vi: `Ở w = 1 quy tắc cho ra chính v̂_c. w = 0 cho ra v̂_∅ không điều kiện, thứ mà mô hình dự đoán được vì cứ ${dropEvery} ví dụ huấn luyện thì có một ví dụ bị thay loại cảnh bằng nhãn “không lớp”. w của Ho và Salimans là w − 1 của chúng ta.`,
      },
      see: { anchor: 'guidance', section: { en: 'Guidance', vi: 'Dẫn hướng' } },
    },
  ];
}
