/**
 * The `RateLimit` layer over real loopback sockets and real time (pacing is about time on the wire): one process
 * listing 10,000 users with `concurrency: 8` against the fake with a budget of 50 requests per second, the budget
 * learned from the headers. The same scenario without the layer, and its 429s, are asserted under `TestClock` in
 * RateLimit.test.ts: over real sockets, whether a client exceeds 50 requests per second depends on the machine's load.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Stream } from "effect"
import { PagerDuty, RestApi } from "effect-pagerduty"
import { RateLimit } from "effect-pagerduty/rate-limit"
import { FakePagerDuty } from "effect-pagerduty/testing"
import { FakePagerDutyServer } from "effect-pagerduty/testing/server"
import { budgetUsed, countingClient } from "./support/rateLimitFleet.js"

const USERS = 10_000
const budget = { limit: 50, window: "1 second" } as const

const users = Array.from({ length: USERS }, (_, i) => ({ name: `User ${i}`, email: `user${i}@example.com` }))

/** Lists every user with `concurrency: 8`; returns the 429s received and the budget used. */
const listAll = (rateLimit: PagerDuty.RateLimitLayer) =>
  Effect.gen(function*() {
    const fake = yield* FakePagerDuty
    const server = yield* FakePagerDutyServer
    const { counter, layer: client } = countingClient()
    const live = PagerDuty.layer({ apiKey: "one-process-key", restUrl: server.url, rateLimit }).pipe(
      Layer.provide(client)
    )
    const listed = yield* Effect.gen(function*() {
      const api = yield* RestApi
      return yield* Stream.runCount(api.iterAll("/users", { concurrency: 8 }))
    }).pipe(Effect.provide(live))
    const requests = yield* fake.requests
    return {
      listed,
      rateLimited: counter.count(429),
      used: budgetUsed(requests, counter.count(429), budget.limit, 1_000)
    }
  }).pipe(Effect.provide(FakePagerDutyServer.layer({ budget, seed: { users } })))

describe("RateLimit, one process (loopback, real time)", () => {
  it.live(
    "10,000 users with concurrency 8 under 50 requests per second: no 429 with the layer",
    () =>
      Effect.gen(function*() {
        const paced = yield* listAll(RateLimit.layer({ rest: { window: "1 second" } }))
        yield* Effect.logInfo(
          `with the layer: ${paced.rateLimited} answers with 429, ${(paced.used * 100).toFixed(0)}% of the budget used`
        )
        assert.strictEqual(paced.listed, USERS)
        assert.strictEqual(paced.rateLimited, 0)
      }),
    { timeout: 60_000 }
  )
})
