/**
 * The gate every service of one `PagerDuty.layer` shares: after a rate-limit hold one call goes first (no thundering
 * herd), the hold is seen by every service of the lane, and the executor's other rules (Retry-After, metric labels,
 * unreadable bodies, the "giving up" line) as a user sees them. In memory, under TestClock.
 */
import { HttpClient, HttpClientError, HttpClientResponse } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Clock, Duration, Effect, Either, Fiber, Layer, Logger, Metric, Stream, TestClock } from "effect"
import { ChangeEventsApi, EventsApi, PagerDuty, RestApi } from "effect-pagerduty"
import { FakePagerDuty } from "effect-pagerduty/testing"
import { runToEnd } from "./support/clock.js"
import type { Reply } from "./support/paginationClient.js"
import { intParam, layerFor, makeFake, offsetPage, users } from "./support/paginationClient.js"
import { json, scripted } from "./support/scriptedClient.js"

const rateLimited: Reply = {
  status: 429,
  body: { error: { message: "Rate Limit Exceeded", code: 2020 } },
  headers: { "ratelimit-reset": "1" }
}

/**
 * A 30-second storm of 429s (`ratelimit-reset: 1`) that starts with the listing's second request, so it hits the
 * concurrent pages; returns how many requests got a 429.
 */
const storm = (concurrency: number | undefined) =>
  Effect.gen(function*() {
    const all = users(3_000)
    let stormStart: number | undefined
    let limited = 0
    const fake = makeFake((request) =>
      Effect.gen(function*() {
        // PagerDuty takes a while to answer: concurrent requests are in flight together.
        yield* Effect.sleep("100 millis")
        const now = yield* Clock.currentTimeMillis
        if (stormStart === undefined && intParam(request, "offset", 0) > 0) stormStart = now
        if (stormStart !== undefined && now < stormStart + 30_000) {
          limited += 1
          return rateLimited
        }
        return offsetPage(request, { items: all, wrapper: "users" })
      })
    )
    const fiber = yield* Effect.fork(
      Effect.flatMap(RestApi, (api) =>
        Stream.runCollect(api.iterAll("/users", concurrency === undefined ? {} : { concurrency }))).pipe(
          Effect.provide(layerFor(fake))
        )
    )
    const items = yield* runToEnd(fiber)
    assert.strictEqual(Chunk.size(items), 3_000)
    return limited
  })

describe("the thundering herd", () => {
  it.effect("in a 30 s storm of 429s, concurrency 8 gets at most 1.5 × the 429s of sequential paging", () =>
    Effect.gen(function*() {
      const sequential = yield* storm(undefined)
      const concurrent = yield* storm(8)
      // Sequentially, one request per window: about 30 s / (1 s + jitter + latency). Without the gate (0.1.0), the
      // concurrent listing got about 130.
      assert.isAtLeast(sequential, 20)
      assert.isAtMost(sequential, 31)
      assert.isAtMost(concurrent, Math.floor(1.5 * sequential))
    }))
})

describe("one gate per PagerDuty.layer", () => {
  it.effect("a 429 on the Events API holds the Change Events API of the same layer until ratelimit-reset", () =>
    Effect.gen(function*() {
      const times: Array<number> = []
      const { layer } = yield* scripted((_request, index) =>
        Effect.map(Clock.currentTimeMillis, (now) => {
          times.push(now)
          return index === 0
            ? json(429, { status: "throttle" }, { "ratelimit-reset": "20" })
            : json(202, { status: "success", message: "Event processed", dedup_key: "k" })
        })
      )
      const live = PagerDuty.layer({
        routingKey: "0123456789abcdef0123456789abcdef",
        retry: { eventsRetry: { 429: 0 } }
      })
        .pipe(Layer.provide(layer))
      yield* Effect.gen(function*() {
        const events = yield* EventsApi
        const changes = yield* ChangeEventsApi
        const throttled = yield* Effect.flip(events.trigger("disk full", "db-1"))
        assert.strictEqual(throttled._tag === "PDHTTPError" && throttled.status, 429)
        const fiber = yield* Effect.fork(changes.submit("Deployed v42"))
        yield* runToEnd(fiber)
      }).pipe(Effect.provide(live))
      assert.deepStrictEqual(times, [0, 20_000])
    }))
})

