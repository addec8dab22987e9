// Row shapes read with raw SQL (snake_case columns mapped in the SELECT lists).
export interface CommentRow {
  id: string;
  postId: string;
  authorId: string;
  text: string;
  createdAt: Date;
}

export interface LikeRow {
  id: string;
  postId: string;
  userId: string;
  createdAt: Date;
}

export interface ActivityRow {
  id: string;
  recipientId: string;
  actorId: string;
  kind: 'LIKE' | 'COMMENT' | 'FOLLOW' | 'MENTION';
  postId: string | null;
  commentId: string | null;
  createdAt: Date;
  /** Newer than the recipient's read_before (set by the activity list query). */
  unread?: boolean;
}

export interface ReportRow {
  id: string;
  reporterId: string;
  subject: string;
  reason: 'SPAM' | 'ABUSE' | 'NUDITY' | 'VIOLENCE' | 'OTHER';
  note: string | null;
  status: 'OPEN' | 'RESOLVED';
  createdAt: Date;
}

export interface PostRef {
  postId: string;
  authorId: string;
  createdAt: Date;
}

/** A follow edge seen from one user: the other user and when the follow was made. */
export interface FollowRow {
  ownerId: string;
  userId: string;
  createdAt: Date;
}
