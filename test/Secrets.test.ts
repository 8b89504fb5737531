/**
 * Issue 11, items 7 and 8: no credential reaches an error, a log line, a span or a metric label, whatever the caller
 * or the server does; an invalid header value is a typed error that names the header, sent never and retried never.
 * Each scenario runs over real loopback sockets on every HttpClient layer (`FetchHttpClient`,
 * `NodeHttpClient.layerUndici`, `NodeHttpClient.layer`), except the transport-error text, which only an in-memory
 * client can make quote a credential once headers are validated.
 */
import { HttpClient, HttpClientError, HttpClientResponse } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Context, Effect, Exit, Fiber, Layer, Option, Redacted } from "effect"
import type { ConfigError } from "effect"
import type { CredentialsService } from "effect-pagerduty"
import {
  Credentials,
  EventsApi,
  OAuth,
  PagerDutyConfig,
  PDClientError,
  PDHTTPError,
  RestApi,
  RetryPolicy
} from "effect-pagerduty"
import { scrubCause, scrubText } from "../src/internal/scrub.js"
import { runToEnd } from "./support/clock.js"
import { assertNoSecret, observe } from "./support/leaks.js"
import { clientLayers, hostileServer } from "./support/leakyServer.js"
import type { HostileRequest } from "./support/leakyServer.js"

const KEY = "y_NbAkKc66ryYTWUXYEu-secret-key"
const CLIENT_SECRET = "s3cr3t-CLIENT-secret-9f8e7d"
const ACCESS_TOKEN = "pdus+_0XBPWQQ_access-token-value-1"
const REFRESH_TOKEN = "pdus+_0XBPWQQ_refresh-token-value-2"
const ROUTING_KEY = "R0UT1NGKEY0123456789abcdefABCDEF"

const staticCredentials = (authorization: string): Layer.Layer<Credentials> =>
  Layer.succeed(
    Credentials,
    {
      authorization: Effect.succeed(Redacted.make(authorization)),
      refresh: () => Effect.succeed(false)
    } satisfies CredentialsService
  )

const restApi = (
  url: string,
  client: Layer.Layer<HttpClient.HttpClient>,
  credentials?: Layer.Layer<Credentials, ConfigError.ConfigError>
) =>
  Effect.map(
    Layer.build(
      RestApi.layer.pipe(
        Layer.provide([
          PagerDutyConfig.layer({ apiKey: KEY, restUrl: url, identityUrl: url, timeout: "5 seconds" }),
          RetryPolicy.layer(),
          client,
          ...(credentials === undefined ? [] : [credentials])
        ])
      )
    ),
    (context) => Context.get(context, RestApi)
  ).pipe(Effect.orDie)

const failureOf = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit)) return assert.fail("expected a failure") as never
  const failure = Exit.causeOption(exit).pipe(Option.flatMap((cause) =>
    Option.fromNullable(
      cause._tag === "Fail" ? cause.error : undefined
    )
  ))
  if (Option.isNone(failure)) return assert.fail(`expected a typed failure, got ${String(exit)}`) as never
  return failure.value
}

const oauthServer = (token: (request: HostileRequest) => { readonly status: number; readonly body: object }) =>
  hostileServer((request) =>
    request.url.startsWith("/oauth/token")
      ? token(request)
      : { status: 200, body: { users: [], more: false } }
  )

