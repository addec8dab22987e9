import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { UserParent, PostParent, CommentParent, LikeParent, ActivityParent, ReportParent, Context } from '../context.ts';
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

/** An entry of the viewer's News: something someone else did to the viewer or their post. */
export type Activity = {
  __typename?: 'Activity';
  /** Who did it. */
  actor: User;
  /** The comment written (COMMENT); null for the other kinds. */
  comment?: Maybe<Comment>;
  /** When it happened. */
  createdAt: Scalars['DateTime']['output'];
  /** The entry's id. */
  id: Scalars['ID']['output'];
  /** What happened. */
  kind: ActivityKind;
  /** The post concerned (LIKE, COMMENT, MENTION); null for FOLLOW. */
  post?: Maybe<Post>;
  /** Whether it is newer than the viewer's last markActivityRead. */
  unread: Scalars['Boolean']['output'];
};

/** A page of News entries (Relay connection). */
export type ActivityConnection = {
  __typename?: 'ActivityConnection';
  /** The entries of this page, in the list's order. */
  edges: Array<ActivityEdge>;
  /** Whether there is a next page, and its cursor. */
  pageInfo: PageInfo;
};

/** One News entry in a list, with its cursor. */
export type ActivityEdge = {
  __typename?: 'ActivityEdge';
  /** Opaque position of this entry in the list; pass as `after` to continue after it. */
  cursor: Scalars['String']['output'];
  /** The entry. */
  node: Activity;
};

/** What happened, in an entry of the viewer's News. */
export type ActivityKind =
  /** Someone commented on one of the viewer's posts. */
  | 'COMMENT'
  /** Someone followed the viewer. */
  | 'FOLLOW'
  /** Someone liked one of the viewer's posts. */
  | 'LIKE'
  /** Someone @mentioned the viewer in a post's caption. */
  | 'MENTION';

/** A comment on a post. */
export type Comment = {
  __typename?: 'Comment';
  /** Who wrote it. */
  author: User;
  /** When it was written. */
  createdAt: Scalars['DateTime']['output'];
  /** The comment's id (a UUID). */
  id: Scalars['ID']['output'];
  /** The post it is on. */
  post: Post;
  /** 1–500 characters, trimmed. */
  text: Scalars['String']['output'];
};

/** A page of comments (Relay connection). */
export type CommentConnection = {
  __typename?: 'CommentConnection';
  /** The comments of this page, in the list's order. */
  edges: Array<CommentEdge>;
  /** Whether there is a next page, and its cursor. */
  pageInfo: PageInfo;
};

/** One comment in a list, with its cursor. */
export type CommentEdge = {
  __typename?: 'CommentEdge';
  /** Opaque position of this comment in the list; pass as `after` to continue after it. */
  cursor: Scalars['String']['output'];
  /** The comment. */
  node: Comment;
};

/** One person's like of a post (liking twice is still one like). */
export type Like = {
  __typename?: 'Like';
  /** When it was liked. */
  createdAt: Scalars['DateTime']['output'];
  /** The like's id. */
  id: Scalars['ID']['output'];
  /** The post liked. */
  post: Post;
  /** Who liked the post. */
  user: User;
};

/** A page of likes (Relay connection). */
export type LikeConnection = {
  __typename?: 'LikeConnection';
  /** The likes of this page, in the list's order. */
  edges: Array<LikeEdge>;
  /** Whether there is a next page, and its cursor. */
  pageInfo: PageInfo;
};

/** One like in a list, with its cursor. */
export type LikeEdge = {
  __typename?: 'LikeEdge';
  /** Opaque position of this like in the list; pass as `after` to continue after it. */
  cursor: Scalars['String']['output'];
  /** The like. */
  node: Like;
};

/** Writes. All but signUp, logIn, refreshSession and logOut need a signed-in user (`Authorization: Bearer <accessToken>`). */
export type Mutation = {
  __typename?: 'Mutation';
  /** Comments on the post as the signed-in user; FORBIDDEN across a block. */
  addComment: Comment;
  /** Removes follows both ways; the two no longer see each other's posts, comments, likes or activity. */
  blockUser: Scalars['Boolean']['output'];
  /** The comment's author or the post's author. */
  deleteComment: Scalars['Boolean']['output'];
  /** Idempotent. Not yourself, not across a block. */
  follow: User;
  /** Idempotent: liking twice is one like. */
  likePost: Post;
  /** Marks News up to `before` (default now) read; returns how many became read. */
  markActivityRead: Scalars['Int']['output'];
  /** One open report per subject and reporter; reporting again returns true. */
  report: Scalars['Boolean']['output'];
  /** Lifts the viewer's own block of the user (idempotent); a block the other way stays. */
  unblockUser: Scalars['Boolean']['output'];
  /** Idempotent. */
  unfollow: User;
  /** Removes the viewer's like, if any (idempotent); returns the post. */
  unlikePost: Post;
};


