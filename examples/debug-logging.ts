/**
 * Debug logging: every request logs a debug line (method, URL, status, attempt, elapsed, x-request-id) through
 * Effect's logger. Turn it on for this client with `debug: true` (PAGERDUTY_DEBUG=true), or for the whole program by
 * lowering the minimum log level. The Authorization header and routing keys never appear in a log line.
 *
 *   PAGERDUTY_API_KEY=... npx tsx examples/debug-logging.ts
 *
 * pdpyras: `session = pdpyras.APISession(api_key, debug=True)` or `session.debug = True`.
 */
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Config, Console, Effect, Layer, Logger, LogLevel } from "effect"
import { PagerDuty, RestApi } from "effect-pagerduty"

const listSomeUsers = Effect.flatMap(RestApi, (api) => api.jget("/users", { params: { limit: 2 } }))

// Method 1: the client's `debug` option (here forced on; PAGERDUTY_DEBUG=true does the same with layerConfig()).
const DebugClient = PagerDuty.layerConfig({ debug: Config.succeed(true) }).pipe(
  Layer.provide(NodeHttpClient.layerUndici)
)

// Method 2: the default client, with the minimum log level of the program lowered to Debug.
const QuietClient = PagerDuty.layerConfig().pipe(Layer.provide(NodeHttpClient.layerUndici))

const program = Effect.gen(function*() {
  yield* Console.log("-- debug: true")
  yield* Effect.provide(listSomeUsers, DebugClient)

  yield* Console.log("-- default (no request lines)")
  yield* Effect.provide(listSomeUsers, QuietClient)

  yield* Console.log("-- Logger.minimumLogLevel(LogLevel.Debug)")
  yield* Effect.provide(listSomeUsers, Layer.merge(QuietClient, Logger.minimumLogLevel(LogLevel.Debug)))
})

program.pipe(NodeRuntime.runMain)
