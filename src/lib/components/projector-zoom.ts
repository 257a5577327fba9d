// How much presentation mode magnifies a widget: the widget is laid out as on a laptop screen of
// DESIGN_WIDTH × DESIGN_HEIGHT CSS pixels and zoomed to fill the real one, so a 1280×720 projector and
// a 4K screen show the same layout, with type in the same proportion to the screen's height.

/** The laptop-sized box a presented widget is laid out in (CSS px, before the zoom). */
// 1100 wide: the lesson's widgets fit it without sideways scrolling in either language (Vietnamese
// labels are the longer; 960 made two widgets spill over by about 70 px).
export const DESIGN_WIDTH = 1100;
export const DESIGN_HEIGHT = 620;

/**
 * The zoom for a viewport of `width` × `height` CSS px: the largest that keeps the design box inside
 * it, and never below 1 (a small window shows the widget as the lesson does, scrolling if it must).
 */
export function projectorZoom(width: number, height: number): number {
  if (!(width > 0 && height > 0)) return 1;
  return Math.max(1, Math.min(width / DESIGN_WIDTH, height / DESIGN_HEIGHT));
}
