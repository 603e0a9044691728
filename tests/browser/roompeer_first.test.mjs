// roompeer joins first; a headless Chromium on the reference page joins and offers
// (VP8, the defaults). Both sides decode >= 60 video frames and receive audio from the
// other; roompeer sees the browser's 240x240 camera.
import { pairCase } from './lib.mjs';

await pairCase({ first: 'roompeer', room: 'rp-first' });
