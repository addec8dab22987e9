import DataLoader from 'dataloader';
import type { Loop } from '@fffoto/shared/db';
import type { RequestContext } from '@fffoto/shared/server';
import type { MediaService } from './media-service.ts';
import type { Previewer } from './preview.ts';
import type { ObjectStorage } from './storage.ts';

/** What Loop resolvers receive: the database row. */
export type LoopParent = Loop;

export interface Context extends RequestContext {
  media: MediaService;
  storage: ObjectStorage;
  previewer: Previewer;
  loopById: DataLoader<string, Loop | null>;
  /** Presigned output URLs, signed once per object per request however often (or aliased) it is asked for. */
  outputUrl(key: string): Promise<string>;
}

export function createContext(
  base: RequestContext,
  deps: { media: MediaService; storage: ObjectStorage; previewer: Previewer },
): Context {
  const urls = new Map<string, Promise<string>>();
  const outputUrl = (key: string) => {
    let url = urls.get(key);
    if (!url) urls.set(key, (url = deps.storage.urlFor(key)));
    return url;
  };
  return { ...base, ...deps, loopById: new DataLoader((ids) => deps.media.loops.byIds(ids)), outputUrl };
}
