/**
 * The request loop against a hostile server over real loopback sockets, on every `HttpClient` layer: redirects,
 * stalled bodies, undrained retried answers, server-directed waits past the caps. Time runs on `TestClock`; request
 * and socket counts are exact.
 */
import type { HttpClient } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Redacted, TestClock } from "effect"
import { Credentials, EventsApi, PagerDuty, RestApi } from "effect-pagerduty"
import type { PDClientError, PDHTTPError } from "effect-pagerduty"
import type { Hostile } from "./support/hostileServer.js"
import { clientLayers, driveToEnd, hostileServer, keepAliveNodeLayer, realSleep } from "./support/hostileServer.js"

const apiKey = "u+hostile-matrix-key"
const routingKey = "0123456789abcdef0123456789abcdef"

const client = (server: Hostile, http: Layer.Layer<HttpClient.HttpClient>, retry = {}) =>
  PagerDuty.layer({
    apiKey,
    routingKey,
    defaultFrom: "oncall@example.com",
    restUrl: server.url,
    eventsUrl: server.url,
    timeout: "30 seconds",
    retry
  }).pipe(Layer.provide(http))

const noSecret = (error: PDHTTPError | PDClientError) => {
  for (const text of [String(error), JSON.stringify(error), error.message]) {
    assert.notInclude(text, apiKey)
    assert.notInclude(text, routingKey)
  }
}

/** Waits (in real time) until the server has seen `count` requests. */
const untilRequests = (server: Hostile, count: number) =>
  Effect.gen(function*() {
    const deadline = Date.now() + 10_000
    while (server.requests().length < count && Date.now() < deadline) yield* realSleep(2)
    assert.isAtLeast(server.requests().length, count)
  })

