// The social subgraph's outbox: block.added / block.removed, written with the block they announce.
import type { Outbox } from '@fffoto/shared/outbox';

export const socialOutbox: Outbox = { table: 'social_events', source: 'social' };