/** Writes. All but signUp, logIn, refreshSession and logOut need a signed-in user (`Authorization: Bearer <accessToken>`). */
export type MutationAddCommentArgs = {
  postId: Scalars['ID']['input'];
  text: Scalars['String']['input'];
};


/** Writes. All but signUp, logIn, refreshSession and logOut need a signed-in user (`Authorization: Bearer <accessToken>`). */
export type MutationBlockUserArgs = {
  userId: Scalars['ID']['input'];
};


/** Writes. All but signUp, logIn, refreshSession and logOut need a signed-in user (`Authorization: Bearer <accessToken>`). */
export type MutationDeleteCommentArgs = {
  id: Scalars['ID']['input'];
};


/** Writes. All but signUp, logIn, refreshSession and logOut need a signed-in user (`Authorization: Bearer <accessToken>`). */
export type MutationFollowArgs = {
  userId: Scalars['ID']['input'];
};


/** Writes. All but signUp, logIn, refreshSession and logOut need a signed-in user (`Authorization: Bearer <accessToken>`). */
export type MutationLikePostArgs = {
  postId: Scalars['ID']['input'];
};


/** Writes. All but signUp, logIn, refreshSession and logOut need a signed-in user (`Authorization: Bearer <accessToken>`). */
export type MutationMarkActivityReadArgs = {
  before?: InputMaybe<Scalars['DateTime']['input']>;
};


/** Writes. All but signUp, logIn, refreshSession and logOut need a signed-in user (`Authorization: Bearer <accessToken>`). */
export type MutationReportArgs = {
  input: ReportInput;
};


/** Writes. All but signUp, logIn, refreshSession and logOut need a signed-in user (`Authorization: Bearer <accessToken>`). */
export type MutationUnblockUserArgs = {
  userId: Scalars['ID']['input'];
};


/** Writes. All but signUp, logIn, refreshSession and logOut need a signed-in user (`Authorization: Bearer <accessToken>`). */
export type MutationUnfollowArgs = {
  userId: Scalars['ID']['input'];
};


/** Writes. All but signUp, logIn, refreshSession and logOut need a signed-in user (`Authorization: Bearer <accessToken>`). */
export type MutationUnlikePostArgs = {
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

export type Post = {
  __typename?: 'Post';
  /** How many comments it has. */
  commentCount: Scalars['Int']['output'];
  /** Oldest first. */
  comments: CommentConnection;
  id: Scalars['ID']['output'];
  /** How many likes it has. */
  likeCount: Scalars['Int']['output'];
  /** Who liked it, newest first. */
  likes: LikeConnection;
  /** Whether the signed-in viewer liked it (false without a viewer). */
  viewerHasLiked: Scalars['Boolean']['output'];
};


export type PostCommentsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type PostLikesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
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
  /** The viewer's News, newest first. Needs a viewer. */
  activity: ActivityConnection;
  /** Posts by the people the viewer follows and the viewer's own, newest first. Needs a viewer. */
  feed: PostConnection;
  /** Open reports, newest first. Staff only. */
  reports: ReportConnection;
  /** Today's (UTC) most engaging posts: likes count 1, comments 2. */
  trendingPosts: Array<Post>;
  /** How many of the viewer's News entries are unread (newer than their last markActivityRead). Needs a viewer. */
  unreadActivityCount: Scalars['Int']['output'];
};


