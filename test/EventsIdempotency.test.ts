/**
 * Issue 11, item 13: a trigger without a `dedup_key` gets one generated before the first attempt, so that a retry
 * after a timeout (PagerDuty may have received the first attempt) cannot open a second incident.
 */
import type { HttpClient } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { EventsApi, PagerDutyConfig, RetryPolicy } from "effect-pagerduty"
import { runToEnd } from "./support/clock.js"
import type { RecordedRequest } from "./support/scriptedClient.js"
import { json, scripted } from "./support/scriptedClient.js"

const ROUTING_KEY = "0123456789abcdef0123456789abcdef"
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

const dedupKeyOf = (request: RecordedRequest): unknown =>
  (JSON.parse(request.body ?? "{}") as { dedup_key?: unknown }).dedup_key

/** The first attempt hangs (it times out), the second is accepted with the dedup key it carries. */
const timeoutThenAccept = scripted((request, index) =>
  index === 0
    ? { hang: true }
    : json(202, { status: "success", message: "Event processed", dedup_key: dedupKeyOf(request) as string })
)

const eventsApi = (client: Layer.Layer<HttpClient.HttpClient>) =>
  Effect.provide(
    EventsApi,
    EventsApi.layer.pipe(
      Layer.provide([
        PagerDutyConfig.layer({ routingKey: ROUTING_KEY, timeout: "10 seconds" }),
        RetryPolicy.layer(),
        client
      ])
    )
  ).pipe(Effect.orDie)

describe("EventsApi: a trigger without a dedup key is idempotent across retries", () => {
  it.effect("trigger: the same generated key on the timed-out attempt and its retry, and it is returned", () =>
    Effect.gen(function*() {
      const fake = yield* timeoutThenAccept
      const events = yield* eventsApi(fake.layer)
      const fiber = yield* Effect.fork(events.trigger("Disk full on db-1", "db-1.example.com"))
      const returned = yield* runToEnd(fiber)
      const requests = yield* fake.requests
      assert.lengthOf(requests, 2)
      const [first, second] = requests.map(dedupKeyOf)
      assert.match(String(first), uuid)
      assert.strictEqual(second, first)
      assert.strictEqual(returned, first)
    }))

  it.effect("send: a whole trigger event without dedup_key gets one too; acknowledge and a given key are untouched", () =>
    Effect.gen(function*() {
      const fake = yield* timeoutThenAccept
      const events = yield* eventsApi(fake.layer)
      const fiber = yield* Effect.fork(
        events.send({ event_action: "trigger", payload: { summary: "CPU", source: "db-1", severity: "error" } })
      )
      const result = yield* runToEnd(fiber)
      const [first, second] = (yield* fake.requests).map(dedupKeyOf)
      assert.match(String(first), uuid)
      assert.strictEqual(second, first)
      assert.strictEqual(result.dedupKey, first)

      const echo = yield* scripted((request) =>
        json(202, { status: "success", dedup_key: String(dedupKeyOf(request) ?? "none") })
      )
      const plain = yield* eventsApi(echo.layer)
      assert.strictEqual(yield* plain.trigger("Disk", "db-1", { dedupKey: "db-1/disk" }), "db-1/disk")
      yield* plain.acknowledge("db-1/disk")
      assert.deepStrictEqual((yield* echo.requests).map(dedupKeyOf), ["db-1/disk", "db-1/disk"])
    }))

  it.effect("two triggers without a key get two different keys", () =>
    Effect.gen(function*() {
      const echo = yield* scripted((request) =>
        json(202, { status: "success", dedup_key: String(dedupKeyOf(request)) })
      )
      const events = yield* eventsApi(echo.layer)
      const a = yield* events.trigger("A", "db-1")
      const b = yield* events.trigger("B", "db-1")
      assert.match(a, uuid)
      assert.notStrictEqual(a, b)
    }))
})
