/**
 * The kernel's logo in the kernelspec folder, drawn here (no image files to ship): TypeScript's blue
 * and Flink's coral, split on the diagonal, with a white stream line across. JupyterLab's launcher
 * shows `logo-svg.svg`; older front-ends the PNGs.
 */
import { deflateSync } from 'node:zlib';

const BLUE = [0x31, 0x78, 0xc6];
const CORAL = [0xe6, 0x52, 0x6f];
const WHITE = [0xff, 0xff, 0xff];

export const LOGO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">
  <path d="M0 0H64L0 64Z" fill="#3178c6"/>
  <path d="M64 0V64H0Z" fill="#e6526f"/>
  <path d="M8 40C20 24 28 48 40 32S56 20 58 18" fill="none" stroke="#fff" stroke-width="5" stroke-linecap="round"/>
</svg>
`;

/** The colour of pixel (x, y) of a size × size logo (the SVG's drawing, sampled). */
function pixel(x: number, y: number, size: number): number[] {
  const u = (x + 0.5) / size;
  const v = (y + 0.5) / size;
  // the stream line: a sine across the middle, about 8% of the size thick
  const wave = 0.55 - 0.12 * Math.sin((u - 0.1) * 2 * Math.PI * 0.9);
  if (u > 0.1 && u < 0.92 && Math.abs(v - wave) < 0.04) return WHITE;
  return u + v < 1 ? BLUE : CORAL;
}

const CRC_TABLE = Array.from({ length: 256 }, (_v, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** The logo as an RGB PNG of size × size pixels. */
export function logoPng(size: number): Buffer {
  const raw = Buffer.alloc(size * (1 + size * 3));
  for (let y = 0; y < size; y++) {
    const row = y * (1 + size * 3);
    raw[row] = 0; // filter: none
    for (let x = 0; x < size; x++) Buffer.from(pixel(x, y, size)).copy(raw, row + 1 + x * 3);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