/** Reads. Where a field needs a signed-in user (`Authorization: Bearer <accessToken>`) it says so; elsewhere a token only shapes the answer (blocks, viewer flags). */
export type QueryActivityArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** Reads. Where a field needs a signed-in user (`Authorization: Bearer <accessToken>`) it says so; elsewhere a token only shapes the answer (blocks, viewer flags). */
export type QueryFeedArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** Reads. Where a field needs a signed-in user (`Authorization: Bearer <accessToken>`) it says so; elsewhere a token only shapes the answer (blocks, viewer flags). */
export type QueryReportsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** Reads. Where a field needs a signed-in user (`Authorization: Bearer <accessToken>`) it says so; elsewhere a token only shapes the answer (blocks, viewer flags). */
export type QueryTrendingPostsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** A report of a user, post or comment, as staff see it (Query.reports). */
export type Report = {
  __typename?: 'Report';
  /** When it was filed. */
  createdAt: Scalars['DateTime']['output'];
  /** The report's id. */
  id: Scalars['ID']['output'];
  /** The reporter's note; null when none was given. */
  note?: Maybe<Scalars['String']['output']>;
  /** Why it was reported. */
  reason: ReportReason;
  /** Null, with an error saying why, while the reporter's account deletion is still being applied (their reports go with them). */
  reporter?: Maybe<User>;
  /** Where it is in moderation. */
  status: ReportStatus;
  /** The id of the reported user, post or comment. */
  subject: Scalars['ID']['output'];
};

/** A page of reports (Relay connection). */
export type ReportConnection = {
  __typename?: 'ReportConnection';
  /** The reports of this page, in the list's order. */
  edges: Array<ReportEdge>;
  /** Whether there is a next page, and its cursor. */
  pageInfo: PageInfo;
};

/** One report in a list, with its cursor. */
export type ReportEdge = {
  __typename?: 'ReportEdge';
  /** Opaque position of this report in the list; pass as `after` to continue after it. */
  cursor: Scalars['String']['output'];
  /** The report. */
  node: Report;
};

/** A report of a user, post or comment to staff. */
export type ReportInput = {
  /** At most 500 characters. */
  note?: InputMaybe<Scalars['String']['input']>;
  /** Why it is reported. */
  reason: ReportReason;
  /** The id of a user, post or comment. */
  subject: Scalars['ID']['input'];
};

/** Why something is reported. */
export type ReportReason =
  /** Harassment or abuse of a person. */
  | 'ABUSE'
  /** Nudity or sexual content. */
  | 'NUDITY'
  /** Anything else; say what in the note. */
  | 'OTHER'
  /** Spam: unwanted, repeated or commercial content. */
  | 'SPAM'
  /** Violence or threats of it. */
  | 'VIOLENCE';

/** Where a report is in moderation. */
export type ReportStatus =
  /** Waiting for staff; listed by Query.reports. */
  | 'OPEN'
  /** Dealt with by staff; no longer listed. */
  | 'RESOLVED';

/** Live updates, over graphql-ws on /graphql; connection_init may carry `{ "authorization": "Bearer <accessToken>" }`. */
export type Subscription = {
  __typename?: 'Subscription';
  /** The viewer's own News as it arrives (never the viewer's own actions). Needs a viewer. */
  activityAdded: Activity;
  /** Every comment on the post from now on, the subscriber's own included; nothing across a block. */
  commentAdded: Comment;
  /** Every like of the post from now on, the subscriber's own included; nothing across a block. NOT_FOUND for a post that does not exist. */
  likeAdded: Like;
};


/** Live updates, over graphql-ws on /graphql; connection_init may carry `{ "authorization": "Bearer <accessToken>" }`. */
export type SubscriptionCommentAddedArgs = {
  postId: Scalars['ID']['input'];
};


/** Live updates, over graphql-ws on /graphql; connection_init may carry `{ "authorization": "Bearer <accessToken>" }`. */
export type SubscriptionLikeAddedArgs = {
  postId: Scalars['ID']['input'];
};

export type User = {
  __typename?: 'User';
  /** How many people follow this user. */
  followerCount: Scalars['Int']['output'];
  /** Newest follow first; people on either side of a block with the viewer are left out. */
  followers: UserConnection;
  /** The people this user follows, newest follow first; people on either side of a block with the viewer are left out. */
  following: UserConnection;
  /** How many people this user follows. */
  followingCount: Scalars['Int']['output'];
  id: Scalars['ID']['output'];
  /** Whether the signed-in viewer follows this user (false without a viewer). */
  viewerIsFollowing: Scalars['Boolean']['output'];
};


export type UserFollowersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type UserFollowingArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** A page of users (Relay connection). */
export type UserConnection = {
  __typename?: 'UserConnection';
  /** The users of this page, in the list's order. */
  edges: Array<UserEdge>;
  /** Whether there is a next page, and its cursor. */
  pageInfo: PageInfo;
};

