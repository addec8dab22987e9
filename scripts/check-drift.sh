#!/usr/bin/env bash
# Regenerates the checked-in generated files (composed supergraph, codegen types, the client
# operations and their trusted-documents manifest, the Kubernetes manifests of deploy/) and fails
# when they differ from what is committed: generated code is never edited by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent generate:supergraph
npm run --silent generate:codegen > /dev/null
npm run --silent deploy:render > /dev/null
generated=(gateway/supergraph.graphql gateway/api-schema.graphql tests/generated clients/generated subgraphs/*/src/generated deploy/rendered)
if ! git diff --quiet -- "${generated[@]}" || [ -n "$(git ls-files --others --exclude-standard -- "${generated[@]}")" ]; then
  echo "generated files drifted from their sources; run 'npm run generate' (deploy/rendered: 'npm run deploy:render') and commit:" >&2
  git status --short -- "${generated[@]}" >&2
  git diff --stat -- "${generated[@]}" >&2
  exit 1
fi
echo "generated files match their sources"
