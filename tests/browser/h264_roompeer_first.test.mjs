// roompeer (--video-codec h264) joins first; a headless Chromium whose page prefers H.264
// (setCodecPreferences) joins and offers. roompeer answers with the offer's H.264 payload;
// both sides decode >= 60 H.264 frames and receive audio from the other.
import { pairCase } from './lib.mjs';

await pairCase({ first: 'roompeer', codec: 'h264', room: 'h264-rp-first' });
