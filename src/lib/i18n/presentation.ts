// Presentation mode (a lesson widget alone on a projector): the button on every widget, the bar,
// the key list and what a key says when the widget has nothing for it, in English and Vietnamese.
import type { Lang, Translations } from './lang';

/** The actions of presentation-keys.ts (state/); indexing this with one it lacks fails to compile there. */
type ActionKey = 'step-back' | 'step-forward' | 'run' | 'next' | 'previous' | 'contrast' | 'keys' | 'leave';

type Key =
  | 'present' | 'presentLabel' | 'barLabel' | 'position' | 'previousWidget' | 'nextWidget' | 'noPrevious' | 'noNext'
  | 'highContrast' | 'keys' | 'leave' | 'keysTitle' | 'keysIntro' | 'close' | 'noStep' | 'noRun'
  | 'keySpace' | 'keyOr';

export const presentationText: Translations<Key> = {
  en: {
    present: 'Present',
    presentLabel: 'Present full screen: {title}',
    barLabel: 'Presentation mode',
    position: 'Widget {n} of {total}',
    previousWidget: 'Previous widget',
    nextWidget: 'Next widget',
    noPrevious: 'This is the first widget of the lesson.',
    noNext: 'This is the last widget of the lesson.',
    highContrast: 'High contrast',
    keys: 'Keys',
    leave: 'Leave',
    keysTitle: 'Keys in presentation mode',
    keysIntro: 'They work when no text field has the focus. Escape always leaves.',
    close: 'Close',
    noStep: 'This widget has no steps.',
    noRun: 'This widget has nothing to run.',
    keySpace: 'Space',
    keyOr: 'or',
  },
  vi: {
    present: 'Trình chiếu',
    presentLabel: 'Trình chiếu toàn màn hình: {title}',
    barLabel: 'Chế độ trình chiếu',
    position: 'Minh hoạ {n}/{total}',
    previousWidget: 'Minh hoạ trước',
    nextWidget: 'Minh hoạ tiếp theo',
    noPrevious: 'Đây là minh hoạ đầu tiên của bài.',
    noNext: 'Đây là minh hoạ cuối cùng của bài.',
    highContrast: 'Tương phản cao',
    keys: 'Phím tắt',
    leave: 'Thoát',
    keysTitle: 'Phím tắt trong chế độ trình chiếu',
    keysIntro: 'Các phím hoạt động khi không có ô nhập chữ nào đang được chọn. Phím Esc luôn thoát.',
    close: 'Đóng',
    noStep: 'Minh hoạ này không có bước nào.',
    noRun: 'Minh hoạ này không có gì để chạy.',
    keySpace: 'Phím cách',
    keyOr: 'hoặc',
  },
};

/** What each key of the list does, in each language. */
export const actionText: Record<Lang, Record<ActionKey, string>> = {
  en: {
    'step-back': 'One step back',
    'step-forward': 'One step forward',
    run: 'Run, or pause',
    previous: 'Previous widget',
    next: 'Next widget',
    contrast: 'High contrast on or off',
    keys: 'Show or hide this list',
    leave: 'Leave presentation mode',
  },
  vi: {
    'step-back': 'Lùi một bước',
    'step-forward': 'Tiến một bước',
    run: 'Chạy, hoặc tạm dừng',
    previous: 'Minh hoạ trước',
    next: 'Minh hoạ tiếp theo',
    contrast: 'Bật hoặc tắt tương phản cao',
    keys: 'Hiện hoặc ẩn danh sách này',
    leave: 'Thoát chế độ trình chiếu',
  },
};

/** A key as the list prints it: arrows as arrows, the space bar by name. */
export function keyName(lang: Lang, key: string): string {
  const names: Record<string, string> = { ArrowLeft: '←', ArrowRight: '→', ' ': presentationText[lang].keySpace, Escape: 'Esc', PageUp: 'Page Up', PageDown: 'Page Down' };
  return names[key] ?? key.toUpperCase();
}
