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

/** How to turn an upload into a loop (createLoop) or a preview (previewLoop). */
export type CreateLoopInput = {
  /** The filter to apply. */
  effect?: InputMaybe<Effect>;
  /** Frames per second, 2–30. */
  fps?: InputMaybe<Scalars['Int']['input']>;
  /** How the frames play. */
  mode?: InputMaybe<LoopMode>;
  /** An upload of the caller's from requestUpload, with every part sent, for a limited time after it was requested (a day by default). */
  uploadId: Scalars['ID']['input'];
};

/** DAZE lightens, SOLO is black and white, DAILY is today's rotating filter. */
export type Effect =
  /** The daily filter: the theme of the UTC day the loop was created (see Query.effects). */
  | 'DAILY'
  /** Lightens and auto-corrects, a little warm. */
  | 'DAZE'
  /** The burst as shot. */
  | 'NONE'
  /** Black and white, contrasty and grainy. */
  | 'SOLO';

/** Today's DAILY filter and the others, so clients can label the choices. */
export type EffectInfo = {
  __typename?: 'EffectInfo';
  /** One sentence on what the filter does. */
  description: Scalars['String']['output'];
  /** The value to pass as CreateLoopInput.effect. */
  effect: Effect;
  /** A short label, e.g. Daze; for DAILY, today's theme. */
  name: Scalars['String']['output'];
};

/** One HTTP header to send with a presigned request. */
export type HttpHeader = {
  __typename?: 'HttpHeader';
  /** Header name, e.g. Content-Type. */
  name: Scalars['String']['output'];
  /** Header value, sent exactly as given. */
  value: Scalars['String']['output'];
};

/**
 * A burst (or clip) encoded into a loop, owned by the person who uploaded it. Anyone may read it
 * by id; the rendition URLs are null until it is READY.
 */
export type Loop = {
  __typename?: 'Loop';
  /** When createLoop recorded it. */
  createdAt: Scalars['DateTime']['output'];
  /** One pass of the loop, in milliseconds (frameCount × 1000 / fps); null until READY. */
  durationMs?: Maybe<Scalars['Int']['output']>;
  /** The filter applied. */
  effect: Effect;
  /** Why the loop FAILED, in words a person can read. */
  error?: Maybe<Scalars['String']['output']>;
  /** Playback speed, in frames per second (2–30). */
  fps: Scalars['Int']['output'];
  /** Frames in one pass of the loop as played (BOUNCE: 2n−2 for n frames); null until READY. */
  frameCount?: Maybe<Scalars['Int']['output']>;
  /** Palette-optimised GIF (at most 480 px): for the camera roll. */
  gifUrl?: Maybe<Scalars['String']['output']>;
  /** Height of the playback renditions (MP4, WebP), in pixels; null until READY. */
  height?: Maybe<Scalars['Int']['output']>;
  /** The loop's id (a UUID). */
  id: Scalars['ID']['output'];
  /** How the frames play. */
  mode: LoopMode;
  /** H.264 MP4 (720 px, faststart): for sharing as video. */
  mp4Url?: Maybe<Scalars['String']['output']>;
  /** Who uploaded it. */
  owner: User;
  /** JPEG of the first frame. */
  posterUrl?: Maybe<Scalars['String']['output']>;
  /** Where it is in its encode. */
  status: LoopStatus;
  /** Animated WebP that loops forever: the app's playback format. */
  webpUrl?: Maybe<Scalars['String']['output']>;
  /** Width of the playback renditions (MP4, WebP), in pixels; null until READY. Loops are square. */
  width?: Maybe<Scalars['Int']['output']>;
};

/** How the burst plays: BOUNCE = forward then back (PHHHOTO's loop). */
export type LoopMode =
  /** Forward then back without repeating the end frames: n frames play as 2n−2. */
  | 'BOUNCE'
  /** First frame to last, then again. */
  | 'FORWARD'
  /** Last frame to first, then again. */
  | 'REVERSE';

/** Where a loop is in its encode. */
export type LoopStatus =
  /** The encode gave up; `error` says why. */
  | 'FAILED'
  /** Recorded and queued for the encoder. */
  | 'PENDING'
  /** Being encoded now. */
  | 'PROCESSING'
  /** Encoded: the renditions (mp4Url, webpUrl, gifUrl, posterUrl) can be fetched. */
  | 'READY';