describe("the call that goes first after a hold", () => {
  /**
   * One layer whose 429s are final (`retry: { 429: 0 }`), so the order is fixed: a first call gets a 429 with
   * `ratelimit-reset: 1` and ends; two calls started then (`/users/PB`, `/users/PC`) wait out the hold, one goes first
   * and gets `next` (request 1), the other waits for it; every later request gets a 200. Returns how each of the two
   * ended and when (virtual ms), and the paths sent.
   */
  const afterHold = (
    next: ReturnType<typeof json> | { readonly hang: true },
    interruptFirst: boolean
  ) =>
    Effect.gen(function*() {
      const { layer, requests } = yield* scripted((_request, index) =>
        index === 0
          ? json(429, { error: { message: "Rate Limit Exceeded", code: 2020 } }, { "ratelimit-reset": "1" })
          : index === 1
          ? next
          : json(200, { user: { id: "P1" } }, { "ratelimit-remaining": "10", "ratelimit-reset": "1" })
      )
      const live = PagerDuty.layer({ apiKey: "k-123456", retry: { retry: { 429: 0 } } }).pipe(Layer.provide(layer))
      return yield* Effect.gen(function*() {
        const api = yield* RestApi
        const throttled = yield* Effect.flip(api.jget("/users/PA"))
        assert.strictEqual(throttled._tag === "PDHTTPError" && throttled.status, 429)
        const timed = (path: string) =>
          Effect.fork(
            Effect.zip(Effect.either(api.jget(path)), Clock.currentTimeMillis, { concurrent: false })
          )
        const b = yield* timed("/users/PB")
        const c = yield* timed("/users/PC")
        if (interruptFirst) {
          // Until the call that goes first has sent its request, then interrupt that call.
          for (let jump = 0; jump < 1_000 && (yield* requests).length < 2; jump++) {
            yield* Effect.yieldNow()
            const sleeps = yield* TestClock.sleeps()
            if (!Chunk.isEmpty(sleeps)) yield* TestClock.setTime(Math.min(...Chunk.toReadonlyArray(sleeps)))
          }
          const first = (yield* requests)[1]
          assert.isDefined(first)
          yield* Fiber.interrupt(first.url.pathname === "/users/PB" ? b : c)
          const other = yield* runToEnd(first.url.pathname === "/users/PB" ? c : b)
          return { ended: [other], paths: (yield* requests).map((r) => r.url.pathname) }
        }
        const ended = [yield* runToEnd(b), yield* runToEnd(c)]
        return { ended, paths: (yield* requests).map((r) => r.url.pathname) }
      }).pipe(Effect.provide(live))
    })

  it.effect("its answer spends the window (200, ratelimit-remaining: 0): the other goes when the hold ends", () =>
    Effect.gen(function*() {
      const { ended, paths } = yield* afterHold(
        json(200, { user: { id: "P1" } }, { "ratelimit-remaining": "0", "ratelimit-reset": "1" }),
        false
      )
      assert.strictEqual(paths.length, 3)
      for (const [result, at] of ended) {
        assert.isTrue(Either.isRight(result))
        // The hold of the first 429 (1 s, plus the spread), then the hold of the spent window (1 s).
        assert.isAtMost(at, 2_500)
      }
    }))

  it.effect("it fails on its own 429 (not retried): the other goes when the hold ends", () =>
    Effect.gen(function*() {
      const { ended, paths } = yield* afterHold(
        json(429, { error: { message: "Rate Limit Exceeded", code: 2020 } }, { "ratelimit-reset": "1" }),
        false
      )
      assert.strictEqual(paths.length, 3)
      const statuses = ended.map(([result]) =>
        Either.isRight(result) ? 200 : result.left._tag === "PDHTTPError" ? result.left.status : result.left._tag
      ).sort()
      assert.deepStrictEqual(statuses, [200, 429])
      for (const [, at] of ended) assert.isAtMost(at, 2_500)
    }))

  it.effect("a storm of short holds longer than maxServerWait: the call waiting behind it waits within its budget", () =>
    Effect.gen(function*() {
      // 429s with `ratelimit-reset: 10` for 6 minutes: each wait is 10 s (under maxServerWait, 5 min), the total is
      // under rateLimitBudget (15 min). A call alone waits it out; so must one waiting behind the call that goes first.
      const { layer } = yield* scripted(() =>
        Effect.map(Clock.currentTimeMillis, (now) =>
          now < 360_000
            ? json(429, { error: { message: "Rate Limit Exceeded", code: 2020 } }, { "ratelimit-reset": "10" })
            : json(200, { user: { id: "P1" } }))
      )
      const live = PagerDuty.layer({ apiKey: "k-123456" }).pipe(Layer.provide(layer))
      const ended = yield* Effect.gen(function*() {
        const api = yield* RestApi
        const timed = (path: string) =>
          Effect.fork(Effect.zip(Effect.either(api.jget(path)), Clock.currentTimeMillis, { concurrent: false }))
        const b = yield* timed("/users/PB")
        const c = yield* timed("/users/PC")
        return [yield* runToEnd(b, 100_000), yield* runToEnd(c, 100_000)]
      }).pipe(Effect.provide(live))
      for (const [result, at] of ended) {
        assert.strictEqual(Either.isLeft(result) ? result.left.message : "ok", "ok")
        assert.isAtLeast(at, 360_000)
        // The last hold (10 s) and its spread (at most 250 ms + 10 %).
        assert.isAtMost(at, 371_250)
      }
    }))

  it.effect("it is interrupted while its request is in flight: the other goes at once", () =>
    Effect.gen(function*() {
      const { ended, paths } = yield* afterHold({ hang: true }, true)
      assert.strictEqual(paths.length, 3)
      const [[result, at]] = ended
      assert.isTrue(Either.isRight(result))
      assert.isAtMost(at, 1_500)
    }))
})

