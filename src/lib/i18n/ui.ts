// The course shell's UI strings (navigation, index, progress, error pages) in every language.
// Widgets keep their own strings beside them, typed the same way (Translations from ./lang).
import type { Lang, Translations } from './lang';

/** Each language's name in that language: what the language switch shows, whatever the page language. */
export const LANG_NAMES: Record<Lang, string> = { en: 'English', vi: 'Tiếng Việt' };

type UiKey =
  | 'skipToContent'
  | 'siteTagline'
  | 'allLessons'
  | 'lessonsHeading'
  | 'lessonNav'
  | 'previous'
  | 'next'
  | 'language'
  | 'notTranslated'
  | 'comingSoon'
  | 'lessonOf'
  | 'visited'
  | 'finished'
  | 'forgetProgress'
  | 'introWhat'
  | 'introWho'
  | 'introQuestion'
  | 'introFormula'
  | 'startReading'
  | 'footer'
  | 'notFoundTitle'
  | 'notFoundBody'
  | 'errorTitle'
  | 'errorBody'
  | 'backToIndex';

export const ui: Translations<UiKey> = {
  en: {
    skipToContent: 'Skip to content',
    siteTagline: 'How diffusion models make large images',
    allLessons: 'All lessons',
    lessonsHeading: 'Lessons',
    lessonNav: 'Previous and next lesson',
    previous: 'Previous',
    next: 'Next',
    language: 'Language',
    notTranslated: 'not translated yet',
    comingSoon: 'Coming soon',
    lessonOf: 'Lesson {n} of {total}',
    visited: 'Visited',
    finished: 'Finished',
    forgetProgress: 'Forget my progress',
    introWhat:
      'Noisebook is a short course of interactive lessons on diffusion models. Small models run live in your browser: you move the sliders, they add and remove the noise, and you watch what happens.',
    introWho:
      'It is written for students following a lecture on image generation, for instructors who want a demo to project, and for anyone curious enough to tweak the numbers at home. You need some linear algebra and probability, no deep learning framework.',
    introQuestion:
      'The lessons build up to one question: how do we generate a 1024×1024 image, and where does the error go? A cascade of models grows a 64×64 image step by step; latent diffusion works in a small compressed space and decodes once. You will break both on purpose and follow the defect.',
    introFormula: 'Everything starts from one line, the noisy image at step t:',
    startReading: 'Start with lesson {n}',
    footer: 'Everything runs in your browser. Nothing you do here is sent anywhere.',
    notFoundTitle: 'Page not found',
    notFoundBody:
      'There is no page at {path}. The lesson may not be written in this language yet, or the address may have a typo.',
    errorTitle: 'Something went wrong',
    errorBody: 'This page could not be shown (error {status}: {message}).',
    backToIndex: 'Back to the lessons',
  },
  vi: {
    skipToContent: 'Chuyển tới nội dung chính',
    siteTagline: 'Mô hình khuếch tán tạo ảnh lớn như thế nào',
    allLessons: 'Tất cả bài học',
    lessonsHeading: 'Các bài học',
    lessonNav: 'Bài trước và bài tiếp theo',
    previous: 'Bài trước',
    next: 'Bài tiếp theo',
    language: 'Ngôn ngữ',
    notTranslated: 'chưa có bản dịch',
    comingSoon: 'Sắp ra mắt',
    lessonOf: 'Bài {n} trong số {total}',
    visited: 'Đã xem',
    finished: 'Đã học xong',
    forgetProgress: 'Xoá tiến độ học',
    introWhat:
      'Noisebook là một khoá học ngắn gồm các bài tương tác về mô hình khuếch tán. Những mô hình nhỏ chạy ngay trong trình duyệt của bạn: bạn kéo thanh trượt, mô hình thêm và khử nhiễu, còn bạn quan sát điều gì xảy ra.',
    introWho:
      'Khoá học dành cho sinh viên đang theo bài giảng về sinh ảnh, cho giảng viên cần một minh hoạ để chiếu lên lớp, và cho bất kỳ ai đủ tò mò để tự thay đổi các con số ở nhà. Bạn cần một chút đại số tuyến tính và xác suất, không cần biết thư viện học sâu nào.',
    introQuestion:
      'Các bài học dẫn tới một câu hỏi: làm sao tạo ra một bức ảnh 1024×1024, và sai số đi về đâu? Mô hình phân tầng nâng dần một ảnh 64×64 qua từng tầng; khuếch tán tiềm ẩn làm việc trong một không gian nén nhỏ rồi giải mã một lần. Bạn sẽ cố ý làm hỏng cả hai và lần theo lỗi.',
    introFormula: 'Mọi thứ bắt đầu từ một dòng, ảnh nhiễu ở bước t:',
    startReading: 'Bắt đầu với bài {n}',
    footer: 'Mọi thứ chạy ngay trong trình duyệt của bạn. Không có dữ liệu nào bị gửi đi.',
    notFoundTitle: 'Không tìm thấy trang',
    notFoundBody:
      'Không có trang nào ở địa chỉ {path}. Có thể bài học chưa được viết bằng ngôn ngữ này, hoặc địa chỉ bị gõ sai.',
    errorTitle: 'Đã xảy ra lỗi',
    errorBody: 'Không thể hiển thị trang này (lỗi {status}: {message}).',
    backToIndex: 'Quay lại danh sách bài học',
  },
};

/** Fills `{name}` placeholders; a placeholder without a value stays visible so a missing one is noticed. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}
