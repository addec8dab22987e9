import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { LoopParent, Context } from '../context.ts';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
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

export type CreateLoopInput = {
  effect?: InputMaybe<Effect>;
  /** Frames per second, 2–30. */
  fps?: InputMaybe<Scalars['Int']['input']>;
  mode?: InputMaybe<LoopMode>;
  uploadId: Scalars['ID']['input'];
};

/** DAZE lightens, SOLO is black and white, DAILY is today's rotating filter. */
export type Effect =
  | 'DAILY'
  | 'DAZE'
  | 'NONE'
  | 'SOLO';

/** Today's DAILY filter and the others, so clients can label the choices. */
export type EffectInfo = {
  __typename?: 'EffectInfo';
  description: Scalars['String']['output'];
  effect: Effect;
  name: Scalars['String']['output'];
};

export type HttpHeader = {
  __typename?: 'HttpHeader';
  name: Scalars['String']['output'];
  value: Scalars['String']['output'];
};

export type Loop = {
  __typename?: 'Loop';
  createdAt: Scalars['DateTime']['output'];
  durationMs?: Maybe<Scalars['Int']['output']>;
  effect: Effect;
  /** Why the loop FAILED, in words a person can read. */
  error?: Maybe<Scalars['String']['output']>;
  fps: Scalars['Int']['output'];
  frameCount?: Maybe<Scalars['Int']['output']>;
  /** Palette-optimised GIF (at most 480 px): for the camera roll. */
  gifUrl?: Maybe<Scalars['String']['output']>;
  height?: Maybe<Scalars['Int']['output']>;
  id: Scalars['ID']['output'];
  mode: LoopMode;
  /** H.264 MP4 (720 px, faststart): for sharing as video. */
  mp4Url?: Maybe<Scalars['String']['output']>;
  owner: User;
  /** JPEG of the first frame. */
  posterUrl?: Maybe<Scalars['String']['output']>;
  status: LoopStatus;
  /** Animated WebP that loops forever: the app's playback format. */
  webpUrl?: Maybe<Scalars['String']['output']>;
  width?: Maybe<Scalars['Int']['output']>;
};

/** How the burst plays: BOUNCE = forward then back (PHHHOTO's loop). */
export type LoopMode =
  | 'BOUNCE'
  | 'FORWARD'
  | 'REVERSE';

export type LoopStatus =
  | 'FAILED'
  | 'PENDING'
  | 'PROCESSING'
  | 'READY';

export type Mutation = {
  __typename?: 'Mutation';
  /** Queues the encode. Calling it again with the same upload returns the same loop. */
  createLoop: Loop;
  /** A small animated WebP (data: URL, ≤ 8 frames at 240 px) rendered in the request, to preview effects. */
  previewLoop: Scalars['String']['output'];
  requestUpload: Upload;
};


export type MutationCreateLoopArgs = {
  input: CreateLoopInput;
};


export type MutationPreviewLoopArgs = {
  input: CreateLoopInput;
};


export type MutationRequestUploadArgs = {
  input: RequestUploadInput;
};

export type Query = {
  __typename?: 'Query';
  /** The effects catalogue; DAILY's name is today's theme. */
  effects: Array<EffectInfo>;
  loop?: Maybe<Loop>;
};


export type QueryLoopArgs = {
  id: Scalars['ID']['input'];
};

export type RequestUploadInput = {
  /** FRAMES: image/jpeg, image/png or image/webp; VIDEO: video/mp4, video/webm or video/quicktime. */
  contentType: Scalars['String']['input'];
  /** FRAMES: 3–20; VIDEO: 1. */
  count: Scalars['Int']['input'];
  kind: UploadKind;
  /**
   * The exact size in bytes of each part, in order (count of them, each at most maxBytesPerPart).
   * Each part's URL is then signed for that Content-Length, so S3 itself refuses any other size.
   * Required, unless the server runs with UPLOAD_REQUIRE_PART_SIZES=false.
   */
  partSizes?: InputMaybe<Array<Scalars['Int']['input']>>;
};

export type Subscription = {
  __typename?: 'Subscription';
  /** The loop's status as it changes, for its owner: its current state first, then every change (PENDING → PROCESSING → READY or FAILED). */
  loopUpdated: Loop;
};


export type SubscriptionLoopUpdatedArgs = {
  id: Scalars['ID']['input'];
};

export type Upload = {
  __typename?: 'Upload';
  expiresAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  kind: UploadKind;
  /** Largest object accepted per part, in bytes. */
  maxBytesPerPart: Scalars['Int']['output'];
  parts: Array<UploadPart>;
};

export type UploadKind =
  | 'FRAMES'
  | 'VIDEO';

/** A presigned PUT: send exactly these headers (Content-Length, when given, is the one size the URL takes); the URL expires at Upload.expiresAt. */
export type UploadPart = {
  __typename?: 'UploadPart';
  headers: Array<HttpHeader>;
  index: Scalars['Int']['output'];
  method: Scalars['String']['output'];
  url: Scalars['String']['output'];
};

