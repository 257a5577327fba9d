// Lesson 1 (Adding noise): every string its widgets show, in English and Vietnamese.
// Placeholders in braces are filled with fill() from ./ui.
import type { SceneKind } from '$lib/data';
import type { ScheduleName } from '$lib/diffusion';
import type { Lang, Translations } from './lang';

const SCENES: Record<Lang, Record<SceneKind, string>> = {
  en: { meadow: 'meadow', coast: 'coast', city: 'city', dunes: 'dunes', night: 'night sky', mosaic: 'mosaic', reef: 'reef' },
  vi: { meadow: 'đồng cỏ', coast: 'bờ biển', city: 'thành phố', dunes: 'đồi cát', night: 'bầu trời đêm', mosaic: 'tranh khảm', reef: 'rạn san hô' },
};

const SCHEDULES: Record<Lang, Record<ScheduleName, string>> = {
  en: { linear: 'linear', cosine: 'cosine', 'scaled-linear': 'scaled linear (SD)', 'shifted-cosine': 'shifted cosine' },
  vi: { linear: 'tuyến tính', cosine: 'cosin', 'scaled-linear': 'tuyến tính co giãn (SD)', 'shifted-cosine': 'cosin dịch' },
};

/** A scene kind in the reader's language (an unknown kind is shown as its id). */
export function sceneName(lang: Lang, kind: string): string {
  return (SCENES[lang] as Record<string, string>)[kind] ?? kind;
}

export function scheduleName(lang: Lang, name: ScheduleName): string {
  return SCHEDULES[lang][name];
}

type Key =
  | 'scalesTitle' | 'sceneLine' | 'pickLabel' | 'imageAlt' | 'rendering' | 'imageCaption'
  | 'zoomTitle' | 'cropAlt' | 'cropCaption' | 'openFull' | 'updateTime' | 'fullTitle' | 'close'
  | 'tLabel' | 'tValueText' | 'scheduleLabel' | 'seedLabel' | 'newScene'
  | 'wasmSimd' | 'wasmPlain' | 'cpu' | 'engineStarting' | 'engineFailed' | 'engineFallback' | 'engineReady' | 'engineCheck'
  | 'curvesTitle' | 'curvesNow' | 'alphaChartAlt' | 'snrChartAlt' | 'alphaChartCaption' | 'snrChartCaption'
  | 'histTitle' | 'histSize' | 'histX' | 'histAlt' | 'histBars' | 'histCurve' | 'histStats'
  | 'formulaTitle' | 'formulaSize' | 'formulaShiftedNote'
  | 'poolTitle' | 'poolSmall' | 'poolPooled' | 'poolPixelSnr' | 'poolEffSnr' | 'poolPsnr' | 'poolAlt'
  | 'poolCleanAlt' | 'poolClean' | 'poolAtZero' | 'poolVerdict' | 'poolVerdictShifted' | 'poolUseCosine' | 'poolUseShifted';

