// The users subgraph's outbox: account events (user.deleted), written with the change they announce.
import type { Outbox } from '@fffoto/shared/outbox';

export const usersOutbox: Outbox = { table: 'account_events', source: 'users' };
