// Child-process probe for ffmpeg-fallback.test.ts: encodes a tiny loop with whatever binaries
// ffmpeg.ts resolves in this environment and prints what it used and made, as JSON.
import { binaries, probe } from '../../src/ffmpeg.ts';
import { encodeLoop } from '../../src/pipeline/index.ts';
import { makeJpegFrames } from './frames.ts';

const out = await encodeLoop(await makeJpegFrames(3, 320, 240), { fps: 5 });
const info = await probe(out.mp4, { countFrames: true });
const { ffmpeg, ffprobe } = binaries();
console.log(JSON.stringify({ ffmpeg: ffmpeg.source, ffprobe: ffprobe.source, codec: info.codec, frames: info.frames }));