export const addingNoise: Translations<Key> = {
  en: {
    scalesTitle: 'One scene at three resolutions, one noise level',
    sceneLine: 'Scene: {kind} (seed {seed})',
    pickLabel: '{size}×{size} image: click or use the arrow keys to move the zoom window',
    imageAlt: 'The {kind} scene at {size}×{size} pixels with noise added up to step t = {t}',
    rendering: 'Rendering…',
    imageCaption: '√ᾱₜ = {a} · SNR = {snr}',
    zoomTitle: 'The same patch (one eighth of the width) at each resolution, enlarged:',
    cropAlt: 'Zoomed patch of the {size}×{size} image: {px}×{px} pixels',
    cropCaption: '{px}×{px} pixels',
    openFull: 'View 1024×1024 at full size',
    updateTime: 'last update: {ms} ms',
    fullTitle: 'The noisy 1024×1024 image, one screen pixel per image pixel',
    close: 'Close',
    tLabel: 'Noise step t',
    tValueText: 't = {t} of {T}',
    scheduleLabel: 'Schedule',
    seedLabel: 'Seed',
    newScene: 'New scene',
    wasmSimd: 'WebAssembly with SIMD',
    wasmPlain: 'WebAssembly',
    cpu: 'plain JavaScript',
    engineStarting: 'Starting TensorFlow.js…',
    engineFailed:
      'TensorFlow.js could not start in this browser ({reason}). The images on this page do not need it and keep working; the later lessons, which run models, will not.',
    engineFallback:
      'WebAssembly could not start ({reason}), so TensorFlow.js runs on plain JavaScript. This page works as usual; the later lessons will be slow.',
    engineReady: 'TensorFlow.js runs on {backend} (ready in {ms} ms).',
    engineCheck: ' Tensor check of xₜ at 64×64: largest difference {err}.',
    curvesTitle: 'How each schedule removes the signal',
    curvesNow: '{schedule} at t = {t}: ᾱₜ = {ab}, log-SNR = {lsnr}',
    alphaChartAlt: 'Line chart of ᾱₜ against t for four schedules. {now}',
    snrChartAlt: 'Line chart of the log signal-to-noise ratio against t for four schedules. {now}',
    alphaChartCaption: 'ᾱₜ: the share of the signal’s variance left at step t.',
    snrChartCaption: 'log SNR = log(ᾱₜ / (1 − ᾱₜ)); 0 means as much noise as signal. Shifted cosine is drawn for 1024×1024.',
    histTitle: 'The pixels of xₜ against N(0, 1)',
    histSize: 'Image',
    histX: 'pixel value (all three channels)',
    histAlt: 'Histogram of the pixel values of the {size}×{size} image at t = {t} (mean {mean}, standard deviation {sd}), drawn over the standard normal density.',
    histBars: 'pixels of xₜ',
    histCurve: 'N(0, 1) density',
    histStats: 'Pixels of xₜ: mean {mean}, standard deviation {sd}. Pure noise would give 0 and 1.',
    formulaTitle: 'The forward process with today’s numbers',
    formulaSize: 'Values for the image of side',
    formulaShiftedNote: 'Only the shifted schedule depends on resolution: the larger the image, the smaller √ᾱₜ at the same t.',
    poolTitle: 'Same t, different damage: 1024² pooled down versus 64²',
    poolSmall: '64×64 image, noised',
    poolPooled: '1024×1024 noised, then averaged to 64×64',
    poolPixelSnr: 'SNR per pixel',
    poolEffSnr: 'SNR at 64×64 scale',
    poolPsnr: 'PSNR vs clean',
    poolAlt: '{what}, at t = {t}',
    poolCleanAlt: 'The clean 64×64 image, for comparison',
    poolClean: 'clean 64×64',
    poolAtZero: 'At t = 0 nothing is noised yet. Move t to the middle of its range.',
    poolVerdict:
      'At t = {t}, averaging 16×16 blocks divides the noise variance of the 1024² image by 256, so its layout has {ratio}× the SNR of the 64² image: it keeps ᾱ = {a1024} of its coarse signal, the 64² image only {a64}.',
    poolVerdictShifted:
      'Shifted cosine gives the 1024² image 256× less SNR per pixel, which pooling gives back: at t = {t} both have the same SNR at 64² scale (ratio {ratio}), and lose their layout at the same pace.',
    poolUseCosine: 'Back to the plain cosine schedule',
    poolUseShifted: 'Try the shifted cosine schedule',
  },
  vi: {
    scalesTitle: 'Một cảnh ở ba độ phân giải, cùng một mức nhiễu',
    sceneLine: 'Cảnh: {kind} (hạt giống {seed})',
    pickLabel: 'Ảnh {size}×{size}: bấm chuột hoặc dùng phím mũi tên để di chuyển khung phóng to',
    imageAlt: 'Cảnh {kind} ở {size}×{size} điểm ảnh, đã thêm nhiễu tới bước t = {t}',
    rendering: 'Đang vẽ…',
    imageCaption: '√ᾱₜ = {a} · SNR = {snr}',
    zoomTitle: 'Cùng một mảnh ảnh (một phần tám chiều rộng) ở mỗi độ phân giải, phóng to:',
    cropAlt: 'Mảnh phóng to của ảnh {size}×{size}: {px}×{px} điểm ảnh',
    cropCaption: '{px}×{px} điểm ảnh',
    openFull: 'Xem ảnh 1024×1024 ở kích thước thật',
    updateTime: 'lần cập nhật gần nhất: {ms} ms',
    fullTitle: 'Ảnh nhiễu 1024×1024, mỗi điểm ảnh ứng với một điểm trên màn hình',
    close: 'Đóng',
    tLabel: 'Bước nhiễu t',
    tValueText: 't = {t} trên {T}',
    scheduleLabel: 'Lịch nhiễu',
    seedLabel: 'Hạt giống',
    newScene: 'Cảnh mới',
    wasmSimd: 'WebAssembly có SIMD',
    wasmPlain: 'WebAssembly',
    cpu: 'JavaScript thuần',
    engineStarting: 'Đang khởi động TensorFlow.js…',
    engineFailed:
      'Không khởi động được TensorFlow.js trên trình duyệt này ({reason}). Các hình ảnh trong trang này không cần đến nó nên vẫn hoạt động bình thường; các bài sau, vốn chạy mô hình, thì sẽ không chạy được.',
    engineFallback:
      'Không khởi động được WebAssembly ({reason}), nên TensorFlow.js chạy bằng JavaScript thuần. Trang này vẫn hoạt động như thường; các bài sau sẽ chạy chậm.',
    engineReady: 'TensorFlow.js đang chạy trên {backend} (sẵn sàng sau {ms} ms).',
    engineCheck: ' Kiểm tra xₜ bằng tensor ở 64×64: sai khác lớn nhất {err}.',
    curvesTitle: 'Mỗi lịch nhiễu xoá tín hiệu ra sao',
    curvesNow: 'Lịch {schedule} ở t = {t}: ᾱₜ = {ab}, log-SNR = {lsnr}',
    alphaChartAlt: 'Biểu đồ đường của ᾱₜ theo t cho bốn lịch nhiễu. {now}',
    snrChartAlt: 'Biểu đồ đường của log tỉ số tín hiệu trên nhiễu theo t cho bốn lịch nhiễu. {now}',
    alphaChartCaption: 'ᾱₜ: phần phương sai của tín hiệu còn lại ở bước t.',
    snrChartCaption: 'log SNR = log(ᾱₜ / (1 − ᾱₜ)); bằng 0 nghĩa là nhiễu mạnh ngang tín hiệu. Đường cosin dịch được vẽ cho ảnh 1024×1024.',
    histTitle: 'Các điểm ảnh của xₜ so với N(0, 1)',
    histSize: 'Ảnh',
    histX: 'giá trị điểm ảnh (cả ba kênh màu)',
    histAlt: 'Biểu đồ tần suất giá trị điểm ảnh của ảnh {size}×{size} ở t = {t} (trung bình {mean}, độ lệch chuẩn {sd}), vẽ chồng lên mật độ của phân phối chuẩn tắc.',
    histBars: 'điểm ảnh của xₜ',
    histCurve: 'mật độ N(0, 1)',
    histStats: 'Điểm ảnh của xₜ: trung bình {mean}, độ lệch chuẩn {sd}. Nhiễu thuần tuý sẽ cho 0 và 1.',
    formulaTitle: 'Quá trình thuận với các con số hiện tại',
    formulaSize: 'Giá trị cho ảnh có cạnh',
    formulaShiftedNote: 'Chỉ lịch cosin dịch phụ thuộc vào độ phân giải: ảnh càng lớn thì √ᾱₜ ở cùng bước t càng nhỏ.',
    poolTitle: 'Cùng t, mức phá huỷ khác nhau: ảnh 1024² thu nhỏ so với ảnh 64²',
    poolSmall: 'Ảnh 64×64, đã thêm nhiễu',
    poolPooled: 'Ảnh 1024×1024 đã thêm nhiễu, rồi lấy trung bình về 64×64',
    poolPixelSnr: 'SNR mỗi điểm ảnh',
    poolEffSnr: 'SNR ở thang 64×64',
    poolPsnr: 'PSNR so với ảnh sạch',
    poolAlt: '{what}, ở t = {t}',
    poolCleanAlt: 'Ảnh sạch 64×64, để so sánh',
    poolClean: 'ảnh sạch 64×64',
    poolAtZero: 'Ở t = 0 chưa có nhiễu nào. Hãy kéo t về khoảng giữa.',
    poolVerdict:
      'Ở t = {t}, lấy trung bình từng khối 16×16 chia phương sai nhiễu của ảnh 1024² cho 256, nên bố cục của nó có SNR gấp {ratio} lần ảnh 64²: nó giữ lại ᾱ = {a1024} tín hiệu thô, còn ảnh 64² chỉ còn {a64}.',
    poolVerdictShifted:
      'Lịch cosin dịch cho ảnh 1024² SNR mỗi điểm ảnh nhỏ hơn 256 lần, đúng bằng phần mà phép lấy trung bình bù lại: ở t = {t} hai ảnh có cùng SNR ở thang 64² (tỉ lệ {ratio}) và mất bố cục cùng một nhịp.',
    poolUseCosine: 'Quay lại lịch cosin thường',
    poolUseShifted: 'Thử lịch cosin dịch',
  },
};
