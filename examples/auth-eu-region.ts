/**
 * An account in PagerDuty's EU service region: `region: "eu"` sends REST calls to api.eu.pagerduty.com, events to
 * events.eu.pagerduty.com and OAuth token requests to identity.eu.pagerduty.com. (An EU account called on the US
 * hosts answers 401; the error's message says so.) An explicit PAGERDUTY_REST_URL still wins over the region.
 *
 *   PAGERDUTY_API_KEY=... npx tsx examples/auth-eu-region.ts
 *
 * pdpyras: `session = pdpyras.APISession(API_KEY); session.url = "https://api.eu.pagerduty.com"`.
 */
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Config, Console, Effect, Layer } from "effect"
import { PagerDuty, PagerDutyConfig, RestApi } from "effect-pagerduty"

const program = Effect.gen(function*() {
  const config = yield* PagerDutyConfig
  yield* Console.log(`region ${config.region}: REST ${config.restUrl}, events ${config.eventsUrl}`)
  const api = yield* RestApi
  const services = yield* api.total("/services")
  yield* Console.log(`The account has ${services} services.`)
})

const PagerDutyLive = PagerDuty.layerConfig({ region: Config.succeed("eu") }).pipe(
  Layer.provide(NodeHttpClient.layerUndici)
)

program.pipe(Effect.provide(PagerDutyLive), NodeRuntime.runMain)