/** One user in a list, with its cursor. */
export type UserEdge = {
  __typename?: 'UserEdge';
  /** Opaque position of this user in the list; pass as `after` to continue after it. */
  cursor: Scalars['String']['output'];
  /** The user. */
  node: User;
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
  Comment: Comment;
  Post: Post;
  User: User;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  Comment:
    ( { __typename: 'Comment' }
    & GraphQLRecursivePick<FederationTypes['Comment'], {"id":true}> );
  Post:
    ( { __typename: 'Post' }
    & GraphQLRecursivePick<FederationTypes['Post'], {"id":true}> );
  User:
    ( { __typename: 'User' }
    & GraphQLRecursivePick<FederationTypes['User'], {"id":true}> );
}>;



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  Activity: ResolverTypeWrapper<ActivityParent>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  ActivityConnection: ResolverTypeWrapper<Omit<ActivityConnection, 'edges'> & { edges: Array<ResolversTypes['ActivityEdge']> }>;
  ActivityEdge: ResolverTypeWrapper<Omit<ActivityEdge, 'node'> & { node: ResolversTypes['Activity'] }>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  ActivityKind: ActivityKind;
  Comment: ResolverTypeWrapper<CommentParent>;
  CommentConnection: ResolverTypeWrapper<Omit<CommentConnection, 'edges'> & { edges: Array<ResolversTypes['CommentEdge']> }>;
  CommentEdge: ResolverTypeWrapper<Omit<CommentEdge, 'node'> & { node: ResolversTypes['Comment'] }>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Like: ResolverTypeWrapper<LikeParent>;
  LikeConnection: ResolverTypeWrapper<Omit<LikeConnection, 'edges'> & { edges: Array<ResolversTypes['LikeEdge']> }>;
  LikeEdge: ResolverTypeWrapper<Omit<LikeEdge, 'node'> & { node: ResolversTypes['Like'] }>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Post: ResolverTypeWrapper<PostParent>;
  PostConnection: ResolverTypeWrapper<Omit<PostConnection, 'edges'> & { edges: Array<ResolversTypes['PostEdge']> }>;
  PostEdge: ResolverTypeWrapper<Omit<PostEdge, 'node'> & { node?: Maybe<ResolversTypes['Post']> }>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Report: ResolverTypeWrapper<ReportParent>;
  ReportConnection: ResolverTypeWrapper<Omit<ReportConnection, 'edges'> & { edges: Array<ResolversTypes['ReportEdge']> }>;
  ReportEdge: ResolverTypeWrapper<Omit<ReportEdge, 'node'> & { node: ResolversTypes['Report'] }>;
  ReportInput: ReportInput;
  ReportReason: ReportReason;
  ReportStatus: ReportStatus;
  Subscription: ResolverTypeWrapper<Record<PropertyKey, never>>;
  User: ResolverTypeWrapper<UserParent>;
  UserConnection: ResolverTypeWrapper<Omit<UserConnection, 'edges'> & { edges: Array<ResolversTypes['UserEdge']> }>;
  UserEdge: ResolverTypeWrapper<Omit<UserEdge, 'node'> & { node: ResolversTypes['User'] }>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  Activity: ActivityParent;
  ID: Scalars['ID']['output'];
  Boolean: Scalars['Boolean']['output'];
  ActivityConnection: Omit<ActivityConnection, 'edges'> & { edges: Array<ResolversParentTypes['ActivityEdge']> };
  ActivityEdge: Omit<ActivityEdge, 'node'> & { node: ResolversParentTypes['Activity'] };
  String: Scalars['String']['output'];
  Comment: CommentParent;
  CommentConnection: Omit<CommentConnection, 'edges'> & { edges: Array<ResolversParentTypes['CommentEdge']> };
  CommentEdge: Omit<CommentEdge, 'node'> & { node: ResolversParentTypes['Comment'] };
  DateTime: Scalars['DateTime']['output'];
  Like: LikeParent;
  LikeConnection: Omit<LikeConnection, 'edges'> & { edges: Array<ResolversParentTypes['LikeEdge']> };
  LikeEdge: Omit<LikeEdge, 'node'> & { node: ResolversParentTypes['Like'] };
  Mutation: Record<PropertyKey, never>;
  Int: Scalars['Int']['output'];
  PageInfo: PageInfo;
  Post: PostParent;
  PostConnection: Omit<PostConnection, 'edges'> & { edges: Array<ResolversParentTypes['PostEdge']> };
  PostEdge: Omit<PostEdge, 'node'> & { node?: Maybe<ResolversParentTypes['Post']> };
  Query: Record<PropertyKey, never>;
  Report: ReportParent;
  ReportConnection: Omit<ReportConnection, 'edges'> & { edges: Array<ResolversParentTypes['ReportEdge']> };
  ReportEdge: Omit<ReportEdge, 'node'> & { node: ResolversParentTypes['Report'] };
  ReportInput: ReportInput;
  Subscription: Record<PropertyKey, never>;
  User: UserParent;
  UserConnection: Omit<UserConnection, 'edges'> & { edges: Array<ResolversParentTypes['UserEdge']> };
  UserEdge: Omit<UserEdge, 'node'> & { node: ResolversParentTypes['User'] };
}>;

