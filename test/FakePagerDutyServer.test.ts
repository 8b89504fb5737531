import { HttpClient, HttpClientRequest } from "@effect/platform"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, describe, expect, it } from "@effect/vitest"
import { Context, Duration, Effect, Either, Exit, Fiber, Layer, Schedule, Scope } from "effect"
import { FakeFault, FakePagerDuty } from "effect-pagerduty/testing"
import { FakePagerDutyServer, type FakePagerDutyServerOptions } from "effect-pagerduty/testing/server"

const headers = { authorization: "Token token=test-key", accept: "application/vnd.pagerduty+json;version=2" }
const ROUTING_KEY = "0123456789abcdef0123456789abcdef"

const serverLayer = (options?: FakePagerDutyServerOptions) =>
  Layer.merge(FakePagerDutyServer.layer(options), NodeHttpClient.layerUndici)

const getJson = (url: string) =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    const response = yield* client.execute(HttpClientRequest.get(url).pipe(HttpClientRequest.setHeaders(headers)))
    const text = yield* response.text
    return { status: response.status, headers: response.headers, text }
  })

describe("FakePagerDuty.server (loopback)", () => {
  it.live("listens on 127.0.0.1 and serves the REST API with self URLs on its own origin", () =>
    Effect.gen(function*() {
      const server = yield* FakePagerDutyServer
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      assert.strictEqual(server.url, `http://127.0.0.1:${server.port}`)
      const fake = yield* FakePagerDuty
      const [user] = yield* fake.seed("users", [{ name: "Ada", email: "ada@example.com" }])
      assert.strictEqual(user.self, `${server.url}/users/${user.id}`)

      const reply = yield* getJson(`${server.url}/users?limit=1&total=true`)
      assert.strictEqual(reply.status, 200)
      const body = JSON.parse(reply.text)
      assert.strictEqual(body.total, 1)
      assert.strictEqual(body.users[0].self, `${server.url}/users/${user.id}`)
      assert.strictEqual(reply.headers["ratelimit-limit"], "960")
      assert.isString(reply.headers["x-request-id"])
      const [logged] = yield* fake.requests
      assert.strictEqual(logged.headers.authorization, "Token token=<redacted>")
    }).pipe(Effect.provide(serverLayer())))

  it.live("serves the Events API on the same base URL", () =>
    Effect.gen(function*() {
      const server = yield* FakePagerDutyServer
      const client = yield* HttpClient.HttpClient
      const response = yield* client.execute(
        HttpClientRequest.post(`${server.url}/v2/enqueue`).pipe(
          HttpClientRequest.bodyUnsafeJson({
            routing_key: ROUTING_KEY,
            event_action: "trigger",
            dedup_key: "loopback",
            payload: { summary: "Over the wire", source: "test", severity: "critical" }
          })
        )
      )
      assert.strictEqual(response.status, 202)
      assert.deepStrictEqual(yield* response.json, {
        status: "success",
        message: "Event processed",
        dedup_key: "loopback"
      })
      const incidents = JSON.parse((yield* getJson(`${server.url}/incidents`)).text)
      assert.strictEqual(incidents.incidents[0].incident_key, "loopback")
    }).pipe(Effect.provide(serverLayer({ seed: { services: [{ name: "Svc", routing_key: ROUTING_KEY }] } }))))

  it.live("resets the connection, sends malformed JSON and HTML pages on request", () =>
    Effect.gen(function*() {
      const server = yield* FakePagerDutyServer
      const fake = yield* FakePagerDuty
      yield* fake.injectFault(FakeFault.connectionReset)
      const reset = yield* Effect.either(getJson(`${server.url}/users`))
      assert.isTrue(Either.isLeft(reset))
      if (Either.isLeft(reset)) {
        assert.strictEqual(reset.left._tag, "RequestError")
        if (reset.left._tag === "RequestError") assert.strictEqual(reset.left.reason, "Transport")
      }
      yield* fake.injectFault(FakeFault.malformedJson())
      const client = yield* HttpClient.HttpClient
      const malformed = yield* client.get(`${server.url}/users`, { headers })
      assert.isTrue(Either.isLeft(yield* Effect.either(malformed.json)))
      yield* fake.injectFault(FakeFault.htmlError(503))
      const html = yield* getJson(`${server.url}/users`)
      assert.strictEqual(html.status, 503)
      expect(html.headers["content-type"]).toMatch(/^text\/html/)
      yield* fake.injectFault(FakeFault.emptyBody(500))
      const empty = yield* getJson(`${server.url}/users`)
      assert.deepStrictEqual([empty.status, empty.text], [500, ""])
      assert.strictEqual((yield* getJson(`${server.url}/users`)).status, 200)
    }).pipe(Effect.provide(serverLayer())))

  it.live("hangs until the client's timeout fires; adds real latency", () =>
    Effect.gen(function*() {
      const server = yield* FakePagerDutyServer
      const fake = yield* FakePagerDuty
      yield* fake.injectFault(FakeFault.hang)
      const hung = yield* getJson(`${server.url}/users`).pipe(Effect.timeout("150 millis"), Effect.either)
      assert.isTrue(Either.isLeft(hung))
      if (Either.isLeft(hung)) assert.strictEqual(hung.left._tag, "TimeoutException")

      yield* fake.setLatency("60 millis")
      const [elapsed, reply] = yield* Effect.timed(getJson(`${server.url}/users`))
      assert.strictEqual(reply.status, 200)
      assert.isAtLeast(Duration.toMillis(elapsed), 55)
    }).pipe(Effect.provide(serverLayer())))

  it.live("closes its port, and hung connections, when the scope closes", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(FakePagerDutyServer.layer(), scope)
      const server = Context.get(context, FakePagerDutyServer)
      const fake = Context.get(context, FakePagerDuty)
      assert.strictEqual((yield* getJson(`${server.url}/users`)).status, 200)

      yield* fake.injectFault(FakeFault.hang)
      const hung = yield* Effect.fork(Effect.either(getJson(`${server.url}/users`)))
      // Close only once the hung request has reached the server (it is in the log), whatever the machine's speed.
      yield* fake.requests.pipe(
        Effect.repeat({ until: (log) => log.length >= 2, schedule: Schedule.spaced("1 millis") })
      )
      yield* Scope.close(scope, Exit.void)

      // The hung request ends (its socket is destroyed) instead of waiting forever.
      const outcome = yield* Fiber.join(hung).pipe(Effect.timeout("2 seconds"))
      assert.isTrue(Either.isLeft(outcome))
      const after = yield* Effect.either(getJson(`${server.url}/users`))
      assert.isTrue(Either.isLeft(after))
      if (Either.isLeft(after)) assert.strictEqual(after.left._tag, "RequestError")
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))
})
