import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { PostParent, TagParent, UserParent, Context } from '../context.ts';
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

/** A new post. */
export type CreatePostInput = {
  /** Optional, at most 2,200 characters (empty means none); at most 30 #hashtags of up to 64 characters; @mentioned users are told in their News. */
  caption?: InputMaybe<Scalars['String']['input']>;
  /** A READY loop of the caller's, not posted before. */
  loopId: Scalars['ID']['input'];
};

export type Loop = {
  __typename?: 'Loop';
  id: Scalars['ID']['output'];
};

/** Writes. All but signUp, logIn, refreshSession and logOut need a signed-in user (`Authorization: Bearer <accessToken>`). */
export type Mutation = {
  __typename?: 'Mutation';
  /** Posts one of the signed-in user's READY loops; rate-limited per user (RATE_LIMITED). CONFLICT when the loop is already posted. */
  createPost: Post;
  /** The author only. True; removes it from tag pages, trending and WOW (feeds and activity follow by event). */
  deletePost: Scalars['Boolean']['output'];
  /** Staff only; the post must be tagged #wow. */
  pickWow: Post;
  /** Staff only. Idempotent. */
  unpickWow: Post;
};


/** Writes. All but signUp, logIn, refreshSession and logOut need a signed-in user (`Authorization: Bearer <accessToken>`). */
export type MutationCreatePostArgs = {
  input: CreatePostInput;
};


/** Writes. All but signUp, logIn, refreshSession and logOut need a signed-in user (`Authorization: Bearer <accessToken>`). */
export type MutationDeletePostArgs = {
  id: Scalars['ID']['input'];
};


/** Writes. All but signUp, logIn, refreshSession and logOut need a signed-in user (`Authorization: Bearer <accessToken>`). */
export type MutationPickWowArgs = {
  postId: Scalars['ID']['input'];
};


/** Writes. All but signUp, logIn, refreshSession and logOut need a signed-in user (`Authorization: Bearer <accessToken>`). */
export type MutationUnpickWowArgs = {
  postId: Scalars['ID']['input'];
};

/** Where a page of a list ends (Relay). */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** Cursor of the page's last item, to pass as `after` for the next page; null when the page is empty. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** Whether more items follow this page. */
  hasNextPage: Scalars['Boolean']['output'];
};

/** A loop shared with a caption; permalink /i/<id>. */
export type Post = {
  __typename?: 'Post';
  /** Who posted it. */
  author: User;
  /** Up to 2,200 characters; #hashtags and @mentions are parsed from it. */
  caption?: Maybe<Scalars['String']['output']>;
  /** When it was posted. */
  createdAt: Scalars['DateTime']['output'];
  /** The post's id (a UUID). */
  id: Scalars['ID']['output'];
  /** The loop it shares. */
  loop: Loop;
  /** The caption's hashtags, in name order. */
  tags: Array<Tag>;
  /** Whether staff picked it for WOW. */
  wowPicked: Scalars['Boolean']['output'];
};

/** A page of posts (Relay connection). */
export type PostConnection = {
  __typename?: 'PostConnection';
  /** The posts of this page, in the list's order. */
  edges: Array<PostEdge>;
  /** Whether there is a next page, and its cursor. */
  pageInfo: PageInfo;
};

/** One post in a list, with its cursor. */
export type PostEdge = {
  __typename?: 'PostEdge';
  /** Opaque position of this post in the list; pass as `after` to continue after it. */
  cursor: Scalars['String']['output'];
  /** Null, with an error saying why, for a post deleted while this list still named it (lists catch up within seconds). */
  node?: Maybe<Post>;
};

