// The Node flags the gateway runs with in production (the Dockerfile's CMD, deploy/): a young
// generation of 64 MB per semi-space instead of V8's default 16. The gateway allocates a parsed
// copy of every subgraph answer and every client answer (a home feed: about 0.5 MB a request),
// and with 50 requests in flight a small young generation is scavenged several times a second,
// copying what those requests still hold each time. Measured with bench/gateway's feed section
// (subgraphs replayed): 1.7 to 1.8× the requests per second, for stock @apollo/gateway too, at
// about 100 MB more RSS. bench/gateway runs both gateways with these flags.
export const GATEWAY_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];
