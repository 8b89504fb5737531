/**
 * OAuth authorization code with PKCE, for an app that acts for a PagerDuty user (a CLI here): listen for the
 * redirect on localhost, send the user to PagerDuty's authorize URL, exchange the code for a token, then call the REST
 * API with `Credentials.layerFromToken`, which renews the token with its refresh token before it expires.
 *
 * Register the app in PagerDuty (Integrations → App Registration → OAuth 2.0, "Scoped OAuth") with the redirect URL
 * http://127.0.0.1:8976/callback (a loopback address, as RFC 8252 advises), then:
 *
 *   PAGERDUTY_CLIENT_ID=... PAGERDUTY_SCOPES="users.read" npx tsx examples/oauth-authorization-code.ts
 *
 * PAGERDUTY_CLIENT_SECRET is optional (a public client uses PKCE alone); PAGERDUTY_REGION=eu uses
 * identity.eu.pagerduty.com; OAUTH_CALLBACK_PORT changes the port (0: a free port).
 */
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Config, Console, DateTime, Deferred, Effect, Layer, Option, Schema } from "effect"
import { Credentials, OAuth, PagerDutyConfig, RestApi, RetryPolicy } from "effect-pagerduty"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"

const User = Schema.Struct({ id: Schema.String, name: Schema.String, email: Schema.String })

// A one-shot HTTP server on 127.0.0.1 that waits for PagerDuty's redirect and hands over its `code`.
const callbackServer = (port: number, state: string) =>
  Effect.gen(function*() {
    const code = yield* Deferred.make<string, Error>()
    const server = yield* Effect.acquireRelease(
      Effect.async<ReturnType<typeof createServer>, Error>((resume) => {
        const server = createServer((request, response) => {
          const url = new URL(request.url ?? "/", "http://localhost")
          if (url.pathname !== "/callback") return void response.writeHead(404).end()
          const received = url.searchParams.get("code")
          const ok = received !== null && url.searchParams.get("state") === state
          response.writeHead(ok ? 200 : 400, { "content-type": "text/plain" })
          response.end(ok ? "Signed in to PagerDuty; you can close this window." : "Sign-in failed.")
          Deferred.unsafeDone(
            code,
            ok ? Effect.succeed(received) : Effect.fail(new Error(url.searchParams.get("error") ?? "bad callback"))
          )
        })
        server.once("error", (error) => resume(Effect.fail(error)))
        server.listen(port, "127.0.0.1", () => resume(Effect.succeed(server)))
      }),
      (server) => Effect.sync(() => server.close())
    )
    const { port: bound } = server.address() as AddressInfo
    return { redirectUri: `http://127.0.0.1:${bound}/callback`, code: Deferred.await(code) }
  })

const program = Effect.gen(function*() {
  const clientId = yield* Config.string("PAGERDUTY_CLIENT_ID")
  const clientSecret = yield* Config.option(Config.redacted("PAGERDUTY_CLIENT_SECRET"))
  const scopes = yield* Config.string("PAGERDUTY_SCOPES")
  const port = yield* Config.integer("OAUTH_CALLBACK_PORT").pipe(Config.withDefault(8976))
  const config = yield* PagerDutyConfig

  // 1. PKCE and a state value, then the authorize URL (on the configured region's identity service).
  const pkce = yield* OAuth.makePkce
  const state = crypto.randomUUID()
  const callback = yield* callbackServer(port, state)
  const url = OAuth.authorizeUrl({
    clientId,
    redirectUri: callback.redirectUri,
    scopes,
    state,
    codeChallenge: pkce.challenge,
    identityUrl: config.identityUrl
  })
  yield* Console.log(`Open this URL to sign in:\n${url}`)

  // 2. The code from the redirect, exchanged for a token (the verifier proves this is the app that asked).
  const code = yield* callback.code
  const token = yield* OAuth.exchangeCode({
    clientId,
    clientSecret: Option.getOrUndefined(clientSecret),
    code,
    redirectUri: callback.redirectUri,
    codeVerifier: pkce.verifier
  })
  yield* Console.log(`Granted: ${token.scopes.join(" ")}; expires ${DateTime.formatIso(token.expiresAt)}`)
  yield* Console.log(`Refresh token: ${Option.isSome(token.refreshToken) ? "yes" : "no"}`)

  // 3. The REST API with the user's token; renewed tokens go to onRefresh (store them for the next run).
  const RestLive = RestApi.layer.pipe(
    Layer.provide(Credentials.layerFromToken({
      clientId,
      clientSecret: Option.getOrUndefined(clientSecret),
      token,
      onRefresh: (renewed) => Console.log(`Token renewed; expires ${DateTime.formatIso(renewed.expiresAt)}`)
    }))
  )
  const me = yield* Effect.flatMap(RestApi, (api) => api.rget("/users/me", { schema: User })).pipe(
    Effect.provide(RestLive)
  )
  yield* Console.log(`Signed in as ${me.name} <${me.email}>`)
})

const Dependencies = Layer.mergeAll(PagerDutyConfig.layerConfig(), RetryPolicy.layer(), NodeHttpClient.layerUndici)

program.pipe(Effect.scoped, Effect.provide(Dependencies), NodeRuntime.runMain)