describe("a fleet sharing one key, without the RateLimit layer", () => {
  // bench/rateLimit.ts's fleet, in memory: 4 layers (4 gates, as 4 processes) list 2,000 users each, 100 per page with
  // concurrency 8, with one key, against one fake with a budget of 20 requests per 2 s. Each worker needs 20 pages:
  // 80 accepted requests, 4 windows at best (0, 2, 4 and 6 s). Before the gate let go of a first call whose answer
  // spent the window, a worker's other calls waited maxServerWait (5 min) and failed with 429.
  for (const latency of [0, 10, 50]) {
    it.effect(`every listing ends within a few windows (latency ${latency} ms)`, () =>
      Effect.gen(function*() {
        const fake = yield* FakePagerDuty.make({
          budget: { limit: 20, window: "2 seconds" },
          seed: { users: users(2_000).map(({ email, name }) => ({ name, email })) },
          latency: Duration.millis(latency)
        })
        let rateLimited = 0
        const client = HttpClient.tap(FakePagerDuty.httpClient(fake), (response) =>
          Effect.sync(() => {
            if (response.status === 429) rateLimited += 1
          }))
        const workers = Array.from(
          { length: 4 },
          () =>
            PagerDuty.layer({ apiKey: "fleet-key" }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, client)))
        )
        const listing = Effect.flatMap(RestApi, (api) => Stream.runCount(api.iterAll("/users", { concurrency: 8 })))
        const fiber = yield* Effect.fork(
          Effect.forEach(
            workers,
            (layer) => Effect.zip(Effect.provide(listing, layer), Clock.currentTimeMillis, { concurrent: false }),
            { concurrency: "unbounded" }
          )
        )
        const ended = yield* runToEnd(fiber, 100_000)
        const requests = (yield* fake.requests).length
        assert.deepStrictEqual(ended.map(([listed]) => listed), [2_000, 2_000, 2_000, 2_000])
        // Measured: 6.4 to 7.2 s, 94 to 119 requests, 14 to 39 of them answered 429.
        for (const [, at] of ended) assert.isAtMost(at, 10_000)
        assert.strictEqual(requests - rateLimited, 80)
        assert.isAtMost(requests, 160)
      }).pipe(Effect.scoped))
  }
})

