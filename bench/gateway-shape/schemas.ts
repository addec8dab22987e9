// The four subgraphs of The Guild's federation gateway benchmark (graphql-hive
// "graphql-gateways-benchmark": accounts, inventory, products, reviews), written as Federation 2
// schemas with fixed data. Same types, fields, keys and directives, same data shape: 6 users,
// 9 products, 11 reviews (4 of product 1, 4 of product 2, 1 of 3, 2 of 4); every review's author
// is user 1 (provided with its username), every user's reviews are the first two reviews. Review
// bodies are filler text of about the original lengths (response size matters to a gateway).
import type { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type DocumentNode } from 'graphql';

/** What buildSubgraphSchema takes per subgraph: type definitions and their resolvers. */
type GraphQLSchemaModule = Exclude<Extract<Parameters<typeof buildSubgraphSchema>[0], unknown[]>[number], DocumentNode>;

export const SUBGRAPH_NAMES = ['accounts', 'inventory', 'products', 'reviews'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

const FED2 = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external", "@requires", "@provides", "@shareable"])';

interface User { id: string; name: string; username: string; birthday: number }
interface Product { upc: string; name: string; price: number; weight: number }
interface Review { id: string; body: string; productUpc: string }

const users: User[] = [
  ['Uri Goldshtein', 'urigo'], ['Dotan Simha', 'dotansimha'], ['Kamil Kisiela', 'kamilkisiela'],
  ['Arda Tanrikulu', 'ardatan'], ['Gil Gardosh', 'gilgardosh'], ['Laurin Quast', 'laurin'],
].map(([name, username], i) => ({ id: String(i + 1), name: name!, username: username!, birthday: 1234567890 }));

const products: Product[] = ([
  ['Table', 899, 100], ['Couch', 1299, 1000], ['Glass', 15, 20], ['Chair', 499, 100], ['TV', 1299, 1000],
  ['Lamp', 6999, 300], ['Grill', 3999, 2000], ['Fridge', 100000, 6000], ['Sofa', 9999, 800],
] as const).map(([name, price, weight], i) => ({ upc: String(i + 1), name, price, weight }));

const inStock = new Set(['1', '5', '6', '7', '9']);

/** `length` characters of filler words, the same every run. */
function filler(length: number, seed: number): string {
  const words = ['lorem', 'ipsum', 'dolor', 'sit', 'amet', 'sed', 'quia', 'enim', 'minima', 'veniam', 'quis', 'nostrum', 'tempor', 'labore', 'magna'];
  let text = '';
  for (let i = seed; text.length < length; i += 7) text += `${text ? ' ' : ''}${words[i % words.length]}`;
  return `${text.slice(0, length - 1)}.`;
}
const reviews: Review[] = ([
  [445, '1'], [290, '1'], [270, '1'], [140, '1'], [445, '2'], [290, '2'], [270, '2'], [140, '2'], [140, '3'], [140, '4'], [1130, '4'],
] as const).map(([length, productUpc], i) => ({ id: String(i + 1), body: filler(length, i), productUpc }));

const byId = <T extends { id: string }>(list: T[], id: unknown) => list.find((x) => x.id === id) ?? null;

export const subgraphModules: Record<SubgraphName, GraphQLSchemaModule> = {
  accounts: {
    typeDefs: parse(`${FED2}
      type Query { me: User  user(id: ID!): User  users: [User] }
      type User @key(fields: "id") { id: ID!  name: String  username: String @shareable  birthday: Int }`),
    resolvers: {
      Query: { me: () => users[0], user: (_: unknown, { id }: { id: string }) => byId(users, id), users: () => users },
      User: { __resolveReference: (ref: { id: string }) => byId(users, ref.id) },
    },
  },
  inventory: {
    typeDefs: parse(`${FED2}
      type Product @key(fields: "upc") {
        upc: String!
        weight: Int @external
        price: Int @external
        inStock: Boolean
        shippingEstimate: Int @requires(fields: "price weight")
      }`),
    resolvers: {
      Product: {
        __resolveReference: (ref: { upc: string; price?: number | null; weight?: number | null }) => ({ ...ref, inStock: inStock.has(ref.upc) }),
        // Free above 1000, else half the weight (whole units); unknown without a price.
        shippingEstimate: (p: { price?: number | null; weight?: number | null }) =>
          p.price == null ? null : p.price > 1000 ? 0 : p.weight == null ? null : Math.trunc(p.weight / 2),
      },
    },
  },
  products: {
    typeDefs: parse(`${FED2}
      type Query { topProducts(first: Int = 5): [Product] }
      type Product @key(fields: "upc") { upc: String!  name: String  price: Int  weight: Int }`),
    resolvers: {
      Query: { topProducts: (_: unknown, { first }: { first: number }) => products.slice(0, first) },
      Product: { __resolveReference: (ref: { upc: string }) => products.find((p) => p.upc === ref.upc) ?? null },
    },
  },
  reviews: {
    typeDefs: parse(`${FED2}
      type Review @key(fields: "id") { id: ID!  body: String  product: Product  author: User @provides(fields: "username") }
      type User @key(fields: "id") { id: ID!  username: String @external  reviews: [Review] }
      type Product @key(fields: "upc") { upc: String!  reviews: [Review] }`),
    resolvers: {
      Review: {
        __resolveReference: (ref: { id: string }) => byId(reviews, ref.id),
        product: (r: Review) => ({ upc: r.productUpc }),
        author: () => ({ id: users[0]!.id, username: users[0]!.username }),
      },
      User: { __resolveReference: (ref: { id: string }) => ({ id: ref.id }), reviews: () => reviews.slice(0, 2) },
      Product: { __resolveReference: (ref: { upc: string }) => ({ upc: ref.upc }), reviews: (p: { upc: string }) => reviews.filter((r) => r.productUpc === p.upc) },
    },
  },
};

/** The benchmark's query (its k6 scenario's TestQuery), unchanged in shape. */
export const TEST_QUERY = `fragment User on User {
  id
  username
  name
}

fragment Review on Review {
  id
  body
}

fragment Product on Product {
  inStock
  name
  price
  shippingEstimate
  upc
  weight
}

query TestQuery {
  users {
    ...User
    reviews {
      ...Review
      product {
        ...Product
        reviews {
          ...Review
          author {
            ...User
            reviews {
              ...Review
              product {
                ...Product
              }
            }
          }
        }
      }
    }
  }
  topProducts {
    ...Product
    reviews {
      ...Review
      author {
        ...User
        reviews {
          ...Review
          product {
            ...Product
          }
        }
      }
    }
  }
}
`;