export type User = {
  __typename?: 'User';
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
  Loop: Loop;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  Loop:
    ( { __typename: 'Loop' }
    & GraphQLRecursivePick<FederationTypes['Loop'], {"id":true}> );
}>;



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  CreateLoopInput: CreateLoopInput;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Effect: Effect;
  EffectInfo: ResolverTypeWrapper<EffectInfo>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  HttpHeader: ResolverTypeWrapper<HttpHeader>;
  Loop: ResolverTypeWrapper<LoopParent>;
  LoopMode: LoopMode;
  LoopStatus: LoopStatus;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  RequestUploadInput: RequestUploadInput;
  Subscription: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Upload: ResolverTypeWrapper<Upload>;
  UploadKind: UploadKind;
  UploadPart: ResolverTypeWrapper<UploadPart>;
  User: ResolverTypeWrapper<User>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  CreateLoopInput: CreateLoopInput;
  Int: Scalars['Int']['output'];
  ID: Scalars['ID']['output'];
  DateTime: Scalars['DateTime']['output'];
  EffectInfo: EffectInfo;
  String: Scalars['String']['output'];
  HttpHeader: HttpHeader;
  Loop: LoopParent;
  Mutation: Record<PropertyKey, never>;
  Query: Record<PropertyKey, never>;
  RequestUploadInput: RequestUploadInput;
  Subscription: Record<PropertyKey, never>;
  Upload: Upload;
  UploadPart: UploadPart;
  User: User;
  Boolean: Scalars['Boolean']['output'];
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type EffectInfoResolvers<ContextType = Context, ParentType extends ResolversParentTypes['EffectInfo'] = ResolversParentTypes['EffectInfo']> = ResolversObject<{
  description?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  effect?: Resolver<ResolversTypes['Effect'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type HttpHeaderResolvers<ContextType = Context, ParentType extends ResolversParentTypes['HttpHeader'] = ResolversParentTypes['HttpHeader']> = ResolversObject<{
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  value?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type LoopResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Loop'] = ResolversParentTypes['Loop'], FederationReferenceType extends FederationReferenceTypes['Loop'] = FederationReferenceTypes['Loop']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Loop']> | FederationReferenceType, FederationReferenceType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  durationMs?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  effect?: Resolver<ResolversTypes['Effect'], ParentType, ContextType>;
  error?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  fps?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  frameCount?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  gifUrl?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  height?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  mode?: Resolver<ResolversTypes['LoopMode'], ParentType, ContextType>;
  mp4Url?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  owner?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
  posterUrl?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['LoopStatus'], ParentType, ContextType>;
  webpUrl?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  width?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
}>;

export type MutationResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  createLoop?: Resolver<ResolversTypes['Loop'], ParentType, ContextType, RequireFields<MutationCreateLoopArgs, 'input'>>;
  previewLoop?: Resolver<ResolversTypes['String'], ParentType, ContextType, RequireFields<MutationPreviewLoopArgs, 'input'>>;
  requestUpload?: Resolver<ResolversTypes['Upload'], ParentType, ContextType, RequireFields<MutationRequestUploadArgs, 'input'>>;
}>;

export type QueryResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  effects?: Resolver<Array<ResolversTypes['EffectInfo']>, ParentType, ContextType>;
  loop?: Resolver<Maybe<ResolversTypes['Loop']>, ParentType, ContextType, RequireFields<QueryLoopArgs, 'id'>>;
}>;

export type SubscriptionResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription']> = ResolversObject<{
  loopUpdated?: SubscriptionResolver<ResolversTypes['Loop'], "loopUpdated", ParentType, ContextType, RequireFields<SubscriptionLoopUpdatedArgs, 'id'>>;
}>;

export type UploadResolvers<ContextType = Context, ParentType extends ResolversParentTypes['Upload'] = ResolversParentTypes['Upload']> = ResolversObject<{
  expiresAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['UploadKind'], ParentType, ContextType>;
  maxBytesPerPart?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  parts?: Resolver<Array<ResolversTypes['UploadPart']>, ParentType, ContextType>;
}>;

export type UploadPartResolvers<ContextType = Context, ParentType extends ResolversParentTypes['UploadPart'] = ResolversParentTypes['UploadPart']> = ResolversObject<{
  headers?: Resolver<Array<ResolversTypes['HttpHeader']>, ParentType, ContextType>;
  index?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  method?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  url?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type UserResolvers<ContextType = Context, ParentType extends ResolversParentTypes['User'] = ResolversParentTypes['User']> = ResolversObject<{
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type Resolvers<ContextType = Context> = ResolversObject<{
  DateTime?: GraphQLScalarType;
  EffectInfo?: EffectInfoResolvers<ContextType>;
  HttpHeader?: HttpHeaderResolvers<ContextType>;
  Loop?: LoopResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
  Upload?: UploadResolvers<ContextType>;
  UploadPart?: UploadPartResolvers<ContextType>;
  User?: UserResolvers<ContextType>;
}>;