for (const [layerName, clientLayer] of clientLayers) {
  describe(`secrets over loopback: ${layerName}`, () => {
    for (
      const [what, authorization] of [
        ["a newline", `Token token=${KEY}\n`],
        ["a CR LF and a second header", `Token token=${KEY}\r\nX-Injected: 1`],
        ["a NUL", `Token token=${KEY}\u0000`],
        ["a character above U+00FF", `Token token=${KEY}€`]
      ] as const
    ) {
      it.scoped(`an Authorization value with ${what} is a Config error naming the header; nothing sent or logged`, () =>
        Effect.gen(function*() {
          const server = yield* hostileServer(() => ({ status: 200, body: { users: [] } }))
          const api = yield* restApi(server.url, clientLayer, staticCredentials(authorization))
          const observed = yield* observe(api.jget("/users"))
          const error = failureOf(observed.exit)
          assert.instanceOf(error, PDClientError)
          assert.strictEqual(error.reason, "Config")
          assert.strictEqual(error.field, "Authorization")
          assert.include(error.message, "Authorization")
          assert.lengthOf(server.requests(), 0)
          yield* assertNoSecret(observed, [KEY])
        }))
    }

    it.scoped("a caller's header value with CR LF is an InvalidInput error naming it; nothing sent, never retried", () =>
      Effect.gen(function*() {
        const server = yield* hostileServer(() => ({ status: 200, body: { users: [] } }))
        const api = yield* restApi(server.url, clientLayer)
        for (const value of [`note\r\nAuthorization: ${KEY}`, `note\u0000${KEY}`, `${KEY}\u2028`]) {
          const observed = yield* observe(api.jget("/users", { headers: { "X-Note": value } }))
          const error = failureOf(observed.exit)
          assert.instanceOf(error, PDClientError)
          assert.strictEqual(error.reason, "InvalidInput")
          assert.strictEqual(error.field, "x-note")
          assert.include(error.message, "x-note")
          yield* assertNoSecret(observed, [KEY])
        }
        const observed = yield* observe(api.jget("/users", { headers: { "Bad Name": "x" } }))
        assert.strictEqual(failureOf(observed.exit).reason, "InvalidInput")
        assert.lengthOf(server.requests(), 0)
      }))

    it.scoped("an access token with a newline from the token endpoint: Config error, no REST request, no leak", () =>
      Effect.gen(function*() {
        const server = yield* oauthServer(() => ({
          status: 200,
          body: { access_token: `${ACCESS_TOKEN}\n`, token_type: "bearer", expires_in: 3600 }
        }))
        const api = yield* restApi(
          server.url,
          clientLayer,
          Credentials.layerClientCredentials({ clientId: "app", clientSecret: CLIENT_SECRET, scopes: "users.read" })
            .pipe(
              Layer.provide([
                PagerDutyConfig.layer({ restUrl: server.url, identityUrl: server.url }),
                RetryPolicy.layer(),
                clientLayer
              ])
            )
        )
        const observed = yield* observe(api.jget("/users"))
        const error = failureOf(observed.exit)
        assert.instanceOf(error, PDClientError)
        assert.strictEqual(error.reason, "Config")
        assert.deepStrictEqual(server.requests().map((request) => request.url), ["/oauth/token"])
        yield* assertNoSecret(observed, [ACCESS_TOKEN, CLIENT_SECRET])
      }))

    for (const status of [400, 401]) {
      it.scoped(`a token endpoint that echoes the form in error_description (${status}): the secret is scrubbed`, () =>
        Effect.gen(function*() {
          const server = yield* oauthServer((request) => ({
            status,
            body: {
              error: "invalid_client",
              error_description: `Client authentication failed for form ${request.body} (client_secret=${
                new URLSearchParams(request.body).get("client_secret")
              })`,
              echoed: { client_secret: new URLSearchParams(request.body).get("client_secret") }
            }
          }))
          const observed = yield* observe(
            OAuth.clientCredentialsToken({ clientId: "app", clientSecret: CLIENT_SECRET, scopes: "users.read" }).pipe(
              Effect.provide([
                PagerDutyConfig.layer({ identityUrl: server.url }),
                RetryPolicy.layer(),
                clientLayer
              ])
            )
          )
          const error = failureOf(observed.exit)
          assert.instanceOf(error, PDHTTPError)
          assert.strictEqual(error.status, status)
          assert.deepStrictEqual(error.errors, ["invalid_client"])
          assert.include(error.message, "Client authentication failed")
          assert.lengthOf(server.requests(), 1)
          assert.include(server.requests()[0].body, encodeURIComponent(CLIENT_SECRET))
          yield* assertNoSecret(observed, [CLIENT_SECRET])
        }))
    }

    it.scoped("a successful token request: no token value in the span's exit, a log or a metric", () =>
      Effect.gen(function*() {
        const server = yield* oauthServer(() => ({
          status: 200,
          body: { access_token: ACCESS_TOKEN, refresh_token: REFRESH_TOKEN, token_type: "bearer", expires_in: 3600 }
        }))
        const observed = yield* observe(
          OAuth.clientCredentialsToken({ clientId: "app", clientSecret: CLIENT_SECRET, scopes: "users.read" }).pipe(
            Effect.provide([
              PagerDutyConfig.layer({ identityUrl: server.url, debug: true }),
              RetryPolicy.layer(),
              clientLayer
            ])
          )
        )
        assert.isTrue(Exit.isSuccess(observed.exit))
        if (Exit.isSuccess(observed.exit)) {
          assert.strictEqual(Redacted.value(observed.exit.value.accessToken), ACCESS_TOKEN)
        }
        const span = observed.spans.find((span) => span.name.includes("/oauth/token"))
        assert.isDefined(span)
        assert.strictEqual(span?.status._tag, "Ended")
        yield* assertNoSecret(observed, [ACCESS_TOKEN, REFRESH_TOKEN, CLIENT_SECRET])
      }))
  })
}