/** Writes. All but signUp, logIn, refreshSession and logOut need a signed-in user (`Authorization: Bearer <accessToken>`). */
export type Mutation = {
  __typename?: 'Mutation';
  /** Queues the encode. Calling it again with the same upload returns the same loop. */
  createLoop: Loop;
  /** A small animated WebP (data: URL, ≤ 8 frames at 240 px) rendered in the request, to preview effects. */
  previewLoop: Scalars['String']['output'];
  /** Presigned PUT URLs for a new upload, for the signed-in user; rate-limited per user (RATE_LIMITED). */
  requestUpload: Upload;
};


/** Writes. All but signUp, logIn, refreshSession and logOut need a signed-in user (`Authorization: Bearer <accessToken>`). */
export type MutationCreateLoopArgs = {
  input: CreateLoopInput;
};


/** Writes. All but signUp, logIn, refreshSession and logOut need a signed-in user (`Authorization: Bearer <accessToken>`). */
export type MutationPreviewLoopArgs = {
  input: CreateLoopInput;
};


/** Writes. All but signUp, logIn, refreshSession and logOut need a signed-in user (`Authorization: Bearer <accessToken>`). */
export type MutationRequestUploadArgs = {
  input: RequestUploadInput;
};

/** Reads. Where a field needs a signed-in user (`Authorization: Bearer <accessToken>`) it says so; elsewhere a token only shapes the answer (blocks, viewer flags). */
export type Query = {
  __typename?: 'Query';
  /** The effects catalogue; DAILY's name is today's theme. */
  effects: Array<EffectInfo>;
  /** The loop with that id, for anyone; null when there is none. */
  loop?: Maybe<Loop>;
};


/** Reads. Where a field needs a signed-in user (`Authorization: Bearer <accessToken>`) it says so; elsewhere a token only shapes the answer (blocks, viewer flags). */
export type QueryLoopArgs = {
  id: Scalars['ID']['input'];
};

/** What requestUpload should make slots for. */
export type RequestUploadInput = {
  /** FRAMES: image/jpeg, image/png or image/webp; VIDEO: video/mp4, video/webm or video/quicktime. */
  contentType: Scalars['String']['input'];
  /** FRAMES: 3–20; VIDEO: 1. */
  count: Scalars['Int']['input'];
  /** FRAMES for a burst of stills, VIDEO for one clip. */
  kind: UploadKind;
  /**
   * The exact size in bytes of each part, in order (count of them, each at most maxBytesPerPart).
   * Each part's URL is then signed for that Content-Length, so S3 itself refuses any other size.
   * Required, unless the server runs with UPLOAD_REQUIRE_PART_SIZES=false.
   */
  partSizes?: InputMaybe<Array<Scalars['Int']['input']>>;
};

/** Live updates, over graphql-ws on /graphql; connection_init may carry `{ "authorization": "Bearer <accessToken>" }`. */
export type Subscription = {
  __typename?: 'Subscription';
  /** The loop's status as it changes, for its owner: its current state first, then every change (PENDING → PROCESSING → READY or FAILED). */
  loopUpdated: Loop;
};


/** Live updates, over graphql-ws on /graphql; connection_init may carry `{ "authorization": "Bearer <accessToken>" }`. */
export type SubscriptionLoopUpdatedArgs = {
  id: Scalars['ID']['input'];
};

/** Presigned slots for the parts of one upload, for the caller only; pass `id` to createLoop once every part is sent. */
export type Upload = {
  __typename?: 'Upload';
  /** When the part URLs stop working. */
  expiresAt: Scalars['DateTime']['output'];
  /** The upload's id: CreateLoopInput.uploadId. */
  id: Scalars['ID']['output'];
  /** FRAMES or VIDEO, as requested. */
  kind: UploadKind;
  /** Largest object accepted per part, in bytes. */
  maxBytesPerPart: Scalars['Int']['output'];
  /** One slot per part, in order. */
  parts: Array<UploadPart>;
};

/** What an upload holds. */
export type UploadKind =
  /** A burst of still images (JPEG, PNG or WebP), one part per frame. */
  | 'FRAMES'
  /** One short clip (MP4, WebM or QuickTime) in a single part; frames are taken from it. */
  | 'VIDEO';

/** A presigned PUT: send exactly these headers (Content-Length, when given, is the one size the URL takes); the URL expires at Upload.expiresAt. */
export type UploadPart = {
  __typename?: 'UploadPart';
  /** The headers the URL was signed with; send all of them. */
  headers: Array<HttpHeader>;
  /** Position of the part, from 0: for FRAMES, the frame's place in the burst. */
  index: Scalars['Int']['output'];
  /** The HTTP method to use (PUT). */
  method: Scalars['String']['output'];
  /** The presigned URL to send the part's bytes to. */
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

