/**
 * The `RateLimit` layer shared by a fleet: 4 separate runtimes, each with its own layers, its own connection pool and
 * its own Redis connection, share one credential's budget through a real `redis-server` on 127.0.0.1 (started here on
 * a free port) while they all list at once against one fake with one budget. Real time and real sockets, necessarily.
 *
 * The fleet is configured with the key's budget (as a deployment that knows its key's limit would be), so pacing starts
 * with the first request; learning the budget from the headers is tested in RateLimit.test.ts and
 * RateLimitLoopback.test.ts.
 *
 * In CI (`CI=true`) a missing or failing `redis-server` fails this test (`.ci/run` installs it); elsewhere, without
 * `redis-server`, the test is skipped.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, ManagedRuntime, Stream } from "effect"
import { PagerDuty, RestApi } from "effect-pagerduty"
import { RateLimitRedis } from "effect-pagerduty/rate-limit/redis"
import { FakePagerDuty } from "effect-pagerduty/testing"
import { FakePagerDutyServer } from "effect-pagerduty/testing/server"
import { budgetUsed, countingClient, redisServer, redisServerAvailable } from "./support/rateLimitFleet.js"

const WORKERS = 4
const USERS = 1_000
/** 10 requests per second, counted in 2-second windows: well below what a loaded 2-core machine serves. */
const budget = { limit: 20, window: "2 seconds" } as const
const WINDOW_MILLIS = 2_000

const inCi = process.env.CI === "true"
const available = redisServerAvailable()

const users = Array.from({ length: USERS }, (_, i) => ({ name: `User ${i}`, email: `user${i}@example.com` }))

const listing = Effect.flatMap(RestApi, (api) => Stream.runCount(api.iterAll("/users", { concurrency: 8 })))

describe("RateLimit, a fleet sharing one budget through Redis", () => {
  it.scopedLive.skipIf(!available && !inCi)(
    `${WORKERS} runtimes, each with its own Redis connection, list at once: no 429, at least 85% of the budget used`,
    () =>
      Effect.gen(function*() {
        if (!available) {
          return yield* Effect.die(
            new Error("redis-server is not installed: the fleet test needs it (.ci/run installs it with apt-get)")
          )
        }
        const redis = yield* redisServer.pipe(Effect.orDie)
        const fakeContext = yield* Layer.build(FakePagerDutyServer.layer({ budget, seed: { users } }))
        const fake = yield* Effect.provide(FakePagerDuty, fakeContext)
        const server = yield* Effect.provide(FakePagerDutyServer, fakeContext)

        const workers = yield* Effect.forEach(Array.from({ length: WORKERS }, (_, i) => i), () =>
          Effect.acquireRelease(
            Effect.sync(() => {
              const { counter, layer: client } = countingClient()
              const rateLimit = RateLimitRedis.layer({ redis, rest: budget })
              const live = PagerDuty.layer({ apiKey: "fleet-key", restUrl: server.url, rateLimit }).pipe(
                Layer.provide(client)
              )
              return { counter, runtime: ManagedRuntime.make(live) }
            }),
            ({ runtime }) => Effect.promise(() => runtime.dispose())
          ))
        // Build every runtime (Redis connections, pools) before the clock of the run starts.
        yield* Effect.forEach(workers, ({ runtime }) => runtime.runtimeEffect, { concurrency: "unbounded" })

        const listed = yield* Effect.forEach(
          workers,
          ({ runtime }) => Effect.promise(() => runtime.runPromise(listing)),
          { concurrency: "unbounded" }
        )
        const rateLimited = workers.reduce((sum, { counter }) => sum + counter.count(429), 0)
        const requests = yield* fake.requests
        const used = budgetUsed(requests, rateLimited, budget.limit, WINDOW_MILLIS)
        yield* Effect.logInfo(
          `fleet of ${WORKERS}: ${requests.length} requests, ${rateLimited} answers with 429, ` +
            `${(used * 100).toFixed(1)}% of the budget used`
        )
        assert.deepStrictEqual(listed, Array.from({ length: WORKERS }, () => USERS))
        assert.strictEqual(rateLimited, 0)
        assert.isAtLeast(used, 0.85)
        assert.isAtMost(used, 1)
      }),
    { timeout: 60_000 }
  )
})