for (const [name, http] of clientLayers) {
  describe(`fault matrix on ${name}`, () => {
    it.scoped("item 9: a redirect is never followed; it is a PDHTTPError with the status and the Location's origin", () =>
      Effect.gen(function*() {
        const server = yield* hostileServer((_request, response, index) => {
          response.writeHead(index % 2 === 0 ? 302 : 307, {
            location: "https://evil.example/steal?token=1",
            "content-type": "text/plain"
          })
          response.end("moved")
        })
        const [post, get, trigger] = yield* Effect.gen(function*() {
          const rest = yield* RestApi
          const events = yield* EventsApi
          return [
            yield* Effect.flip(rest.jpost("/incidents", { json: { incident: { title: "x" } } })),
            yield* Effect.flip(rest.jget("/users")),
            yield* Effect.flip(events.trigger("disk full", "db-1"))
          ] as const
        }).pipe(Effect.provide(client(server, http)))
        for (const [error, status] of [[post, 302], [get, 307], [trigger, 302]] as const) {
          assert.strictEqual(error._tag, "PDHTTPError")
          if (error._tag === "PDHTTPError") {
            assert.strictEqual(error.status, status)
            assert.strictEqual(error.location, "https://evil.example")
            assert.include(error.message, "never follows redirects")
            assert.notInclude(error.message, "token=1")
          }
          noSecret(error)
        }
        // Exactly one request per call, all to this server; nothing went to the Location.
        assert.deepStrictEqual(server.requests().map((request) => request.method), ["POST", "GET", "POST"])
      }))

    it.scoped("item 9: an OAuth token request answered with a redirect is not followed; no token from another host", () =>
      Effect.gen(function*() {
        const server = yield* hostileServer((_request, response) => {
          response.writeHead(307, { location: "https://evil.example/oauth/token" })
          response.end()
        })
        const clientSecret = "oauth-client-secret-matrix"
        const layer = PagerDuty.layer({
          restUrl: server.url,
          identityUrl: server.url,
          credentials: Credentials.layerClientCredentials({
            clientId: "matrix-client",
            clientSecret: Redacted.make(clientSecret),
            scopes: "users.read"
          })
        }).pipe(Layer.provide(http))
        const error = yield* Effect.flatMap(RestApi, (api) => Effect.flip(api.jget("/users"))).pipe(
          Effect.provide(layer)
        )
        assert.strictEqual(error._tag === "PDHTTPError" && error.status, 307)
        assert.strictEqual(error._tag === "PDHTTPError" && error.location, "https://evil.example")
        for (const text of [String(error), JSON.stringify(error)]) assert.notInclude(text, clientSecret)
        assert.deepStrictEqual(server.requests().map((request) => `${request.method} ${request.url}`), [
          "POST /oauth/token"
        ])
      }))

    it.scoped("item 6: 40 retried 429s with 200 KB bodies are drained, so the connection is reused (≤ 2 sockets)", () =>
      Effect.gen(function*() {
        const big = JSON.stringify({ error: { message: "Rate Limit Exceeded", padding: "x".repeat(200_000) } })
        const server = yield* hostileServer((_request, response, index) => {
          if (index < 40) {
            response.writeHead(429, { "content-type": "application/json", "ratelimit-reset": "0" })
            response.end(big)
            return
          }
          response.writeHead(200, { "content-type": "application/json" })
          response.end(JSON.stringify({ users: [], more: false }))
        })
        // `NodeHttpClient.layer`'s own agent closes every connection (Node's `keepAlive: false` default), drained or
        // not: the same client with a keep-alive agent shows that the drained connection is reused.
        const layer = name === "NodeHttpClient.layer" ? keepAliveNodeLayer : http
        const fiber = yield* Effect.fork(
          Effect.flatMap(RestApi, (api) => api.jget("/users")).pipe(Effect.provide(client(server, layer)))
        )
        yield* driveToEnd(fiber, server, { horizonMs: 10_000 })
        assert.strictEqual(server.requests().length, 41)
        assert.isAtMost(server.sockets(), 2)
      }))

    it.scoped("item 2: a 401 whose body stalls ends at the per-attempt timeout with the 401", () =>
      Effect.gen(function*() {
        const server = yield* hostileServer((_request, response) => {
          response.writeHead(401, { "content-type": "application/json" })
          response.write("{\"error\": {\"message\": \"Unauth") // and nothing more
        })
        const fiber = yield* Effect.fork(
          Effect.flatMap(RestApi, (api) => Effect.flip(api.jget("/users"))).pipe(Effect.provide(client(server, http)))
        )
        yield* untilRequests(server, 1)
        yield* realSleep(50) // the head has reached the client; its body read is now what waits
        yield* TestClock.adjust("30 seconds")
        const error = yield* driveToEnd(fiber, server, { horizonMs: 0, realDeadlineMs: 10_000 }).pipe(
          Effect.catchAllDefect(() => Effect.fail("the call did not end at the timeout" as const))
        )
        assert.strictEqual(error._tag === "PDHTTPError" && error.status, 401)
        assert.strictEqual(server.requests().length, 1)
        noSecret(error)
      }))

    it.scoped("item 2: a 200 whose body stalls is a Timeout, not a hang", () =>
      Effect.gen(function*() {
        const server = yield* hostileServer((_request, response) => {
          response.writeHead(200, { "content-type": "application/json" })
          response.write("{\"users\": [")
        })
        const fiber = yield* Effect.fork(
          Effect.flatMap(RestApi, (api) => Effect.flip(api.jget("/users"))).pipe(
            Effect.provide(client(server, http, { maxNetworkAttempts: 0 }))
          )
        )
        yield* untilRequests(server, 1)
        yield* realSleep(50)
        yield* TestClock.adjust("30 seconds")
        const error = yield* driveToEnd(fiber, server, { horizonMs: 0, realDeadlineMs: 10_000 })
        assert.strictEqual(error._tag === "PDClientError" && error.reason, "Timeout")
      }))

    it.scoped("item 1: a 429 asking for 24 h fails at once, naming maxServerWait; nothing sleeps", () =>
      Effect.gen(function*() {
        const server = yield* hostileServer((_request, response) => {
          response.writeHead(429, { "content-type": "application/json", "ratelimit-reset": "86400" })
          response.end(JSON.stringify({ error: { message: "Rate Limit Exceeded", code: 2020 } }))
        })
        const error = yield* Effect.flatMap(RestApi, (api) => Effect.flip(api.jget("/users"))).pipe(
          Effect.provide(client(server, http))
        )
        assert.strictEqual(error._tag === "PDHTTPError" && error.status, 429)
        assert.include(error.message, "PagerDuty asked to wait 86400 s")
        assert.include(error.message, "maxServerWait (300 s)")
        assert.strictEqual(error._tag === "PDHTTPError" && error.errorMessage, "Rate Limit Exceeded")
        assert.strictEqual(server.requests().length, 1)
        assert.strictEqual(yield* TestClock.currentTimeMillis, 0)
      }))

    it.scoped("item 1: Retry-After: 86400 on a GET 503 fails at once with the 503", () =>
      Effect.gen(function*() {
        const server = yield* hostileServer((_request, response) => {
          response.writeHead(503, { "retry-after": "86400" })
          response.end()
        })
        const error = yield* Effect.flatMap(RestApi, (api) => Effect.flip(api.jget("/users"))).pipe(
          Effect.provide(client(server, http))
        )
        assert.strictEqual(error._tag === "PDHTTPError" && error.status, 503)
        assert.include(error.message, "(Retry-After: 86400), longer than RetryPolicy's maxServerWait")
        assert.strictEqual(server.requests().length, 1)
      }))

    it.scoped("item 1: a 200 with ratelimit-remaining: 0 and a 24 h reset does not hold later calls for 24 h", () =>
      Effect.gen(function*() {
        const server = yield* hostileServer((_request, response) => {
          response.writeHead(200, {
            "content-type": "application/json",
            "ratelimit-remaining": "0",
            "ratelimit-reset": "86400"
          })
          response.end(JSON.stringify({ users: [], more: false }))
        })
        const [first, second] = yield* Effect.gen(function*() {
          const api = yield* RestApi
          return [yield* api.jget("/users"), yield* Effect.flip(api.jget("/users"))] as const
        }).pipe(Effect.provide(client(server, http)))
        assert.deepStrictEqual(first, { users: [], more: false })
        assert.strictEqual(second._tag === "PDHTTPError" && second.status, 429)
        assert.include(second.message, "rate-limit window is spent for 86400 s more")
        assert.include(second.message, "maxServerWait (300 s)")
        assert.strictEqual(server.requests().length, 1)
        assert.strictEqual(yield* TestClock.currentTimeMillis, 0)
      }))

    it.scoped("item 1: a permanent 429 (reset 60 s) ends at rateLimitBudget", () =>
      Effect.gen(function*() {
        const server = yield* hostileServer((_request, response) => {
          response.writeHead(429, { "content-type": "application/json", "ratelimit-reset": "60" })
          response.end("{}")
        })
        const fiber = yield* Effect.fork(
          Effect.flatMap(RestApi, (api) => Effect.flip(api.jget("/users"))).pipe(
            Effect.provide(client(server, http, { rateLimitBudget: "5 minutes", staggerCooldown: 0 }))
          )
        )
        const error = yield* driveToEnd(fiber, server, { horizonMs: 120_000 })
        assert.strictEqual(error._tag === "PDHTTPError" && error.status, 429)
        assert.include(error.message, "rateLimitBudget (300 s)")
        // Waits of 60 s + at most 250 ms each: four fit in 300 s, the fifth does not.
        assert.strictEqual(server.requests().length, 5)
        assert.isAtMost(yield* TestClock.currentTimeMillis, 300_000)
      }))
  })
}

describe("the interrupted fiber", () => {
  it.scoped("an interrupted call leaves the gate: the next call is not held", () =>
    Effect.gen(function*() {
      const [, http] = clientLayers[1]
      const server = yield* hostileServer((_request, response, index) => {
        if (index === 0) {
          response.writeHead(429, { "content-type": "application/json", "ratelimit-reset": "1" })
          response.end("{}")
          return
        }
        response.writeHead(200, { "content-type": "application/json" })
        response.end(JSON.stringify({ users: [], more: false }))
      })
      yield* Effect.gen(function*() {
        const api = yield* RestApi
        const first = yield* Effect.fork(api.jget("/users"))
        yield* untilRequests(server, 1)
        yield* realSleep(30)
        yield* Fiber.interrupt(first)
        yield* TestClock.adjust("2 seconds")
        const second = yield* Effect.fork(api.jget("/users"))
        const result = yield* driveToEnd(second, server, { horizonMs: 10_000 })
        assert.deepStrictEqual(result, { users: [], more: false })
      }).pipe(Effect.provide(client(server, http)))
    }))
})