/** Reads. Where a field needs a signed-in user (`Authorization: Bearer <accessToken>`) it says so; elsewhere a token only shapes the answer (blocks, viewer flags). */
export type Query = {
  __typename?: 'Query';
  /** Null when it does not exist (or is hidden from the viewer by a block). */
  post?: Maybe<Post>;
  /** Tags starting with `query` (a leading # is ignored), most used first. */
  searchTags: Array<Tag>;
  /** Null when no post ever used it. */
  tag?: Maybe<Tag>;
  /** Today's (UTC) most used tags. */
  trendingTags: Array<Tag>;
  /** Staff-picked posts tagged #wow, most recently picked first. */
  wow: PostConnection;
};


/** Reads. Where a field needs a signed-in user (`Authorization: Bearer <accessToken>`) it says so; elsewhere a token only shapes the answer (blocks, viewer flags). */
export type QueryPostArgs = {
  id: Scalars['ID']['input'];
};


/** Reads. Where a field needs a signed-in user (`Authorization: Bearer <accessToken>`) it says so; elsewhere a token only shapes the answer (blocks, viewer flags). */
export type QuerySearchTagsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  query: Scalars['String']['input'];
};


/** Reads. Where a field needs a signed-in user (`Authorization: Bearer <accessToken>`) it says so; elsewhere a token only shapes the answer (blocks, viewer flags). */
export type QueryTagArgs = {
  name: Scalars['String']['input'];
};


/** Reads. Where a field needs a signed-in user (`Authorization: Bearer <accessToken>`) it says so; elsewhere a token only shapes the answer (blocks, viewer flags). */
export type QueryTrendingTagsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** Reads. Where a field needs a signed-in user (`Authorization: Bearer <accessToken>`) it says so; elsewhere a token only shapes the answer (blocks, viewer flags). */
export type QueryWowArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** A hashtag: lower-case, NFC, without the '#'. */
export type Tag = {
  __typename?: 'Tag';
  /** The tag itself, at most 64 characters. */
  name: Scalars['String']['output'];
  /** How many posts use it. */
  postCount: Scalars['Int']['output'];
  /** Newest first. Posts across a block with the viewer are left out. */
  posts: PostConnection;
};


/** A hashtag: lower-case, NFC, without the '#'. */
export type TagPostsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type User = {
  __typename?: 'User';
  id: Scalars['ID']['output'];
  /** How many posts the user has. */
  postCount: Scalars['Int']['output'];
  /** Newest first. Posts across a block with the viewer are left out. */
  posts: PostConnection;
};


export type UserPostsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
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
  Post: Post;
  Tag: Tag;
  User: User;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  Post:
    ( { __typename: 'Post' }
    & GraphQLRecursivePick<FederationTypes['Post'], {"id":true}> );
  Tag:
    ( { __typename: 'Tag' }
    & GraphQLRecursivePick<FederationTypes['Tag'], {"name":true}> );
  User:
    ( { __typename: 'User' }
    & GraphQLRecursivePick<FederationTypes['User'], {"id":true}> );
}>;



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  CreatePostInput: CreatePostInput;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Loop: ResolverTypeWrapper<Loop>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Post: ResolverTypeWrapper<PostParent>;
  PostConnection: ResolverTypeWrapper<Omit<PostConnection, 'edges'> & { edges: Array<ResolversTypes['PostEdge']> }>;
  PostEdge: ResolverTypeWrapper<Omit<PostEdge, 'node'> & { node?: Maybe<ResolversTypes['Post']> }>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  Tag: ResolverTypeWrapper<TagParent>;
  User: ResolverTypeWrapper<UserParent>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  CreatePostInput: CreatePostInput;
  String: Scalars['String']['output'];
  ID: Scalars['ID']['output'];
  DateTime: Scalars['DateTime']['output'];
  Loop: Loop;
  Mutation: Record<PropertyKey, never>;
  Boolean: Scalars['Boolean']['output'];
  PageInfo: PageInfo;
  Post: PostParent;
  PostConnection: Omit<PostConnection, 'edges'> & { edges: Array<ResolversParentTypes['PostEdge']> };
  PostEdge: Omit<PostEdge, 'node'> & { node?: Maybe<ResolversParentTypes['Post']> };
  Query: Record<PropertyKey, never>;
  Int: Scalars['Int']['output'];
  Tag: TagParent;
  User: UserParent;
}>;

