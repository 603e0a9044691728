// A headless Chromium whose page prefers H.264 joins first; roompeer (--video-codec h264)
// joins and offers H.264. Chrome's answer decodes; both sides decode >= 60 H.264 frames
// and receive audio from the other.
import { pairCase } from './lib.mjs';

await pairCase({ first: 'browser', codec: 'h264', room: 'h264-browser-first' });
