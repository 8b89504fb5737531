/**
 * Change Events: tell PagerDuty about a deploy. Change events appear next to incidents on the service that owns the
 * routing key; they open no incident and notify no one. The timestamp defaults to now (Effect's Clock).
 *
 *   PAGERDUTY_ROUTING_KEY=... npx tsx examples/change-events.ts
 *
 * pdpyras: `session = pdpyras.ChangeEventsAPISession(routing_key)`,
 * `session.submit("new build finished at latest HEAD", source="automation")`.
 */
import { FetchHttpClient } from "@effect/platform"
import { NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Layer } from "effect"
import { ChangeEventsApi, PagerDuty } from "effect-pagerduty"

const program = Effect.gen(function*() {
  const changes = yield* ChangeEventsApi
  yield* changes.submit("new build finished at latest HEAD", { source: "automation" })
  yield* Console.log("change event sent: new build finished at latest HEAD")

  yield* changes.submit("Deployed checkout-api v42", {
    source: "github-actions",
    customDetails: { commit: "4f2a9c1", author: "ada" },
    links: [{ href: "https://github.com/acme/shop/pull/812", text: "PR #812" }]
  })
  yield* Console.log("change event sent: Deployed checkout-api v42")
})

const PagerDutyLive = PagerDuty.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))

program.pipe(Effect.provide(PagerDutyLive), NodeRuntime.runMain)
