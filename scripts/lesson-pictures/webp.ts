// RGBA canvases to WebP bytes through the headless Chromium the tests already use (tests/e2e/chromium.ts):
// Node has no WebP encoder in this project's dependencies, and a browser canvas is one (toBlob 'image/webp').
// Lossy at quality 0.82 with alpha: a lesson picture is a few kB where a PNG of the same pixels is ~60 kB.
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../../tests/e2e/chromium';
import type { Canvas } from './raster';

export const WEBP_QUALITY = 0.82;

/** Encodes each canvas (all `width`×`height`) in one browser page, at its own quality where given; resolves to the files' bytes in order. */
export async function encodeWebp(canvases: readonly Canvas[], width: number, height: number, qualityOf: (index: number) => number | undefined = () => undefined): Promise<Buffer[]> {
  const browser = await chromium.launch({ executablePath: findChromium(), headless: true, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    const out: Buffer[] = [];
    for (const [index, cv] of canvases.entries()) {
      if (cv.width !== width || cv.height !== height) throw new RangeError(`a ${cv.width}×${cv.height} canvas among ${width}×${height} ones`);
      const b64 = await page.evaluate(
        async ({ rgba, w, h, q }) => {
          const bytes = Uint8ClampedArray.from(atob(rgba), (ch) => ch.charCodeAt(0));
          const c = new OffscreenCanvas(w, h);
          c.getContext('2d')!.putImageData(new ImageData(bytes, w, h), 0, 0);
          const blob = await c.convertToBlob({ type: 'image/webp', quality: q });
          const buf = new Uint8Array(await blob.arrayBuffer());
          let s = '';
          for (const v of buf) s += String.fromCharCode(v);
          return btoa(s);
        },
        { rgba: Buffer.from(cv.data.buffer, cv.data.byteOffset, cv.data.byteLength).toString('base64'), w: width, h: height, q: qualityOf(index) ?? WEBP_QUALITY },
      );
      out.push(Buffer.from(b64, 'base64'));
    }
    return out;
  } finally {
    await browser.close();
  }
}
