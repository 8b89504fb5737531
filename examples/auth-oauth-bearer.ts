/**
 * Authentication with an OAuth access token (`Authorization: Bearer TOKEN`), for example a user's token from the
 * authorization-code flow of your PagerDuty app. For a scoped app whose tokens the library should obtain and renew,
 * see oauth-client-credentials.ts.
 *
 *   PAGERDUTY_OAUTH_TOKEN=... npx tsx examples/auth-oauth-bearer.ts
 *
 * pdpyras: `session = pdpyras.APISession(OAUTH_TOKEN, auth_type="oauth2")`.
 */
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Config, Console, Effect, Layer, Schema } from "effect"
import { PagerDuty, RestApi } from "effect-pagerduty"

const User = Schema.Struct({ id: Schema.String, name: Schema.String, email: Schema.String })

const program = Effect.gen(function*() {
  const api = yield* RestApi
  // A user's token acts as that user: /users/me is the token's owner.
  const me = yield* api.rget("/users/me", { schema: User })
  yield* Console.log(`Signed in as ${me.name} <${me.email}> (${me.id})`)
})

// "bearer" and "oauth2" both send `Authorization: Bearer <token>`.
const PagerDutyLive = PagerDuty.layerConfig({
  apiKey: Config.redacted("PAGERDUTY_OAUTH_TOKEN"),
  authType: Config.succeed("bearer")
}).pipe(Layer.provide(NodeHttpClient.layerUndici))

program.pipe(Effect.provide(PagerDutyLive), NodeRuntime.runMain)
