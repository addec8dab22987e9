// The posts subgraph's calls to other subgraphs (allowed edges, README "Architecture"):
// posts → media (is the loop there, READY, the caller's?) and posts → users (@handles → ids).
// Both go out with the caller's own token, so the callee authorises the real user.
import type { SubgraphClient } from '@fffoto/shared/subgraph-client';

export interface LoopInfo {
  id: string;
  status: 'PENDING' | 'PROCESSING' | 'READY' | 'FAILED';
  owner: { id: string };
}

export interface Upstream {
  loop(id: string, token: string | undefined): Promise<LoopInfo | null>;
  /** Ids of the handles that name live accounts; unknown handles are left out. */
  userIds(handles: string[], token: string | undefined): Promise<string[]>;
}

const bearer = (token: string | undefined) => (token ? `Bearer ${token}` : undefined);

export function createUpstream(media: SubgraphClient, users: SubgraphClient): Upstream {
  return {
    async loop(id, token) {
      const data = await media.request<{ loop: LoopInfo | null }>(
        'query PostsLoopCheck($id: ID!) { loop(id: $id) { id status owner { id } } }',
        { id },
        bearer(token),
      );
      return data.loop;
    },
    async userIds(handles, token) {
      if (!handles.length) return [];
      // One request for all of them: aliases u0…u9.
      const vars = handles.map((_, i) => `$h${i}: String!`).join(', ');
      const fields = handles.map((_, i) => `u${i}: user(handle: $h${i}) { id }`).join(' ');
      const data = await users.request<Record<string, { id: string } | null>>(
        `query PostsMentions(${vars}) { ${fields} }`,
        Object.fromEntries(handles.map((h, i) => [`h${i}`, h])),
        bearer(token),
      );
      return handles.map((_, i) => data[`u${i}`]?.id).filter((id): id is string => typeof id === 'string');
    },
  };
}
