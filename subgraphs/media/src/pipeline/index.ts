/** Public surface of the encoding pipeline (buffers in, buffers out). */
export { encodeLoop, GIF_MAX_SIZE, VIDEO_SIZE, type EncodeLoopOptions, type EncodedLoop, type Rendition } from './encode.ts';
export { previewLoop, PREVIEW_MAX_FRAMES, PREVIEW_SIZE, type PreviewOptions } from './preview.ts';
export { applyEffect, dailyTheme, DAILY_THEMES, EFFECTS, utcDayNumber, type DailyTheme, type DailyThemeId } from './effects.ts';
export { sequence, sequenceIndices } from './modes.ts';
export { normalizeFrames, sniffFormat, describeContent, DEFAULT_MAX_SIZE, type NormalizeOptions } from './normalize.ts';
export { MediaInputError, isMediaInputError } from './errors.ts';
export { checkFps, DEFAULT_FPS, MAX_CLIP_SECONDS, MAX_FPS, MAX_FRAMES, MIN_FPS, MIN_FRAMES } from './inputs.ts';
export { meanLuma } from './raw.ts';
export type { Effect, LoopMode, RawFrame, UploadKind } from './types.ts';
