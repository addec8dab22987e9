import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { UserParent, Context } from '../context.ts';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** ISO 8601 date-time. */
  DateTime: { input: Date | string; output: Date | string; }
  _FieldSet: { input: unknown; output: unknown; }
};

/** A signed-in session: what signUp, logIn and refreshSession return. */
export type AuthPayload = {
  __typename?: 'AuthPayload';
  /** Short-lived JWT (ES256, with kid); send as `Authorization: Bearer <token>`. */
  accessToken: Scalars['String']['output'];
  /** When the access token expires. */
  expiresAt: Scalars['DateTime']['output'];
  /** Opaque; single use: every refresh returns a new one. */
  refreshToken: Scalars['String']['output'];
  /** The account the session belongs to. */
  user: User;
};

/** Credentials for logIn. */
export type LogInInput = {
  /** Handle or email. */
  login: Scalars['String']['input'];
  /** The account's password. Repeated failures for one login are throttled (RATE_LIMITED). */
  password: Scalars['String']['input'];
};

/** Writes. All but signUp, logIn, refreshSession and logOut need a signed-in user (`Authorization: Bearer <accessToken>`). */
export type Mutation = {
  __typename?: 'Mutation';
  /** Deletes the signed-in account after checking the password; its tokens stop working. */
  deleteAccount: Scalars['Boolean']['output'];
  /** Signs in with a handle or email and the password; UNAUTHENTICATED when they do not match. */
  logIn: AuthPayload;
  /** Ends the session the refresh token belongs to. True even if it had already ended. */
  logOut: Scalars['Boolean']['output'];
  /** Exchanges a refresh token for a new pair. Reusing a spent token ends the whole session. */
  refreshSession: AuthPayload;
  /** Creates an account and signs it in. Anyone may call it. */
  signUp: AuthPayload;
  /** Changes the signed-in user's profile and returns it. */
  updateProfile: User;
};


/** Writes. All but signUp, logIn, refreshSession and logOut need a signed-in user (`Authorization: Bearer <accessToken>`). */
export type MutationDeleteAccountArgs = {
  password: Scalars['String']['input'];
};


/** Writes. All but signUp, logIn, refreshSession and logOut need a signed-in user (`Authorization: Bearer <accessToken>`). */
export type MutationLogInArgs = {
  input: LogInInput;
};


/** Writes. All but signUp, logIn, refreshSession and logOut need a signed-in user (`Authorization: Bearer <accessToken>`). */
export type MutationLogOutArgs = {
  refreshToken: Scalars['String']['input'];
};


/** Writes. All but signUp, logIn, refreshSession and logOut need a signed-in user (`Authorization: Bearer <accessToken>`). */
export type MutationRefreshSessionArgs = {
  refreshToken: Scalars['String']['input'];
};


/** Writes. All but signUp, logIn, refreshSession and logOut need a signed-in user (`Authorization: Bearer <accessToken>`). */
export type MutationSignUpArgs = {
  input: SignUpInput;
};


/** Writes. All but signUp, logIn, refreshSession and logOut need a signed-in user (`Authorization: Bearer <accessToken>`). */
export type MutationUpdateProfileArgs = {
  input: UpdateProfileInput;
};

/** Reads. Where a field needs a signed-in user (`Authorization: Bearer <accessToken>`) it says so; elsewhere a token only shapes the answer (blocks, viewer flags). */
export type Query = {
  __typename?: 'Query';
  /** The signed-in user; null when the request carries no token. */
  me?: Maybe<User>;
  /** Users whose handle or display name starts with or contains `query`, best matches first. */
  searchUsers: Array<User>;
  /** The user with that handle; null when there is none (or the account was deleted). Anyone may ask. */
  user?: Maybe<User>;
};


/** Reads. Where a field needs a signed-in user (`Authorization: Bearer <accessToken>`) it says so; elsewhere a token only shapes the answer (blocks, viewer flags). */
export type QuerySearchUsersArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  query: Scalars['String']['input'];
};


/** Reads. Where a field needs a signed-in user (`Authorization: Bearer <accessToken>`) it says so; elsewhere a token only shapes the answer (blocks, viewer flags). */
export type QueryUserArgs = {
  handle: Scalars['String']['input'];
};

/** A new account. Every field is checked; the first that fails answers BAD_USER_INPUT naming it. */
export type SignUpInput = {
  /** Optional, at most 60 characters; empty means none. */
  displayName?: InputMaybe<Scalars['String']['input']>;
  /** A valid address, at most 254 characters (stored lower-case); one account per address (CONFLICT). */
  email: Scalars['String']['input'];
  /** 3–30 of a–z, 0–9, '_' and '.' (stored lower-case); no leading, trailing or doubled '.'; some words are reserved. CONFLICT when taken. */
  handle: Scalars['String']['input'];
  /** 10–256 characters. */
  password: Scalars['String']['input'];
};

/** Profile fields to change; a field left out is kept as it is. */
export type UpdateProfileInput = {
  /** At most 300 characters; null or empty clears it. */
  bio?: InputMaybe<Scalars['String']['input']>;
  /** Null or empty clears it. */
  displayName?: InputMaybe<Scalars['String']['input']>;
};