/** An in-memory client whose transport error quotes what the platform must never print. */
const leakyClient = (make: (request: unknown) => HttpClientError.HttpClientError) => {
  let calls = 0
  const client = HttpClient.make((request) => {
    calls += 1
    return Effect.fail(make(request))
  })
  return { layer: Layer.succeed(HttpClient.HttpClient, client), calls: () => calls }
}

describe("foreign error text is scrubbed", () => {
  it.effect("a transport error quoting the Authorization value: scrubbed in the error, the WARN logs, the spans", () =>
    Effect.gen(function*() {
      const leaky = leakyClient((request) =>
        new HttpClientError.RequestError({
          request: request as never,
          reason: "Transport",
          cause: new Error(
            `Headers.append: "Token token=${KEY}" is an invalid header value`,
            { cause: new Error(`socket hang up while sending authorization: Token token=${KEY}`) }
          )
        })
      )
      const api = yield* Effect.provide(
        RestApi,
        RestApi.layer.pipe(Layer.provide([PagerDutyConfig.layer({ apiKey: KEY }), RetryPolicy.layer(), leaky.layer]))
      ).pipe(Effect.orDie)
      const fiber = yield* Effect.fork(observe(api.jget("/users")))
      const observed = yield* runToEnd(fiber)
      const error = failureOf(observed.exit)
      assert.instanceOf(error, PDClientError)
      assert.strictEqual(error.reason, "Transport")
      assert.include(error.message, "is an invalid header value")
      assert.strictEqual(leaky.calls(), 4)
      assert.isTrue(observed.logs.some((line) => line.includes("retrying")))
      yield* assertNoSecret(observed, [KEY])
    }))

  it.effect("a request that cannot be built, whose cause quotes the key: scrubbed, not retried", () =>
    Effect.gen(function*() {
      const leaky = leakyClient((request) =>
        new HttpClientError.RequestError({
          request: request as never,
          reason: "Encode",
          cause: new TypeError(`cannot encode header authorization=Token token=${KEY}`)
        })
      )
      const api = yield* Effect.provide(
        RestApi,
        RestApi.layer.pipe(Layer.provide([PagerDutyConfig.layer({ apiKey: KEY }), RetryPolicy.layer(), leaky.layer]))
      ).pipe(Effect.orDie)
      const observed = yield* observe(api.jget("/users"))
      assert.strictEqual(failureOf(observed.exit).reason, "InvalidUrl")
      assert.strictEqual(leaky.calls(), 1)
      yield* assertNoSecret(observed, [KEY])
    }))

  it.effect("an Events transport error quoting the body: no routing key anywhere", () =>
    Effect.gen(function*() {
      const leaky = leakyClient((request) =>
        new HttpClientError.RequestError({
          request: request as never,
          reason: "Transport",
          cause: new Error(
            `write EPIPE after {"routing_key":"${ROUTING_KEY}","event_action":"trigger"} (key ${ROUTING_KEY})`
          )
        })
      )
      const events = yield* Effect.provide(
        EventsApi,
        EventsApi.layer.pipe(
          Layer.provide([PagerDutyConfig.layer({ routingKey: ROUTING_KEY }), RetryPolicy.layer(), leaky.layer])
        )
      ).pipe(Effect.orDie)
      const fiber = yield* Effect.fork(observe(events.trigger("Disk full", "db-1")))
      const observed = yield* runToEnd(fiber)
      assert.strictEqual(failureOf(observed.exit).reason, "Transport")
      yield* assertNoSecret(observed, [ROUTING_KEY])
    }))
})

