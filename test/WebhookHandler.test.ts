/**
 * The receiver's answers, in memory (a web `Request` as the `HttpServerRequest`): the size cap, malformed bodies,
 * signature failures (401 with nothing more, the handler never run, no secret logged), handler selection, the
 * deduplication store (in memory, in progress, replaced by the user).
 */
import { HttpServerRequest } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Layer, Logger, Redacted, Ref, Tracer } from "effect"
import { WebhookEventStore, WebhookHandler, WebhookSignature } from "effect-pagerduty/webhooks"

const SECRET = Redacted.make("whsec-handler-test-secret")

const body = (
  eventType: string,
  id = "01EVT",
  data: unknown = { id: "PINC001", type: "incident", status: "triggered" }
) =>
  JSON.stringify({
    event: {
      id,
      event_type: eventType,
      resource_type: "incident",
      occurred_at: "2024-05-01T12:00:00.000Z",
      agent: null,
      client: null,
      data
    }
  })

const post = (
  app: WebhookHandler.WebhookApp,
  payload: string,
  signature?: string | null
) =>
  Effect.gen(function*() {
    const header = signature === undefined ? yield* WebhookSignature.sign(payload, SECRET) : signature
    const headers: Record<string, string> = { "content-type": "application/json" }
    if (header !== null) headers["x-pagerduty-signature"] = header
    const request = HttpServerRequest.fromWeb(
      new Request("http://localhost/pagerduty", { method: "POST", body: payload, headers })
    )
    const response = yield* Effect.provideService(app, HttpServerRequest.HttpServerRequest, request)
    const text = response.body._tag === "Uint8Array" ? new TextDecoder().decode(response.body.body) : ""
    return { status: response.status, text }
  })