describe("server-directed waits through the executor", () => {
  const at = () => {
    const stamps: Array<number> = []
    return {
      stamps,
      stamp: <A>(reply: A) => Effect.map(Clock.currentTimeMillis, (now) => (stamps.push(now), reply))
    }
  }

  it.effect("Retry-After in seconds on a GET 503 is waited in full (plus at most 250 ms + 10 %)", () =>
    Effect.gen(function*() {
      const { stamp, stamps } = at()
      const { layer } = yield* scripted((_r, index) =>
        stamp(index === 0 ? json(503, {}, { "retry-after": "40" }) : json(200, { users: [], more: false }))
      )
      const fiber = yield* Effect.fork(
        Effect.flatMap(RestApi, (api) => api.jget("/users")).pipe(
          Effect.provide(PagerDuty.layer({ apiKey: "k-123456" }).pipe(Layer.provide(layer)))
        )
      )
      yield* runToEnd(fiber)
      assert.strictEqual(stamps.length, 2)
      assert.isAtLeast(stamps[1], 40_000)
      assert.isAtMost(stamps[1], 44_250)
    }))

  it.effect("Retry-After as an HTTP date is waited until that date", () =>
    Effect.gen(function*() {
      const { stamp, stamps } = at()
      yield* TestClock.setTime(Date.parse("2026-01-01T00:00:00Z"))
      const { layer } = yield* scripted((_r, index) =>
        stamp(
          index === 0
            ? json(503, {}, { "retry-after": "Thu, 01 Jan 2026 00:01:30 GMT" })
            : json(200, { users: [], more: false })
        )
      )
      const fiber = yield* Effect.fork(
        Effect.flatMap(RestApi, (api) => api.jget("/users")).pipe(
          Effect.provide(PagerDuty.layer({ apiKey: "k-123456" }).pipe(Layer.provide(layer)))
        )
      )
      yield* runToEnd(fiber)
      const waited = stamps[1] - stamps[0]
      assert.isAtLeast(waited, 90_000)
      assert.isAtMost(waited, 99_250)
    }))

  it.effect("a user schedule does not shorten PagerDuty's wait", () =>
    Effect.gen(function*() {
      const { Schedule } = yield* Effect.promise(() => import("effect"))
      const { stamp, stamps } = at()
      const { layer } = yield* scripted((_r, index) =>
        stamp(index === 0 ? json(429, {}, { "ratelimit-reset": "30" }) : json(200, { users: [], more: false }))
      )
      const fiber = yield* Effect.fork(
        Effect.flatMap(RestApi, (api) => api.jget("/users")).pipe(
          Effect.provide(
            PagerDuty.layer({
              apiKey: "k-123456",
              retry: { schedule: Schedule.spaced("1 second"), staggerCooldown: 0 }
            })
              .pipe(Layer.provide(layer))
          )
        )
      )
      yield* runToEnd(fiber)
      assert.isAtLeast(stamps[1], 30_000)
      assert.isAtMost(stamps[1], 30_250)
    }))

  it.effect("maxWait and sleepTimerBase shape the waits between 503s", () =>
    Effect.gen(function*() {
      const { stamp, stamps } = at()
      const { layer } = yield* scripted((_r, index) => stamp(index < 3 ? json(503, {}) : json(200, { users: [] })))
      const fiber = yield* Effect.fork(
        Effect.flatMap(RestApi, (api) => api.jget("/users")).pipe(
          Effect.provide(
            PagerDuty.layer({
              apiKey: "k-123456",
              retry: {
                retry: { 503: 3 },
                sleepTimer: "1 second",
                sleepTimerBase: 3,
                maxWait: "5 seconds",
                staggerCooldown: 0
              }
            }).pipe(Layer.provide(layer))
          )
        )
      )
      yield* runToEnd(fiber)
      // 1 s × 3¹ = 3 s, 1 s × 3² = 9 s capped at 5 s, then 5 s again.
      assert.deepStrictEqual(stamps, [0, 3_000, 8_000, 13_000])
    }))
})