describe("OAuth: the shared token request", () => {
  it.scoped("an interrupted waiter does not cancel the token request the other waiters share", () =>
    Effect.gen(function*() {
      let tokenRequests = 0
      // The token endpoint answers after 2 seconds of TestClock time.
      const answering = HttpClient.make((request, url) =>
        url.pathname !== "/oauth/token"
          ? Effect.die(`unexpected request to ${url.pathname}`)
          : Effect.sync(() => {
            tokenRequests += 1
          }).pipe(
            Effect.zipRight(Effect.sleep("2 seconds")),
            Effect.as(HttpClientResponse.fromWeb(
              request,
              new Response(JSON.stringify({ access_token: ACCESS_TOKEN, expires_in: 3600 }), {
                status: 200,
                headers: { "content-type": "application/json" }
              })
            ))
          )
      )
      const credentials = Context.get(
        yield* Layer.build(
          Credentials.layerClientCredentials({ clientId: "app", clientSecret: CLIENT_SECRET, scopes: "users.read" })
            .pipe(
              Layer.provide([
                PagerDutyConfig.layer(),
                RetryPolicy.layer(),
                Layer.succeed(HttpClient.HttpClient, answering)
              ])
            )
        ),
        Credentials
      )
      const first = yield* Effect.fork(credentials.authorization)
      const second = yield* Effect.fork(credentials.authorization)
      yield* Effect.yieldNow()
      yield* Fiber.interrupt(first)
      const header = yield* runToEnd(second)
      assert.strictEqual(Redacted.value(header), `Bearer ${ACCESS_TOKEN}`)
      assert.strictEqual(tokenRequests, 1)
    }))
})

describe("scrubText (pure)", () => {
  const cases: ReadonlyArray<readonly [string, ReadonlyArray<string>, string]> = [
    [`Headers.append: "Token token=${KEY}\n" is an invalid header value`, [], KEY],
    [`Headers.append: "Token token=${KEY}\n" is an invalid header value`, [`Token token=${KEY}\n`], KEY],
    [`authorization: Bearer ${ACCESS_TOKEN}`, [], ACCESS_TOKEN],
    [
      `form grant_type=client_credentials&client_secret=${encodeURIComponent(CLIENT_SECRET)}&scope=x`,
      [],
      CLIENT_SECRET
    ],
    [`{"access_token":"${ACCESS_TOKEN}","refresh_token":"${REFRESH_TOKEN}"}`, [], REFRESH_TOKEN],
    [`{\\"routing_key\\":\\"${ROUTING_KEY}\\"}`, [], ROUTING_KEY],
    [`the secret ${CLIENT_SECRET} quoted bare`, [CLIENT_SECRET], CLIENT_SECRET],
    [`url-encoded ${encodeURIComponent(ACCESS_TOKEN)}`, [ACCESS_TOKEN], encodeURIComponent(ACCESS_TOKEN)]
  ]
  it("removes every credential, known or shaped like one, and keeps the rest of the text", () => {
    for (const [text, secrets, secret] of cases) {
      const scrubbed = scrubText(text, secrets)
      assert.notInclude(scrubbed, secret, text)
      assert.include(scrubbed, "<redacted>")
    }
    assert.strictEqual(
      scrubText("read ECONNRESET (error code=ECONNRESET)", [KEY]),
      "read ECONNRESET (error code=ECONNRESET)"
    )
  })

  it("scrubCause keeps the name and code of a foreign error, scrubbed, with its nested cause", () => {
    const inner = Object.assign(new Error(`sent Token token=${KEY}`), { code: "UND_ERR_INVALID_ARG" })
    const copy = scrubCause(new TypeError(`bad header ${KEY}`, { cause: inner }), [KEY])
    assert.instanceOf(copy, Error)
    if (copy instanceof Error) {
      assert.strictEqual(copy.name, "TypeError")
      assert.notInclude(`${copy.message} ${copy.stack}`, KEY)
      const nested = (copy as { readonly cause?: unknown }).cause
      assert.instanceOf(nested, Error)
      assert.strictEqual((nested as { readonly code?: unknown }).code, "UND_ERR_INVALID_ARG")
      assert.notInclude(String(nested), KEY)
    }
  })
})
