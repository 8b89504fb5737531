/**
 * The `RateLimit` layer under `TestClock`, against the in-memory fake with a budget: pacing, learning the budget from
 * the headers, one budget shared by several layers through one store (what Redis does for a fleet), events per
 * routing key, keyed-hash budget names, options, metrics, and the pure arithmetic.
 */
import { RateLimiter } from "@effect/experimental"
import { HttpClient } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Layer, Metric, Stream, Tracer } from "effect"
import { EventsApi, PagerDuty, RestApi } from "effect-pagerduty"
import { RateLimit } from "effect-pagerduty/rate-limit"
import type { FakeBudgetOptions, FakePagerDutyOptions, RecordedRequest } from "effect-pagerduty/testing"
import { FakePagerDuty } from "effect-pagerduty/testing"
import { createHmac } from "node:crypto"
import { paceIntervalMillis, readBudgetHeaders } from "../src/internal/rateLimit/budget.js"
import { runToEnd } from "./support/clock.js"

const users = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `User ${i}`, email: `user${i}@example.com` }))

/** An in-memory fake and an `HttpClient` on it that counts the 429 answers it receives. */
const fakeWithCounter = (options: FakePagerDutyOptions) =>
  Effect.gen(function*() {
    const fake = yield* FakePagerDuty.make(options)
    const counts = { rateLimited: 0 }
    const client = HttpClient.tap(FakePagerDuty.httpClient(fake), (response) =>
      Effect.sync(() => {
        if (response.status === 429) counts.rateLimited += 1
      }))
    return { fake, counts, client: Layer.succeed(HttpClient.HttpClient, client) }
  })

const listing = Effect.flatMap(RestApi, (api) => Stream.runCount(api.iterAll("/users", { concurrency: 8 })))

/** The rate of the requests the fake received (per window) over the limit, between the first and the last. */
const budgetUsed = (requests: ReadonlyArray<RecordedRequest>, rateLimited: number, fake: FakeBudgetOptions) => {
  const windowMillis = fake.window === "2 seconds" ? 2_000 : 1_000
  const times = requests.map((request) => request.receivedAt)
  const span = Math.max(...times) - Math.min(...times)
  return ((requests.length - rateLimited - 1) / Math.max(1, span)) * windowMillis / fake.limit
}

