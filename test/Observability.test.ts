/**
 * Spans and metrics: every logical call is one span named after the operation and canonical path, with the status,
 * attempts and request id as attributes and retries as events; calls and attempts are counted separately; no secret
 * reaches a span, and no trace header reaches PagerDuty.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Layer, Metric, Tracer } from "effect"
import { PagerDutyConfig, PagerDutyMetrics, RestApi, RetryPolicy } from "effect-pagerduty"
import { runToEnd } from "./support/clock.js"
import { json, scripted } from "./support/scriptedClient.js"

const KEY = "obs_K3y_0123456789abcd"

const recordingTracer = Effect.map(Effect.tracer, (tracer) => {
  const spans: Array<Tracer.Span> = []
  const recording = Tracer.make({
    span: (...args) => {
      const span = tracer.span(...args)
      spans.push(span)
      return span
    },
    context: (f, fiber) => tracer.context(f, fiber)
  })
  return { recording, spans }
})

describe("observability", () => {
  it.effect("one span per logical call, with status, attempts, request id and retry events; no key anywhere", () =>
    Effect.gen(function*() {
      const fake = yield* scripted((_, index) =>
        index === 0 ? json(503, {}) : json(200, { user: { id: "PABC123" } }, { "x-request-id": "req-42" })
      )
      const { recording, spans } = yield* recordingTracer
      const api = yield* Effect.provide(
        RestApi,
        RestApi.layer.pipe(Layer.provide([PagerDutyConfig.layer({ apiKey: KEY }), RetryPolicy.layer(), fake.layer]))
      ).pipe(Effect.orDie)
      const fiber = yield* Effect.fork(Effect.withTracer(api.rget("/users/PABC123"), recording))
      yield* runToEnd(fiber)

      const call = spans.filter((span) => span.name === "RestApi.rget GET /users/{id}")
      assert.lengthOf(call, 1)
      const [span] = call
      assert.strictEqual(span.attributes.get("http.response.status_code"), 200)
      assert.strictEqual(span.attributes.get("pagerduty.attempts"), 2)
      assert.strictEqual(span.attributes.get("pagerduty.request_id"), "req-42")
      assert.strictEqual(span.attributes.get("pagerduty.endpoint"), "GET /users/{id}")
      const events = (span as unknown as { events: Array<[string, bigint, Record<string, unknown>]> }).events
      assert.isTrue(events.some(([name, , attributes]) => name === "pagerduty.retry" && attributes.status === 503))

      for (const recorded of spans) {
        for (const value of recorded.attributes.values()) assert.notInclude(String(value), KEY)
      }
      for (const request of yield* fake.requests) {
        assert.isUndefined(request.headers["traceparent"])
        assert.isUndefined(request.headers["b3"])
      }
    }))

  it.effect("a call that fails after its last response ends its span as failed (404, missing wrapper)", () =>
    Effect.gen(function*() {
      const fake = yield* scripted((request) =>
        request.url.pathname.endsWith("PNOPE") ? json(404, { error: { message: "Not Found" } }) : json(200, {})
      )
      const { recording, spans } = yield* recordingTracer
      const api = yield* Effect.provide(
        RestApi,
        RestApi.layer.pipe(Layer.provide([PagerDutyConfig.layer({ apiKey: KEY }), RetryPolicy.layer(), fake.layer]))
      ).pipe(Effect.orDie)
      yield* Effect.flip(Effect.withTracer(api.rget("/users/PNOPE"), recording))
      yield* Effect.flip(Effect.withTracer(api.rget("/users/PEMPTY"), recording))
      const calls = spans.filter((span) => span.name === "RestApi.rget GET /users/{id}")
      assert.lengthOf(calls, 2)
      for (const span of calls) {
        assert.strictEqual(span.status._tag, "Ended")
        if (span.status._tag === "Ended") assert.isTrue(Exit.isFailure(span.status.exit))
      }
    }))

  it.effect("counts logical calls and attempts separately, by endpoint", () =>
    Effect.gen(function*() {
      const fake = yield* scripted((_, index) => index < 2 ? json(502, {}) : json(200, { teams: [] }))
      const api = yield* Effect.provide(
        RestApi,
        RestApi.layer.pipe(Layer.provide([PagerDutyConfig.layer({ apiKey: KEY }), RetryPolicy.layer(), fake.layer]))
      ).pipe(Effect.orDie)
      const endpoint = "GET /teams/{id}"
      const calls = Metric.tagged(Metric.tagged(PagerDutyMetrics.calls, "endpoint", endpoint), "outcome", "2xx")
      const attempts = Metric.tagged(PagerDutyMetrics.attempts, "endpoint", endpoint)
      const callsBefore = (yield* Metric.value(calls)).count
      const attemptsBefore = (yield* Metric.value(attempts)).count
      const fiber = yield* Effect.fork(api.jget("/teams/PTEAM01"))
      yield* runToEnd(fiber)
      yield* Fiber.join(fiber)
      assert.strictEqual((yield* Metric.value(calls)).count - callsBefore, 1)
      assert.strictEqual((yield* Metric.value(attempts)).count - attemptsBefore, 3)
    }))
})
