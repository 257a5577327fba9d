// Strings of the "check yourself" questions at the end of every lesson (components/CheckYourself.svelte).
// The questions themselves are lesson data: src/lib/widgets/questions/<slug>.ts.
import type { Translations } from './lang';

type Key =
  | 'heading'
  | 'intro'
  | 'predict'
  | 'right'
  | 'wrong'
  | 'readAgain'
  | 'tryIt'
  | 'setUp'
  | 'score'
  | 'choices';

export const checkYourself: Translations<Key> = {
  en: {
    heading: 'Check yourself',
    intro: 'Pick an answer: you see at once whether it is right, why, and where the lesson explains it. Where a question says “predict”, answer first, then run the widget and see. Your answers stay in this browser with your reading progress.',
    predict: 'Predict',
    right: 'Right.',
    wrong: 'Not quite.',
    readAgain: 'Read again:',
    tryIt: 'Now see it:',
    setUp: 'Set up the widget',
    score: '{n} of {total} answered right',
    choices: 'Answers to: {prompt}',
  },
  vi: {
    heading: 'Tự kiểm tra',
    intro: 'Hãy chọn một câu trả lời: bạn thấy ngay nó đúng hay sai, vì sao, và bài học giải thích điều đó ở đâu. Ở câu hỏi ghi “dự đoán”, hãy trả lời trước, rồi chạy widget và xem. Câu trả lời của bạn được lưu trong trình duyệt này cùng với tiến độ đọc.',
    predict: 'Dự đoán',
    right: 'Đúng.',
    wrong: 'Chưa đúng.',
    readAgain: 'Đọc lại:',
    tryIt: 'Giờ hãy xem:',
    setUp: 'Đặt sẵn widget',
    score: 'Đúng {n} trên {total} câu',
    choices: 'Các câu trả lời cho: {prompt}',
  },
};
