/**
 * Authentication with a REST API key (`Authorization: Token token=KEY`), composing the layers one by one:
 * `RestApi.layer` needs `PagerDutyConfig`, `RetryPolicy` and an `HttpClient`.
 *
 *   PAGERDUTY_API_KEY=... PAGERDUTY_FROM=you@example.com npx tsx examples/auth-token.ts
 *
 * pdpyras: `session = pdpyras.APISession(API_KEY, default_from="you@example.com")`.
 */
import { FetchHttpClient } from "@effect/platform"
import { NodeRuntime } from "@effect/platform-node"
import { Config, Console, Effect, Layer, Schema, Stream } from "effect"
import { PagerDutyConfig, RestApi, RetryPolicy } from "effect-pagerduty"

const User = Schema.Struct({ id: Schema.String, name: Schema.String, email: Schema.String })

const program = Effect.gen(function*() {
  const api = yield* RestApi
  const subdomain = yield* api.subdomain
  yield* Console.log(`Connected to ${subdomain}.pagerduty.com`)
  yield* api.iterAll("/users", { pageSize: 3, schema: User }).pipe(
    Stream.take(3),
    Stream.runForEach((user) => Console.log(`  ${user.id}  ${user.name} <${user.email}>`))
  )
})

// The key is read from PAGERDUTY_API_KEY as a Redacted (never printed, never logged). With literal values instead:
//   PagerDutyConfig.layer({ apiKey: Redacted.make("u+abcdefg"), defaultFrom: "you@example.com" })
// Options not given here (region, PAGERDUTY_REST_URL, ...) are read from the environment too.
const ConfigLive = PagerDutyConfig.layerConfig({
  apiKey: Config.redacted("PAGERDUTY_API_KEY"),
  authType: Config.succeed("token"),
  defaultFrom: Config.string("PAGERDUTY_FROM")
})

const RestLive = RestApi.layer.pipe(
  Layer.provide(ConfigLive),
  Layer.provide(RetryPolicy.layer()),
  Layer.provide(FetchHttpClient.layer)
)

program.pipe(Effect.provide(RestLive), NodeRuntime.runMain)