/**
 * A person with an account. Other subgraphs add to it (posts: their posts; social: follows).
 * A deleted account is no longer returned: lookups give null, references to it an error.
 */
export type User = {
  __typename?: 'User';
  /** Free text about the user, at most 300 characters (line breaks kept); null when not set. */
  bio?: Maybe<Scalars['String']['output']>;
  /** When the account was created. */
  createdAt: Scalars['DateTime']['output'];
  /** The name shown beside the handle, at most 60 characters; null when not set. */
  displayName?: Maybe<Scalars['String']['output']>;
  /** Lower-case, 3–30 of [a-z0-9_.]; the profile lives at /<handle>. */
  handle: Scalars['String']['output'];
  /** The user's stable id (a UUID). */
  id: Scalars['ID']['output'];
};

export type WithIndex<TObject> = TObject & Record<string, any>;
export type ResolversObject<TObject> = WithIndex<TObject>;

export type ResolverTypeWrapper<T> = Promise<T> | T;

export type ReferenceResolver<TResult, TReference, TContext> = (
      reference: TReference,
      context: TContext,
      info: GraphQLResolveInfo
    ) => Promise<TResult> | TResult;

      type ScalarCheck<T, S> = S extends true ? T : NullableCheck<T, S>;
      type NullableCheck<T, S> = Maybe<T> extends T ? Maybe<ListCheck<NonNullable<T>, S>> : ListCheck<T, S>;
      type ListCheck<T, S> = T extends (infer U)[] ? NullableCheck<U, S>[] : GraphQLRecursivePick<T, S>;
      export type GraphQLRecursivePick<T, S> = { [K in keyof T & keyof S]: ScalarCheck<T[K], S[K]> };
    

export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

/** Mapping of federation types */
export type FederationTypes = ResolversObject<{
  User: User;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  User:
    ( { __typename: 'User' }
    & GraphQLRecursivePick<FederationTypes['User'], {"id":true}> );
}>;



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  AuthPayload: ResolverTypeWrapper<Omit<AuthPayload, 'user'> & { user: ResolversTypes['User'] }>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  LogInInput: LogInInput;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  SignUpInput: SignUpInput;
  UpdateProfileInput: UpdateProfileInput;
  User: ResolverTypeWrapper<UserParent>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  AuthPayload: Omit<AuthPayload, 'user'> & { user: ResolversParentTypes['User'] };
  String: Scalars['String']['output'];
  DateTime: Scalars['DateTime']['output'];
  LogInInput: LogInInput;
  Mutation: Record<PropertyKey, never>;
  Boolean: Scalars['Boolean']['output'];
  Query: Record<PropertyKey, never>;
  Int: Scalars['Int']['output'];
  SignUpInput: SignUpInput;
  UpdateProfileInput: UpdateProfileInput;
  User: UserParent;
  ID: Scalars['ID']['output'];
}>;

export type AuthPayloadResolvers<ContextType = Context, ParentType extends ResolversParentTypes['AuthPayload'] = ResolversParentTypes['AuthPayload']> = ResolversObject<{
  accessToken?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  expiresAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  refreshToken?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  user?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type MutationResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  deleteAccount?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationDeleteAccountArgs, 'password'>>;
  logIn?: Resolver<ResolversTypes['AuthPayload'], ParentType, ContextType, RequireFields<MutationLogInArgs, 'input'>>;
  logOut?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationLogOutArgs, 'refreshToken'>>;
  refreshSession?: Resolver<ResolversTypes['AuthPayload'], ParentType, ContextType, RequireFields<MutationRefreshSessionArgs, 'refreshToken'>>;
  signUp?: Resolver<ResolversTypes['AuthPayload'], ParentType, ContextType, RequireFields<MutationSignUpArgs, 'input'>>;
  updateProfile?: Resolver<ResolversTypes['User'], ParentType, ContextType, RequireFields<MutationUpdateProfileArgs, 'input'>>;
}>;

export type QueryResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  me?: Resolver<Maybe<ResolversTypes['User']>, ParentType, ContextType>;
  searchUsers?: Resolver<Array<ResolversTypes['User']>, ParentType, ContextType, RequireFields<QuerySearchUsersArgs, 'first' | 'query'>>;
  user?: Resolver<Maybe<ResolversTypes['User']>, ParentType, ContextType, RequireFields<QueryUserArgs, 'handle'>>;
}>;

export type UserResolvers<ContextType = Context, ParentType extends ResolversParentTypes['User'] = ResolversParentTypes['User'], FederationReferenceType extends FederationReferenceTypes['User'] = FederationReferenceTypes['User']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['User']> | FederationReferenceType, FederationReferenceType, ContextType>;
  bio?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  displayName?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  handle?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type Resolvers<ContextType = Context> = ResolversObject<{
  AuthPayload?: AuthPayloadResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  Mutation?: MutationResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  User?: UserResolvers<ContextType>;
}>;

