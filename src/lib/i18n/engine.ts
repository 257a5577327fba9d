// What the engine's faults (src/lib/engine/protocol.ts, ENGINE_ERROR_CODES) mean for a reader, in
// plain words and in every language: what happened, and what the page did or the reader can do.
// Placeholders in braces are filled with fill() from ./ui.
import type { EngineBackend, EngineErrorCode } from '$lib/engine/protocol';
import type { Lang } from './lang';
import { fill } from './ui';

export const engineErrors: Record<Lang, Record<EngineErrorCode, string>> = {
  en: {
    'backend-failed':
      'Your browser could not start TensorFlow.js on {backend}. The page tried the other ways it knows; if none works, the text and formulas still read fine, but the models cannot run here.',
    'model-missing':
      'The model “{model}” could not be downloaded, and there is no saved copy for offline use yet. Check the connection and reload the page.',
    'model-corrupt':
      'The downloaded model “{model}” is damaged (its checksum does not match), so it was not used. Reloading fetches a fresh copy.',
    'nan-output':
      'The model produced invalid numbers (NaN) on {backend}, so the result was thrown away. Run it again; on WebGL the page first moves to another backend.',
    'worker-crashed':
      'The background worker that runs the models stopped unexpectedly. It has been restarted; run the step again.',
    'context-lost':
      'The graphics card reset (WebGL context lost). The models moved to {backend} and keep running, a little slower.',
    cancelled: 'Stopped: a newer request replaced this one.',
  },
  vi: {
    'backend-failed':
      'Trình duyệt của bạn không khởi động được TensorFlow.js trên {backend}. Trang đã thử các cách khác mà nó biết; nếu không cách nào chạy được, bạn vẫn đọc được chữ và công thức, nhưng các mô hình không chạy được ở đây.',
    'model-missing':
      'Không tải được mô hình “{model}”, và máy chưa có bản lưu để dùng ngoại tuyến. Hãy kiểm tra kết nối mạng rồi tải lại trang.',
    'model-corrupt':
      'Mô hình “{model}” vừa tải về bị hỏng (mã kiểm tra không khớp) nên không được dùng. Tải lại trang để lấy một bản mới.',
    'nan-output':
      'Mô hình cho ra giá trị không hợp lệ (NaN) trên {backend} nên kết quả đã bị bỏ. Hãy chạy lại; nếu đang dùng WebGL, trang sẽ chuyển sang một nền tảng tính toán khác trước.',
    'worker-crashed':
      'Tiến trình chạy nền thực thi các mô hình đã dừng đột ngột. Nó đã được khởi động lại; hãy chạy lại bước vừa rồi.',
    'context-lost':
      'Card đồ hoạ vừa bị đặt lại (mất ngữ cảnh WebGL). Các mô hình đã chuyển sang {backend} và tiếp tục chạy, chậm hơn một chút.',
    cancelled: 'Đã dừng: một yêu cầu mới hơn đã thay thế yêu cầu này.',
  },
};

/** Backend names as a reader would say them. */
export const backendNames: Record<Lang, Record<EngineBackend, string>> = {
  en: { webgl: 'WebGL (graphics card)', wasm: 'WebAssembly', cpu: 'plain JavaScript' },
  vi: { webgl: 'WebGL (card đồ hoạ)', wasm: 'WebAssembly', cpu: 'JavaScript thuần' },
};

/** A fault's sentence in `lang`, its placeholders filled (an unknown backend reads as "another backend"). */
export function faultSentence(lang: Lang, code: EngineErrorCode, context: { model: string | null; backend: EngineBackend | null }): string {
  const other = lang === 'vi' ? 'một nền tảng khác' : 'another backend';
  return fill(engineErrors[lang][code], {
    model: context.model ?? '',
    backend: context.backend ? backendNames[lang][context.backend] : other,
  });
}