describe("RateLimit (TestClock, in-memory fake with a budget)", () => {
  it.effect("10,000 users, concurrency 8, 50 requests per second: 429s without the layer, none with it", () =>
    Effect.gen(function*() {
      const budget: FakeBudgetOptions = { limit: 50, window: "1 second" }
      const run = (rateLimit: PagerDuty.RateLimitLayer | undefined) =>
        Effect.gen(function*() {
          const { client, counts, fake } = yield* fakeWithCounter({
            budget,
            seed: { users: users(10_000) },
            latency: "10 millis"
          })
          const live = PagerDuty.layer({ apiKey: "one-process-key", rateLimit }).pipe(Layer.provide(client))
          const fiber = yield* Effect.fork(Effect.provide(listing, live))
          const listed = yield* runToEnd(fiber, 100_000)
          const requests = yield* fake.requests
          return { listed, rateLimited: counts.rateLimited, used: budgetUsed(requests, counts.rateLimited, budget) }
        })
      const without = yield* run(undefined)
      // The limit is learned from `ratelimit-limit`; only the window is configured.
      const paced = yield* run(RateLimit.layer({ rest: { window: "1 second" } }))
      assert.strictEqual(without.listed, 10_000)
      assert.strictEqual(paced.listed, 10_000)
      assert.isAbove(without.rateLimited, 0)
      assert.strictEqual(paced.rateLimited, 0)
      assert.isAtLeast(paced.used, 0.85)
      assert.isAtMost(paced.used, 1)
    }))

  it.effect("4 layers sharing one store share one budget: no 429, at least 85% of it used", () =>
    Effect.gen(function*() {
      const budget: FakeBudgetOptions = { limit: 40, window: "2 seconds" }
      const { client, counts, fake } = yield* fakeWithCounter({
        budget,
        seed: { users: users(2_000) },
        latency: "10 millis"
      })
      // One store (as one Redis), four separate RateLimit layers and clients (as four processes).
      const store = Layer.succeedContext(yield* Layer.build(RateLimiter.layerStoreMemory))
      const workers = Array.from({ length: 4 }, () =>
        PagerDuty.layer({
          apiKey: "fleet-key",
          rateLimit: RateLimit.layerStore({ rest: { window: "2 seconds" } }).pipe(Layer.provide(store))
        }).pipe(Layer.provide(client)))
      const fiber = yield* Effect.fork(
        Effect.forEach(workers, (layer) => Effect.provide(listing, layer), { concurrency: "unbounded" })
      )
      const listed = yield* runToEnd(fiber, 100_000)
      const requests = yield* fake.requests
      assert.deepStrictEqual(listed, [2_000, 2_000, 2_000, 2_000])
      assert.strictEqual(counts.rateLimited, 0)
      const used = budgetUsed(requests, 0, budget)
      assert.isAtLeast(used, 0.85)
      assert.isAtMost(used, 1)
    }).pipe(Effect.scoped))

  it.effect("a configured budget paces from the first request, and records the wait (metric and span event)", () =>
    Effect.gen(function*() {
      const spans: Array<Tracer.Span> = []
      const tracer = yield* Effect.tracer
      const recording = Tracer.make({
        span: (...args) => {
          const span = tracer.span(...args)
          spans.push(span)
          return span
        },
        context: (f) => f()
      })
      const { client, fake } = yield* fakeWithCounter({ seed: { users: users(10) } })
      const live = PagerDuty.layer({
        apiKey: "configured",
        rateLimit: RateLimit.layer({ rest: { limit: 10, window: "1 second" }, headroom: 0 })
      }).pipe(Layer.provide(client))
      const waits = Metric.tagged(RateLimit.waitTime, "kind", "rest")
      const before = (yield* Metric.value(waits)).count
      const fiber = yield* Effect.fork(
        Effect.provide(
          Effect.flatMap(
            RestApi,
            (api) =>
              Effect.forEach([1, 2, 3, 4, 5], () => api.rget("/users/PNONE").pipe(Effect.ignore), { concurrency: 5 })
          ),
          live
        ).pipe(Effect.withTracer(recording))
      )
      yield* runToEnd(fiber)
      const times = (yield* fake.requests).map((request) => request.receivedAt).sort((a, b) => a - b)
      // 10 per second: one every 100 ms, not 5 at once.
      assert.deepStrictEqual(times.map((t) => t - times[0]), [0, 100, 200, 300, 400])
      assert.strictEqual((yield* Metric.value(waits)).count - before, 5)
      const waited = spans.flatMap((span) =>
        (span as unknown as { events: Array<[string, bigint, Record<string, unknown>]> }).events
          .filter(([name]) => name === "pagerduty.rate_limit.wait")
          .map(([, , attributes]) => Number(attributes["wait.ms"]))
      ).sort((a, b) => a - b)
      // The first call went at once (no event); the others waited 100, 200, 300 and 400 ms.
      assert.deepStrictEqual(waited, [100, 200, 300, 400])
    }))

  it.effect("paces EventsApi per routing key: one key's budget does not slow another's", () =>
    Effect.gen(function*() {
      const { client, fake } = yield* fakeWithCounter({})
      const [first, second] = yield* fake.seed("services", [{ name: "Checkout" }, { name: "Search" }])
      const keyA = yield* fake.addIntegration(String(first.id))
      const keyB = yield* fake.addIntegration(String(second.id))
      const live = PagerDuty.layer({
        rateLimit: RateLimit.layer({ events: { limit: 2, window: "1 second" }, headroom: 0 })
      }).pipe(Layer.provide(client))
      const send = (routingKey: string, summary: string) =>
        Effect.flatMap(EventsApi, (events) => events.trigger(summary, "host", { routingKey }))
      const fiber = yield* Effect.fork(
        Effect.provide(
          Effect.all([send(keyA, "a1"), send(keyA, "a2"), send(keyA, "a3"), send(keyB, "b1")], {
            concurrency: "unbounded"
          }),
          live
        )
      )
      yield* runToEnd(fiber)
      const events = yield* fake.events
      const at = (key: string) =>
        events.filter((e) => e.routingKey === key).map((e) => e.receivedAt).sort((a, b) => a - b)
      const start = Math.min(...events.map((e) => e.receivedAt))
      assert.deepStrictEqual(at(keyA).map((t) => t - start), [0, 500, 1_000])
      assert.deepStrictEqual(at(keyB).map((t) => t - start), [0])
    }))

  it.effect("names each budget by an HMAC of the credential, never the credential", () =>
    Effect.gen(function*() {
      const seen: Array<string> = []
      const recording = Layer.effect(
        RateLimiter.RateLimiterStore,
        Effect.map(RateLimiter.RateLimiterStore, (store) => ({
          fixedWindow: (options: Parameters<typeof store.fixedWindow>[0]) => {
            seen.push(options.key)
            return store.fixedWindow(options)
          },
          tokenBucket: (options: Parameters<typeof store.tokenBucket>[0]) => {
            seen.push(options.key)
            return store.tokenBucket(options)
          }
        }))
      ).pipe(Layer.provide(RateLimiter.layerStoreMemory))
      const names = (hashKey: string | undefined) =>
        Effect.gen(function*() {
          seen.length = 0
          const { client } = yield* fakeWithCounter({ seed: { users: users(3) } })
          const rateLimit = RateLimit.layerStore({
            rest: { limit: 100 },
            ...(hashKey === undefined ? {} : { hashKey })
          })
            .pipe(Layer.provide(recording))
          yield* Effect.provide(
            Effect.flatMap(RestApi, (api) => api.listAll("/users")),
            PagerDuty.layer({ apiKey: "u+SECRETKEY123", rateLimit }).pipe(Layer.provide(client))
          )
          return seen.filter((key) => key.includes(":rest:"))
        })
      const byDefault = yield* names(undefined)
      const expected = createHmac("sha256", "effect-pagerduty rate-limit budget v1")
        .update("rest:Token token=u+SECRETKEY123")
        .digest("hex")
      assert.isAbove(byDefault.length, 0)
      for (const key of byDefault) {
        assert.strictEqual(key, `effect-pagerduty:rest:${expected}`)
        assert.notInclude(key, "SECRETKEY123")
      }
      const withSecret = yield* names("fleet secret")
      assert.notStrictEqual(withSecret[0], byDefault[0])
      assert.match(withSecret[0], /^effect-pagerduty:rest:[0-9a-f]{64}$/)
    }))

  it.effect("invalid options fail the layer with a ConfigError naming the option", () =>
    Effect.gen(function*() {
      const build = (options: RateLimit.Options) => Effect.exit(Effect.scoped(Layer.build(RateLimit.layer(options))))
      for (
        const [options, name] of [
          [{ headroom: 1 }, "headroom"],
          [{ headroom: Number.NaN }, "headroom"],
          [{ rest: { limit: 0 } }, "limit"],
          [{ events: { limit: 2.5 } }, "limit"],
          [{ rest: { window: "soon" as never } }, "window"],
          [{ hashKey: "" }, "hashKey"]
        ] as const
      ) {
        const exit = yield* build(options)
        assert.isTrue(Exit.isFailure(exit), JSON.stringify(options))
        if (Exit.isFailure(exit)) assert.include(String(exit.cause), name)
      }
      assert.isTrue(Exit.isSuccess(yield* build({ headroom: 0, rest: { limit: 960, window: "1 minute" } })))
    }))
})

describe("RateLimit arithmetic", () => {
  it("reads PagerDuty's three headers, ignoring invalid values", () => {
    assert.deepStrictEqual(
      readBudgetHeaders({ "ratelimit-limit": "960", "ratelimit-remaining": "12", "ratelimit-reset": "37" }),
      { limit: 960, remaining: 12, resetMillis: 37_000 }
    )
    assert.deepStrictEqual(
      readBudgetHeaders({ "ratelimit-limit": "0", "ratelimit-remaining": "-1", "ratelimit-reset": "soon" }),
      { limit: undefined, remaining: undefined, resetMillis: undefined }
    )
    assert.deepStrictEqual(readBudgetHeaders({}), { limit: undefined, remaining: undefined, resetMillis: undefined })
  })

  it("spreads (1 - headroom) of the budget evenly over the window", () => {
    assert.closeTo(paceIntervalMillis({ limit: 50, windowMillis: 1_000 }, 0.1), 1_000 / 45, 1e-9)
    assert.strictEqual(paceIntervalMillis({ limit: 960, windowMillis: 60_000 }, 0), 62.5)
    assert.strictEqual(paceIntervalMillis({ limit: 1, windowMillis: 1_000 }, 0.5), 1_000)
  })
})
