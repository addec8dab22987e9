/** Public surface of the encoding pipeline (buffers in, buffers out): what the services use. */
export { encodeLoop } from './encode.ts';
export { previewLoop, PREVIEW_MAX_FRAMES } from './preview.ts';
export { applyEffect, dailyTheme, DAILY_THEMES } from './effects.ts';
export { normalizeFrames } from './normalize.ts';
export { MediaInputError, isMediaInputError } from './errors.ts';
export { DEFAULT_FPS, MAX_FPS, MAX_FRAMES, MIN_FPS } from './inputs.ts';
export { meanLuma } from './raw.ts';
export type { RawFrame } from './types.ts';
