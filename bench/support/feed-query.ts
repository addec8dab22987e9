// The home-feed query a client's first screen sends (bench/feed's, word for word): bench/gateway's
// feed section asks it too. bench/feed/run.ts keeps its own copy for now; they must stay equal.
export const FEED_QUERY = `query HomeFeed { feed(first: 20) { edges { cursor node {
  id caption createdAt
  author { handle displayName }
  loop { mp4Url webpUrl posterUrl }
  tags { name }
  likeCount viewerHasLiked commentCount
  comments(first: 3) { edges { node { text author { handle } } } }
} } pageInfo { hasNextPage endCursor } } }`;