describe("WebhookHandler", () => {
  it.effect("401 'invalid signature' for a missing, malformed or wrong signature; the handler never runs", () =>
    Effect.gen(function*() {
      const logs: Array<string> = []
      const calls = yield* Ref.make(0)
      const app = yield* WebhookHandler.make({ secrets: SECRET, handle: () => Ref.update(calls, (n) => n + 1) })
      const payload = body("incident.triggered")
      const other = yield* WebhookSignature.sign(payload, Redacted.make("another-secret"))
      for (const signature of [null, "v0=abcd", other]) {
        const answer = yield* post(app, payload, signature).pipe(
          Effect.provide(Logger.replace(Logger.defaultLogger, Logger.make(({ message }) => logs.push(String(message)))))
        )
        assert.deepStrictEqual(answer, { status: 401, text: "invalid signature" })
      }
      assert.strictEqual(yield* Ref.get(calls), 0)
      assert.lengthOf(logs, 3)
      for (const line of logs) assert.notInclude(line, Redacted.value(SECRET))
    }))

  it.effect("400 for a signed body that is not a v3 event; 413 over the cap", () =>
    Effect.gen(function*() {
      const app = yield* WebhookHandler.make({ secrets: SECRET, handle: () => Effect.void, maxBodyBytes: 1024 })
      assert.strictEqual((yield* post(app, "not json")).status, 400)
      assert.strictEqual((yield* post(app, body("incident.triggered", "01A", { id: 7 }))).status, 400)
      assert.strictEqual((yield* post(app, "{\"event\":{}}")).status, 400)
      assert.strictEqual((yield* post(app, body("pagey.ping", "x".repeat(2000), { type: "ping" }))).status, 413)
    }))

  it.effect("per-type handlers take precedence over handle; unknown types go to `unknown`; no handler: 204", () =>
    Effect.gen(function*() {
      const seen = yield* Ref.make<ReadonlyArray<string>>([])
      const record = (label: string) => Ref.update(seen, (all) => [...all, label])
      const app = yield* WebhookHandler.make({
        secrets: SECRET,
        handlers: {
          "incident.triggered": (event) => record(`triggered ${event.data.status}`),
          unknown: (event) => record(`unknown ${event.event_type}`)
        },
        handle: (event) => record(`any ${event.event_type}`)
      })
      for (
        const [type, id] of [["incident.triggered", "1"], ["incident.resolved", "2"], [
          "incident.workflow.started",
          "3"
        ]]
      ) {
        assert.strictEqual((yield* post(app, body(type, id, type.endsWith("started") ? {} : undefined))).status, 204)
      }
      assert.deepStrictEqual(yield* Ref.get(seen), [
        "triggered triggered",
        "any incident.resolved",
        "unknown incident.workflow.started"
      ])
      const none = yield* WebhookHandler.make({ secrets: SECRET })
      assert.strictEqual((yield* post(none, body("incident.triggered"))).status, 204)
    }))

  it.effect("deduplicates by event id: done is 204 without running, in progress is 503, failed is handled again", () =>
    Effect.gen(function*() {
      const calls = yield* Ref.make(0)
      const gate = yield* Deferred.make<void>()
      const fail = yield* Ref.make(true)
      const app = yield* WebhookHandler.make({
        secrets: SECRET,
        handle: (event) =>
          Effect.gen(function*() {
            yield* Ref.update(calls, (n) => n + 1)
            if (event.id === "slow") yield* Deferred.await(gate)
            if (event.id === "flaky" && (yield* Ref.getAndSet(fail, false))) return yield* Effect.fail("boom")
          })
      })
      assert.strictEqual((yield* post(app, body("incident.triggered", "once"))).status, 204)
      assert.strictEqual((yield* post(app, body("incident.triggered", "once"))).status, 204)
      assert.strictEqual(yield* Ref.get(calls), 1)

      const slow = yield* Effect.fork(post(app, body("incident.triggered", "slow")))
      yield* Effect.yieldNow()
      assert.strictEqual((yield* post(app, body("incident.triggered", "slow"))).status, 503)
      yield* Deferred.succeed(gate, void 0)
      assert.strictEqual((yield* Fiber.join(slow)).status, 204)

      assert.deepStrictEqual(yield* post(app, body("incident.triggered", "flaky")), {
        status: 500,
        text: "handler failed"
      })
      assert.strictEqual((yield* post(app, body("incident.triggered", "flaky"))).status, 204)
      assert.strictEqual(yield* Ref.get(calls), 4)
    }).pipe(Effect.provide(Logger.remove(Logger.defaultLogger))))

  it.effect("uses the WebhookEventStore of the context when there is one", () =>
    Effect.gen(function*() {
      const claims = yield* Ref.make<ReadonlyArray<string>>([])
      const store: WebhookEventStore.WebhookEventStoreService = {
        begin: (id) => Effect.as(Ref.update(claims, (all) => [...all, id]), "Done" as const),
        complete: () => Effect.void,
        abandon: () => Effect.void
      }
      const calls = yield* Ref.make(0)
      const app = yield* WebhookHandler.make({ secrets: SECRET, handle: () => Ref.update(calls, (n) => n + 1) }).pipe(
        Effect.provide(Layer.succeed(WebhookEventStore.WebhookEventStore, store))
      )
      assert.strictEqual((yield* post(app, body("incident.triggered", "shared"))).status, 204)
      assert.deepStrictEqual(yield* Ref.get(claims), ["shared"])
      assert.strictEqual(yield* Ref.get(calls), 0)
    }))

  it.effect("spans name the event, never the secret", () =>
    Effect.gen(function*() {
      const tracer = yield* Effect.tracer
      const spans: Array<Tracer.Span> = []
      const recording = Tracer.make({
        span: (...args) => {
          const span = tracer.span(...args)
          spans.push(span)
          return span
        },
        context: (f, fiber) => tracer.context(f, fiber)
      })
      const app = yield* WebhookHandler.make({ secrets: SECRET, handle: () => Effect.void })
      yield* Effect.withTracer(post(app, body("incident.triggered", "traced")), recording)
      yield* Effect.withTracer(post(app, body("incident.triggered", "bad"), "v1=00"), recording)
      const handler = spans.find((span) => span.name === "WebhookHandler")
      assert.strictEqual(handler?.attributes.get("pagerduty.webhook.event_id"), "traced")
      assert.isTrue(spans.some((span) => span.name === "WebhookSignature.verify"))
      for (const span of spans) {
        for (const value of span.attributes.values()) assert.notInclude(String(value), Redacted.value(SECRET))
        const exit = span.status._tag === "Ended" ? JSON.stringify(span.status.exit) : ""
        assert.notInclude(exit, Redacted.value(SECRET))
      }
    }).pipe(Effect.provide(Logger.remove(Logger.defaultLogger))))
})