export type PerViewerDirectiveArgs = { };

export type PerViewerDirectiveResolver<Result, Parent, ContextType = Context, Args = PerViewerDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type PublicStreamDirectiveArgs = { };

export type PublicStreamDirectiveResolver<Result, Parent, ContextType = Context, Args = PublicStreamDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type ActivityResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Activity'] = ResolversParentTypes['Activity']> = ResolversObject<{
  actor?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
  comment?: Resolver<Maybe<ResolversTypes['Comment']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['ActivityKind'], ParentType, ContextType>;
  post?: Resolver<Maybe<ResolversTypes['Post']>, ParentType, ContextType>;
  unread?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type ActivityConnectionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['ActivityConnection'] = ResolversParentTypes['ActivityConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['ActivityEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type ActivityEdgeResolvers<ContextType = Context, ParentType extends ResolversParentTypes['ActivityEdge'] = ResolversParentTypes['ActivityEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Activity'], ParentType, ContextType>;
}>;

export type CommentResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Comment'] = ResolversParentTypes['Comment'], FederationReferenceType extends FederationReferenceTypes['Comment'] = FederationReferenceTypes['Comment']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Comment']> | FederationReferenceType, FederationReferenceType, ContextType>;
  author?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  post?: Resolver<ResolversTypes['Post'], ParentType, ContextType>;
  text?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type CommentConnectionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['CommentConnection'] = ResolversParentTypes['CommentConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['CommentEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type CommentEdgeResolvers<ContextType = Context, ParentType extends ResolversParentTypes['CommentEdge'] = ResolversParentTypes['CommentEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Comment'], ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type LikeResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Like'] = ResolversParentTypes['Like']> = ResolversObject<{
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  post?: Resolver<ResolversTypes['Post'], ParentType, ContextType>;
  user?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
}>;

export type LikeConnectionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['LikeConnection'] = ResolversParentTypes['LikeConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['LikeEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type LikeEdgeResolvers<ContextType = Context, ParentType extends ResolversParentTypes['LikeEdge'] = ResolversParentTypes['LikeEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Like'], ParentType, ContextType>;
}>;

export type MutationResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  addComment?: Resolver<ResolversTypes['Comment'], ParentType, ContextType, RequireFields<MutationAddCommentArgs, 'postId' | 'text'>>;
  blockUser?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationBlockUserArgs, 'userId'>>;
  deleteComment?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationDeleteCommentArgs, 'id'>>;
  follow?: Resolver<ResolversTypes['User'], ParentType, ContextType, RequireFields<MutationFollowArgs, 'userId'>>;
  likePost?: Resolver<ResolversTypes['Post'], ParentType, ContextType, RequireFields<MutationLikePostArgs, 'postId'>>;
  markActivityRead?: Resolver<ResolversTypes['Int'], ParentType, ContextType, Partial<MutationMarkActivityReadArgs>>;
  report?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationReportArgs, 'input'>>;
  unblockUser?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationUnblockUserArgs, 'userId'>>;
  unfollow?: Resolver<ResolversTypes['User'], ParentType, ContextType, RequireFields<MutationUnfollowArgs, 'userId'>>;
  unlikePost?: Resolver<ResolversTypes['Post'], ParentType, ContextType, RequireFields<MutationUnlikePostArgs, 'postId'>>;
}>;