describe("executor paths", () => {
  interface Line {
    readonly level: string
    readonly message: string
  }
  const withLogs = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    Effect.gen(function*() {
      const lines: Array<Line> = []
      const logger = Logger.make(({ logLevel, message }) => {
        lines.push({ level: logLevel.label, message: (Array.isArray(message) ? message : [message]).join(" ") })
      })
      const result = yield* Effect.provide(effect, Logger.add(logger))
      return [result, lines] as const
    })

  it.effect("a body that cannot be read is retried as a transport error", () =>
    Effect.gen(function*() {
      let sent = 0
      const client = HttpClient.make((request) =>
        Effect.sync(() => {
          sent += 1
          const body = sent === 1
            ? new ReadableStream({ start: (controller) => controller.error(new Error("socket hang up")) })
            : JSON.stringify({ users: [], more: false })
          return HttpClientResponse.fromWeb(
            request,
            new Response(body, { status: 200, headers: { "content-type": "application/json" } })
          )
        })
      )
      const fiber = yield* Effect.fork(
        withLogs(
          Effect.flatMap(RestApi, (api) => api.jget("/users")).pipe(
            Effect.provide(
              PagerDuty.layer({ apiKey: "k-123456" }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, client)))
            )
          )
        )
      )
      const [result, lines] = yield* runToEnd(fiber)
      assert.deepStrictEqual(result, { users: [], more: false })
      assert.strictEqual(sent, 2)
      assert.isTrue(lines.some((line) => line.level === "WARN" && line.message.includes("could not be read")))
    }))

  it.effect("a request that cannot be built is an InvalidUrl error, not retried", () =>
    Effect.gen(function*() {
      let sent = 0
      const client = HttpClient.make((request) =>
        Effect.suspend(() => {
          sent += 1
          return Effect.fail(
            new HttpClientError.RequestError({ request, reason: "Encode", cause: new Error("bad body") })
          )
        })
      )
      const error = yield* Effect.flatMap(RestApi, (api) => Effect.flip(api.jget("/users"))).pipe(
        Effect.provide(
          PagerDuty.layer({ apiKey: "k-123456" }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, client)))
        )
      )
      assert.strictEqual(error._tag === "PDClientError" && error.reason, "InvalidUrl")
      assert.strictEqual(sent, 1)
    }))

  it.effect("retries that run out log one ERROR line: giving up after N attempts", () =>
    Effect.gen(function*() {
      const { layer } = yield* scripted(() => json(503, {}))
      const fiber = yield* Effect.fork(
        withLogs(
          Effect.flatMap(RestApi, (api) => Effect.flip(api.jget("/users"))).pipe(
            Effect.provide(PagerDuty.layer({ apiKey: "k-123456" }).pipe(Layer.provide(layer)))
          )
        )
      )
      const [error, lines] = yield* runToEnd(fiber)
      assert.strictEqual(error._tag === "PDHTTPError" && error.status, 503)
      const errors = lines.filter((line) => line.level === "ERROR")
      assert.deepStrictEqual(errors.map((line) => line.message), [
        "PagerDuty GET https://api.pagerduty.com/users: giving up after 3 attempts; last status 503"
      ])
    }))
})

describe("metric labels", () => {
  it.effect("3,000 undocumented paths give a bounded number of endpoint labels", () =>
    Effect.gen(function*() {
      const { layer } = yield* scripted(() => json(200, {}))
      yield* Effect.gen(function*() {
        const api = yield* RestApi
        for (let i = 0; i < 3_000; i++) {
          // ids of every shape, and a few hundred distinct undocumented static paths
          yield* api.jget(
            i % 3 === 0 ? `/widgets/W${100_000 + i}` : i % 3 === 1 ? `/gadgets/${i}/parts` : `/things-${i % 400}`
          )
        }
      }).pipe(Effect.provide(PagerDuty.layer({ apiKey: "k-123456" }).pipe(Layer.provide(layer))))
      const pairs = yield* Metric.snapshot
      const labels = new Set<string>()
      for (const pair of pairs) {
        if (pair.metricKey.name !== "pagerduty_attempts_total") continue
        for (const tag of pair.metricKey.tags) if (tag.key === "endpoint") labels.add(tag.value)
      }
      assert.isAtMost(labels.size, 40)
      assert.isTrue(labels.has("GET /widgets/{id}"))
      assert.isTrue(labels.has("GET /gadgets/{id}/parts"))
    }))
})
