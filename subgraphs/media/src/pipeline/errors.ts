/**
 * Errors the pipeline raises on purpose.
 *
 * `MediaInputError` means "the user's upload is the problem": the worker marks the loop FAILED
 * with `message` as the reason shown to the person, and the API maps it to BAD_USER_INPUT.
 * Anything else thrown by the pipeline is an internal failure worth a retry/alert.
 */
export class MediaInputError extends Error {
  readonly code = 'BAD_USER_INPUT' as const;
  /** 0-based index of the offending frame, when one frame is to blame. */
  readonly frameIndex: number | undefined;

  constructor(message: string, options?: { frameIndex?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MediaInputError';
    this.frameIndex = options?.frameIndex;
  }
}

export function isMediaInputError(err: unknown): err is MediaInputError {
  return err instanceof MediaInputError;
}
