// Starts GraphiQL on the IDE page (gateway/src/ide/ide.ts). A file rather than an inline script,
// so the page's Content-Security-Policy can allow scripts from this origin only. Runs in the
// browser after React 18, ReactDOM and GraphiQL 3 (UMD builds, served from node_modules).
/* global document, location, React, ReactDOM, GraphiQL */
const root = document.getElementById('graphiql');
const endpoint = new URL(root.dataset.endpoint, location.href);
// Subscriptions use graphql-ws on the same path (GraphiQL's bundle includes the client); the
// Headers tab's values travel as its connection_init payload, so `Authorization` works there too.
const subscriptions = new URL(endpoint);
subscriptions.protocol = endpoint.protocol === 'https:' ? 'wss:' : 'ws:';

const defaultQuery = `# FFFoto's GraphQL API: the Docs button (top left)
# shows every type and field.
#
# To act as a user, log in:
#   mutation {
#     logIn(input: { login: "ada", password: "…" }) {
#       accessToken
#     }
#   }
# then put the token in the Headers tab below:
#   { "Authorization": "Bearer <accessToken>" }
# Subscriptions (e.g. activityAdded) run over a
# WebSocket that carries the same headers.

{
  searchUsers(query: "a", first: 5) {
    handle
    displayName
  }
}
`;

ReactDOM.createRoot(root).render(
  React.createElement(GraphiQL, {
    fetcher: GraphiQL.createFetcher({ url: endpoint.href, subscriptionUrl: subscriptions.href }),
    defaultQuery,
    defaultEditorToolsVisibility: 'headers',
    // Tokens stay out of localStorage unless the user opts in (GraphiQL's settings).
    shouldPersistHeaders: false,
  }),
);
