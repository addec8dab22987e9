/** Public surface of the encoding pipeline (buffers in, buffers out). */
export { encodeLoop, GIF_MAX_SIZE, VIDEO_SIZE, type EncodeLoopOptions, type EncodedLoop, type Rendition } from './encode.js';
export { previewLoop, PREVIEW_MAX_FRAMES, PREVIEW_SIZE, type PreviewOptions } from './preview.js';
export { applyEffect, dailyTheme, DAILY_THEMES, EFFECTS, utcDayNumber, type DailyTheme, type DailyThemeId } from './effects.js';
export { sequence, sequenceIndices } from './modes.js';
export { normalizeFrames, sniffFormat, describeContent, DEFAULT_MAX_SIZE, type NormalizeOptions } from './normalize.js';
export { MediaInputError, isMediaInputError } from './errors.js';
export { checkFps, DEFAULT_FPS, MAX_CLIP_SECONDS, MAX_FPS, MAX_FRAMES, MIN_FPS, MIN_FRAMES } from './inputs.js';
export { meanLuma } from './raw.js';
export type { Effect, LoopMode, RawFrame, UploadKind } from './types.js';
