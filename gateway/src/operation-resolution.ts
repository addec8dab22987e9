// Which operation of the document to run is the client's choice, so a wrong choice is the
// client's mistake: an operationName the document does not have, or none for a document with
// several operations → 400 OPERATION_RESOLUTION_FAILURE, as the subgraphs (Apollo Server with a
// schema) answer. In gateway mode Apollo Server leaves this to @apollo/gateway, whose
// INVALID_GRAPHQL error was answered with HTTP 500. A control character in operationName is
// malformed input (BAD_USER_INPUT, field `operationName`), as in any other string we are sent.
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind } from 'graphql';
import { CONTROL_CHARACTERS, ControlCharacterError } from '@fffoto/shared/input-hygiene';

export function operationResolutionPlugin<C extends object>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, operation, document }) {
          const name = request.operationName;
          if (typeof name === 'string' && CONTROL_CHARACTERS.test(name)) throw new ControlCharacterError('operationName');
          if (operation) return;
          const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length;
          const message = name
            ? `Unknown operation named "${name}".`
            : operations > 1
              ? 'Must provide operation name if query contains multiple operations.'
              : 'Must provide an operation.';
          throw new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } } });
        },
      };
    },
  };
}
