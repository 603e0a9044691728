// roompeer (--video-codec h264) joins first; a headless Chromium with no codec preference
// joins and offers, listing VP8 first. roompeer answers with the offer's H.264 payload, so
// both directions run H.264; both sides decode >= 60 frames and receive audio.
import { pairCase } from './lib.mjs';

await pairCase({ first: 'roompeer', codec: 'h264', pageCodec: null, room: 'h264-vp8-offer' });
