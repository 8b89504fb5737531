/**
 * Testing your own code with the fake PagerDuty: `FakePagerDuty.layer` is an in-memory PagerDuty (REST and Events
 * API, no socket) that also provides the `HttpClient`, so the code under test runs unchanged. Seed it, run the code,
 * then assert on what PagerDuty would now hold (or on the requests it received). Faults are injected on demand.
 *
 *   npx vitest run examples/testing-with-the-fake.test.ts
 */
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Fiber, Layer, Option, Schema, TestClock } from "effect"
import { PagerDuty, RestApi } from "effect-pagerduty"
import { FakeFault, FakePagerDuty, type FakePagerDutyOptions } from "effect-pagerduty/testing"
import { FakePagerDutyServer } from "effect-pagerduty/testing/server"

// ---- The code under test: acknowledge every triggered incident of a service, in one multi-update. ----

const Incident = Schema.Struct({ id: Schema.String, status: Schema.String })

const acknowledgeTriggered = (serviceId: string) =>
  Effect.gen(function*() {
    const api = yield* RestApi
    const triggered = yield* api.listAll("/incidents", {
      params: { service_ids: [serviceId], statuses: ["triggered"] },
      schema: Incident
    })
    if (triggered.length === 0) return 0
    const updated = yield* api.rput("/incidents", {
      json: triggered.map((incident) => ({ id: incident.id, type: "incident_reference", status: "acknowledged" })),
      schema: Schema.Array(Incident)
    })
    return updated.length
  })

// ---- The tests. ----

// The client as in production, but on the fake's in-memory HttpClient; provideMerge keeps FakePagerDuty visible.
const testLayer = (options?: FakePagerDutyOptions) =>
  PagerDuty.layer({ apiKey: "test-key", defaultFrom: "oncall@example.com" }).pipe(
    Layer.provideMerge(FakePagerDuty.layer(options))
  )

const service = (id: string) => ({ id, type: "service_reference" })

const seed = {
  services: [{ id: "PSVC001", name: "Checkout" }, { id: "PSVC002", name: "Search" }],
  users: [{ name: "On-call", email: "oncall@example.com" }],
  incidents: [
    { id: "PINC001", title: "Checkout 5xx", status: "triggered", service: service("PSVC001") },
    { id: "PINC002", title: "Checkout latency", status: "triggered", service: service("PSVC001") },
    { id: "PINC003", title: "Old outage", status: "resolved", service: service("PSVC001") },
    { id: "PINC004", title: "Search down", status: "triggered", service: service("PSVC002") }
  ]
}

const statusOf = (id: string) =>
  Effect.flatMap(FakePagerDuty, (fake) => fake.get("incidents", id)).pipe(
    Effect.map(Option.map((incident) => incident.status))
  )

describe("acknowledgeTriggered", () => {
  it.effect("acknowledges the service's triggered incidents and nothing else", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* acknowledgeTriggered("PSVC001"), 2)
      assert.deepStrictEqual(yield* statusOf("PINC001"), Option.some("acknowledged"))
      assert.deepStrictEqual(yield* statusOf("PINC002"), Option.some("acknowledged"))
      assert.deepStrictEqual(yield* statusOf("PINC003"), Option.some("resolved"))
      assert.deepStrictEqual(yield* statusOf("PINC004"), Option.some("triggered"))

      // One list request and one multi-update, sent with the From header.
      const fake = yield* FakePagerDuty
      const requests = yield* fake.requests
      assert.deepStrictEqual(requests.map((request) => `${request.method} ${request.path}`), [
        "GET /incidents",
        "PUT /incidents"
      ])
      assert.strictEqual(requests[1].headers.from, "oncall@example.com")
    }).pipe(Effect.provide(testLayer({ seed }))))

  it.effect("sends no update when nothing is triggered", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* acknowledgeTriggered("PSVC001"), 0)
      const fake = yield* FakePagerDuty
      assert.strictEqual((yield* fake.requests).length, 1)
    }).pipe(Effect.provide(testLayer({ seed: { ...seed, incidents: [] } }))))

  it.effect("fails with a typed error when PagerDuty answers 500, and changes nothing", () =>
    Effect.gen(function*() {
      const fake = yield* FakePagerDuty
      yield* fake.injectFault(FakeFault.status(500), { method: "PUT", path: "/incidents" })
      const error = yield* Effect.flip(acknowledgeTriggered("PSVC001"))
      assert.strictEqual(error._tag === "PDHTTPError" ? error.status : undefined, 500)
      assert.deepStrictEqual(yield* statusOf("PINC001"), Option.some("triggered"))
    }).pipe(Effect.provide(testLayer({ seed }))))

  it.effect("waits out a 429 as PagerDuty asks (TestClock: no real waiting)", () =>
    Effect.gen(function*() {
      const fake = yield* FakePagerDuty
      yield* fake.injectFault(FakeFault.status(429, { headers: { "ratelimit-reset": "30" } }), { path: "/incidents" })
      const fiber = yield* Effect.fork(acknowledgeTriggered("PSVC001"))
      // The client got the 429 and now sleeps (an attempt in flight would show its 60 s timeout instead): PagerDuty
      // asked for 30 s, honoured in full, plus at most 250 ms + 10 % of it.
      const wakeUps = yield* TestClock.sleeps().pipe(
        Effect.map(Chunk.toReadonlyArray),
        Effect.repeat({ until: (sleeps) => sleeps.some((at) => at < 60_000) })
      )
      const wakeUp = Math.min(...wakeUps)
      assert.isAtLeast(wakeUp, 30_000)
      assert.isAtMost(wakeUp, 33_250)
      yield* TestClock.adjust("29 seconds")
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber))) // still waiting
      yield* TestClock.adjust("1 minute")
      assert.strictEqual(yield* Fiber.join(fiber), 2)
    }).pipe(Effect.provide(testLayer({ seed }))))

  // The same fake over a real socket on 127.0.0.1 (for tests of a whole process, or of another HTTP client).
  it.live("works over the loopback server", () =>
    Effect.gen(function*() {
      const server = yield* FakePagerDutyServer
      const client = PagerDuty.layer({ apiKey: "test-key", defaultFrom: "oncall@example.com", restUrl: server.url })
      const count = yield* acknowledgeTriggered("PSVC001").pipe(
        Effect.provide(client.pipe(Layer.provide(NodeHttpClient.layerUndici)))
      )
      assert.strictEqual(count, 2)
    }).pipe(Effect.provide(FakePagerDutyServer.layer({ seed }))))
})
