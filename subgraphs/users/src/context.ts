import DataLoader from 'dataloader';
import type { User } from '@fffoto/shared/db';
import type { RequestContext } from '@fffoto/shared/server';
import type { UsersService } from './service.ts';

/** What User resolvers receive: the database row. */
export type UserParent = User;

export interface Context extends RequestContext {
  users: UsersService;
  userById: DataLoader<string, User | null>;
}

export function createContext(base: RequestContext, users: UsersService): Context {
  return { ...base, users, userById: new DataLoader((ids) => users.byIds(ids)) };
}