export type PageInfoResolvers<ContextType = Context, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type PostResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Post'] = ResolversParentTypes['Post'], FederationReferenceType extends FederationReferenceTypes['Post'] = FederationReferenceTypes['Post']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Post']> | FederationReferenceType, FederationReferenceType, ContextType>;
  commentCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  comments?: Resolver<ResolversTypes['CommentConnection'], ParentType, ContextType, Partial<PostCommentsArgs>>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  likeCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  likes?: Resolver<ResolversTypes['LikeConnection'], ParentType, ContextType, Partial<PostLikesArgs>>;
  viewerHasLiked?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
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
  activity?: Resolver<ResolversTypes['ActivityConnection'], ParentType, ContextType, Partial<QueryActivityArgs>>;
  feed?: Resolver<ResolversTypes['PostConnection'], ParentType, ContextType, Partial<QueryFeedArgs>>;
  reports?: Resolver<ResolversTypes['ReportConnection'], ParentType, ContextType, Partial<QueryReportsArgs>>;
  trendingPosts?: Resolver<Array<ResolversTypes['Post']>, ParentType, ContextType, Partial<QueryTrendingPostsArgs>>;
  unreadActivityCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
}>;

export type ReportResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Report'] = ResolversParentTypes['Report']> = ResolversObject<{
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  note?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  reason?: Resolver<ResolversTypes['ReportReason'], ParentType, ContextType>;
  reporter?: Resolver<Maybe<ResolversTypes['User']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['ReportStatus'], ParentType, ContextType>;
  subject?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type ReportConnectionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['ReportConnection'] = ResolversParentTypes['ReportConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['ReportEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type ReportEdgeResolvers<ContextType = Context, ParentType extends ResolversParentTypes['ReportEdge'] = ResolversParentTypes['ReportEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Report'], ParentType, ContextType>;
}>;

export type SubscriptionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription']> = ResolversObject<{
  activityAdded?: SubscriptionResolver<ResolversTypes['Activity'], "activityAdded", ParentType, ContextType>;
  commentAdded?: SubscriptionResolver<ResolversTypes['Comment'], "commentAdded", ParentType, ContextType, RequireFields<SubscriptionCommentAddedArgs, 'postId'>>;
  likeAdded?: SubscriptionResolver<ResolversTypes['Like'], "likeAdded", ParentType, ContextType, RequireFields<SubscriptionLikeAddedArgs, 'postId'>>;
}>;

export type UserResolvers<ContextType = Context, ParentType extends ResolversParentTypes['User'] = ResolversParentTypes['User'], FederationReferenceType extends FederationReferenceTypes['User'] = FederationReferenceTypes['User']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['User']> | FederationReferenceType, FederationReferenceType, ContextType>;
  followerCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  followers?: Resolver<ResolversTypes['UserConnection'], ParentType, ContextType, Partial<UserFollowersArgs>>;
  following?: Resolver<ResolversTypes['UserConnection'], ParentType, ContextType, Partial<UserFollowingArgs>>;
  followingCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  viewerIsFollowing?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type UserConnectionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['UserConnection'] = ResolversParentTypes['UserConnection']> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['UserEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type UserEdgeResolvers<ContextType = Context, ParentType extends ResolversParentTypes['UserEdge'] = ResolversParentTypes['UserEdge']> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
}>;

export type Resolvers<ContextType = Context> = ResolversObject<{
  Activity?: ActivityResolvers<ContextType>;
  ActivityConnection?: ActivityConnectionResolvers<ContextType>;
  ActivityEdge?: ActivityEdgeResolvers<ContextType>;
  Comment?: CommentResolvers<ContextType>;
  CommentConnection?: CommentConnectionResolvers<ContextType>;
  CommentEdge?: CommentEdgeResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  Like?: LikeResolvers<ContextType>;
  LikeConnection?: LikeConnectionResolvers<ContextType>;
  LikeEdge?: LikeEdgeResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Post?: PostResolvers<ContextType>;
  PostConnection?: PostConnectionResolvers<ContextType>;
  PostEdge?: PostEdgeResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Report?: ReportResolvers<ContextType>;
  ReportConnection?: ReportConnectionResolvers<ContextType>;
  ReportEdge?: ReportEdgeResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
  User?: UserResolvers<ContextType>;
  UserConnection?: UserConnectionResolvers<ContextType>;
  UserEdge?: UserEdgeResolvers<ContextType>;
}>;

export type DirectiveResolvers<ContextType = Context> = ResolversObject<{
  perViewer?: PerViewerDirectiveResolver<any, any, ContextType>;
  publicStream?: PublicStreamDirectiveResolver<any, any, ContextType>;
}>;
