/**
 * Authentication from the environment: `PagerDuty.layerConfig()` reads every setting through Effect's `Config`, so the
 * same program runs against your account, the EU region or a test server without a code change.
 *
 *   PAGERDUTY_API_KEY=...          REST API key (or OAuth token with PAGERDUTY_AUTH_TYPE=bearer)
 *   PAGERDUTY_FROM=you@example.com optional: the From header for incident actions
 *   PAGERDUTY_REGION=eu            optional: the EU service region
 *   PAGERDUTY_ROUTING_KEY=...      optional: the Events API integration key
 *   PAGERDUTY_REST_URL / PAGERDUTY_EVENTS_URL   optional: other base URLs (a proxy, a test server)
 *
 *   npx tsx examples/auth-environment.ts
 *
 * pdpyras: `session = pdpyras.APISession(API_KEY, default_from=...)`.
 */
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Console, Duration, Effect, Layer, Option } from "effect"
import { PagerDuty, PagerDutyConfig, RestApi, truncatedKey } from "effect-pagerduty"

const program = Effect.gen(function*() {
  const config = yield* PagerDutyConfig
  yield* Console.log(`API key:     ${Option.match(config.apiKey, { onNone: () => "(none)", onSome: truncatedKey })}`)
  yield* Console.log(`auth type:   ${config.authType}`)
  yield* Console.log(`region:      ${config.region}`)
  yield* Console.log(`REST API:    ${config.restUrl}`)
  yield* Console.log(`Events API:  ${config.eventsUrl}`)
  yield* Console.log(`From:        ${Option.getOrElse(config.defaultFrom, () => "(none)")}`)
  yield* Console.log(`timeout:     ${Duration.format(config.timeout)}`)

  const api = yield* RestApi
  const users = yield* api.total("/users")
  yield* Console.log(`The account has ${users} users.`)
})

// One layer for RestApi, EventsApi and ChangeEventsApi; the application chooses the HTTP client.
const PagerDutyLive = PagerDuty.layerConfig().pipe(Layer.provide(NodeHttpClient.layerUndici))

program.pipe(Effect.provide(PagerDutyLive), NodeRuntime.runMain)
