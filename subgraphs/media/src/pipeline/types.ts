/** Names mirror the GraphQL enums of the media subgraph so values pass straight through. */
export type LoopMode = 'BOUNCE' | 'FORWARD' | 'REVERSE';
export type Effect = 'NONE' | 'DAZE' | 'SOLO' | 'DAILY';
export type UploadKind = 'FRAMES' | 'VIDEO';

/**
 * A decoded frame: tightly packed 8-bit sRGB, 3 channels, no alpha.
 * Raw pixels travel between stages so every frame is decoded exactly once.
 */
export interface RawFrame {
  data: Buffer;
  width: number;
  height: number;
}