export type PerViewerDirectiveArgs = { };

export type PerViewerDirectiveResolver<Result, Parent, ContextType = Context, Args = PerViewerDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type LoopResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Loop'] = ResolversParentTypes['Loop']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type MutationResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  createPost?: Resolver<ResolversTypes['Post'], ParentType, ContextType, RequireFields<MutationCreatePostArgs, 'input'>>;
  deletePost?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationDeletePostArgs, 'id'>>;
  pickWow?: Resolver<ResolversTypes['Post'], ParentType, ContextType, RequireFields<MutationPickWowArgs, 'postId'>>;
  unpickWow?: Resolver<ResolversTypes['Post'], ParentType, ContextType, RequireFields<MutationUnpickWowArgs, 'postId'>>;
}>;

export type PageInfoResolvers<ContextType = Context, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type PostResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Post'] = ResolversParentTypes['Post'], FederationReferenceType extends FederationReferenceTypes['Post'] = FederationReferenceTypes['Post']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Post']> | FederationReferenceType, FederationReferenceType, ContextType>;
  author?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
  caption?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  loop?: Resolver<ResolversTypes['Loop'], ParentType, ContextType>;
  tags?: Resolver<Array<ResolversTypes['Tag']>, ParentType, ContextType>;
  wowPicked?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type PostConnectionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['PostConnection'] = ResolversParentTypes['PostConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['PostEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type PostEdgeResolvers<ContextType = Context, ParentType extends ResolversParentTypes['PostEdge'] = ResolversParentTypes['PostEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<Maybe<ResolversTypes['Post']>, ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  post?: Resolver<Maybe<ResolversTypes['Post']>, ParentType, ContextType, RequireFields<QueryPostArgs, 'id'>>;
  searchTags?: Resolver<Array<ResolversTypes['Tag']>, ParentType, ContextType, RequireFields<QuerySearchTagsArgs, 'first' | 'query'>>;
  tag?: Resolver<Maybe<ResolversTypes['Tag']>, ParentType, ContextType, RequireFields<QueryTagArgs, 'name'>>;
  trendingTags?: Resolver<Array<ResolversTypes['Tag']>, ParentType, ContextType, RequireFields<QueryTrendingTagsArgs, 'first'>>;
  wow?: Resolver<ResolversTypes['PostConnection'], ParentType, ContextType, RequireFields<QueryWowArgs, 'first'>>;
}>;

export type TagResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Tag'] = ResolversParentTypes['Tag'], FederationReferenceType extends FederationReferenceTypes['Tag'] = FederationReferenceTypes['Tag']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Tag']> | FederationReferenceType, FederationReferenceType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  postCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  posts?: Resolver<ResolversTypes['PostConnection'], ParentType, ContextType, RequireFields<TagPostsArgs, 'first'>>;
}>;

export type UserResolvers<ContextType = Context, ParentType extends ResolversParentTypes['User'] = ResolversParentTypes['User'], FederationReferenceType extends FederationReferenceTypes['User'] = FederationReferenceTypes['User']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['User']> | FederationReferenceType, FederationReferenceType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  postCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  posts?: Resolver<ResolversTypes['PostConnection'], ParentType, ContextType, RequireFields<UserPostsArgs, 'first'>>;
}>;

export type Resolvers<ContextType = Context> = ResolversObject<{
  DateTime?: GraphQLScalarType;
  Loop?: LoopResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Post?: PostResolvers<ContextType>;
  PostConnection?: PostConnectionResolvers<ContextType>;
  PostEdge?: PostEdgeResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Tag?: TagResolvers<ContextType>;
  User?: UserResolvers<ContextType>;
}>;

export type DirectiveResolvers<ContextType = Context> = ResolversObject<{
  perViewer?: PerViewerDirectiveResolver<any, any, ContextType>;
}>;
