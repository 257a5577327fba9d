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
  | 'backToIndex'
  | 'offlineHeading'
  | 'offlineIntro'
  | 'offlineSize'
  | 'offlineMeasuring'
  | 'offlineSave'
  | 'offlineSavingSite'
  | 'offlineSavingModels'
  | 'offlineSaved'
  | 'offlinePartial'
  | 'offlinePartialFiles'
  | 'offlinePartialModel'
  | 'offlinePartialModels'
  | 'offlineFailed'
  | 'offlineUnsupported'
  | 'offlineDev'
  | 'offlineProgress'
  | 'updateReady'
  | 'updateReload';

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
    offlineHeading: 'Use the course offline',
    offlineIntro: 'Save every lesson and every model on this device, so the course opens and runs in this browser with no network.',
    offlineSize: 'The download is about {mb} MB: {pages} lesson pages in {langs} languages, and {models} models.',
    offlineMeasuring: 'Working out the size…',
    offlineSave: 'Save the whole course for offline use',
    offlineSavingSite: 'Saving the pages and the app: {done} of {total} files',
    offlineSavingModels: 'Saving the models: {done} of {total} MB',
    offlineSaved: 'Saved. The whole course ({mb} MB) now opens and runs on this device without a network.',
    offlinePartial:
      'The download did not finish: {what} could not be saved. Everything saved before still works; try again when the connection is back.',
    offlinePartialFiles: '{n} files of the pages and app',
    offlinePartialModel: 'the model {names}',
    offlinePartialModels: 'the models {names}',
    offlineFailed:
      'The course could not be saved: the offline store of this browser did not answer. Nothing saved before was changed; reload the page and try again.',
    offlineUnsupported:
      'This browser cannot keep the course offline here (a private window, or a site served without https). The lessons still work while you are online.',
    offlineDev: 'Saving for offline use works in the built course (npm run build), not on the dev server.',
    offlineProgress: 'Download progress',
    updateReady: 'A new version of the course has been downloaded.',
    updateReload: 'Reload to use it',
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
    offlineHeading: 'Dùng khoá học khi không có mạng',
    offlineIntro: 'Lưu mọi bài học và mọi mô hình vào thiết bị này, để khoá học mở và chạy được trên trình duyệt này khi không có mạng.',
    offlineSize: 'Dung lượng tải về khoảng {mb} MB: {pages} trang bài học bằng {langs} ngôn ngữ, và {models} mô hình.',
    offlineMeasuring: 'Đang tính dung lượng…',
    offlineSave: 'Lưu toàn bộ khoá học để dùng khi không có mạng',
    offlineSavingSite: 'Đang lưu các trang và ứng dụng: {done}/{total} tệp',
    offlineSavingModels: 'Đang lưu các mô hình: {done}/{total} MB',
    offlineSaved: 'Đã lưu xong. Toàn bộ khoá học ({mb} MB) giờ mở và chạy được trên thiết bị này khi không có mạng.',
    offlinePartial:
      'Chưa tải xong: không lưu được {what}. Những gì đã lưu trước đó vẫn dùng được; hãy thử lại khi có mạng trở lại.',
    offlinePartialFiles: '{n} tệp của các trang và ứng dụng',
    offlinePartialModel: 'mô hình {names}',
    offlinePartialModels: 'các mô hình {names}',
    offlineFailed:
      'Không lưu được khoá học: bộ nhớ ngoại tuyến của trình duyệt không phản hồi. Những gì đã lưu trước đó không bị thay đổi; hãy tải lại trang và thử lại.',
    offlineUnsupported:
      'Trình duyệt này không thể lưu khoá học để dùng khi không có mạng ở đây (cửa sổ ẩn danh, hoặc trang không dùng https). Các bài học vẫn chạy bình thường khi có mạng.',
    offlineDev: 'Chức năng lưu để dùng khi không có mạng chỉ chạy trên bản đã build (npm run build), không chạy trên máy chủ dev.',
    offlineProgress: 'Tiến độ tải về',
    updateReady: 'Đã tải về phiên bản mới của khoá học.',
    updateReload: 'Tải lại trang để dùng',
  },
};

/** Fills `{name}` placeholders; a placeholder without a value stays visible so a missing one is noticed. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}
