// A 5×7 pixel font for the few lowercase words the sample grid writes (scene kinds and column
// headings), drawn into an RGBA buffer. Hand-drawn glyphs; unknown characters draw as blanks.

const GLYPHS: Record<string, string[]> = {
  a: ['     ', '     ', ' ### ', '    #', ' ####', '#   #', ' ####'],
  c: ['     ', '     ', ' ### ', '#    ', '#    ', '#    ', ' ### '],
  d: ['    #', '    #', ' ####', '#   #', '#   #', '#   #', ' ####'],
  e: ['     ', '     ', ' ### ', '#   #', '#####', '#    ', ' ### '],
  f: ['  ## ', ' #   ', '#### ', ' #   ', ' #   ', ' #   ', ' #   '],
  g: ['     ', '     ', ' ####', '#   #', ' ####', '    #', ' ### '],
  h: ['#    ', '#    ', '#### ', '#   #', '#   #', '#   #', '#   #'],
  i: ['  #  ', '     ', ' ##  ', '  #  ', '  #  ', '  #  ', ' ### '],
  l: [' ##  ', '  #  ', '  #  ', '  #  ', '  #  ', '  #  ', ' ### '],
  m: ['     ', '     ', '## # ', '# # #', '# # #', '# # #', '# # #'],
  n: ['     ', '     ', '#### ', '#   #', '#   #', '#   #', '#   #'],
  o: ['     ', '     ', ' ### ', '#   #', '#   #', '#   #', ' ### '],
  p: ['     ', '     ', '#### ', '#   #', '#### ', '#    ', '#    '],
  r: ['     ', '     ', '# ## ', '##   ', '#    ', '#    ', '#    '],
  s: ['     ', '     ', ' ####', '#    ', ' ### ', '    #', '#### '],
  t: [' #   ', ' #   ', '#### ', ' #   ', ' #   ', ' #  #', '  ## '],
  u: ['     ', '     ', '#   #', '#   #', '#   #', '#   #', ' ####'],
  w: ['     ', '     ', '#   #', '# # #', '# # #', '# # #', ' # # '],
  y: ['     ', '     ', '#   #', '#   #', ' ####', '    #', ' ### '],
  '-': ['     ', '     ', '     ', ' ### ', '     ', '     ', '     '],
  ' ': ['     ', '     ', '     ', '     ', '     ', '     ', '     '],
};

export const GLYPH_WIDTH = 5;
export const GLYPH_HEIGHT = 7;

/** Width in pixels of `text` at `scale` (one blank column between letters). */
export function textWidth(text: string, scale: number): number {
  return text.length * (GLYPH_WIDTH + 1) * scale;
}

/** Draws `text` with its top-left corner at (x, y) into an RGBA image `width` pixels wide. */
export function drawText(rgba: Uint8Array, width: number, x: number, y: number, text: string, scale: number, color: readonly [number, number, number]): void {
  const height = rgba.length / (4 * width);
  [...text].forEach((ch, n) => {
    const glyph = GLYPHS[ch] ?? GLYPHS[' '];
    for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
      for (let gx = 0; gx < GLYPH_WIDTH; gx++) {
        if (glyph[gy][gx] !== '#') continue;
        for (let sy = 0; sy < scale; sy++) {
          for (let sx = 0; sx < scale; sx++) {
            const px = x + (n * (GLYPH_WIDTH + 1) + gx) * scale + sx;
            const py = y + gy * scale + sy;
            if (px < 0 || py < 0 || px >= width || py >= height) continue;
            const o = (py * width + px) * 4;
            rgba[o] = color[0];
            rgba[o + 1] = color[1];
            rgba[o + 2] = color[2];
            rgba[o + 3] = 255;
          }
        }
      }
    }
  });
}
