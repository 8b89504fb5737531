/**
 * `npm run bench:rate-limit` (`--quick`: one run per variant).
 *
 * The fleet scenario of the rate-limit tests, measured: 4 workers (separate runtimes, layers, connection pools and
 * Redis connections) list 2,000 users each, 100 per page with `concurrency: 8`, all at once, with one API key,
 * against one fake PagerDuty on 127.0.0.1 that enforces 20 requests per 2-second window (10 per second: below what a
 * loaded 2-core machine serves, so the budget, not the CPU, is the limit). The layers are configured with the budget. Variants: no `RateLimit`
 * layer (0.1.0's behaviour), a memory `RateLimit.layer()` in each worker (each paces alone), and one budget shared
 * through a real `redis-server` (`RateLimitRedis.layer`). Reports the median total time, the 429s received and the
 * budget used (requests accepted per window over the limit, averaged over the run).
 */
import { Effect, Layer, ManagedRuntime, Stream } from "effect"
import * as Os from "node:os"
import { PagerDuty, RestApi } from "../src/index.js"
import { RateLimit } from "../src/rate-limit.js"
import { RateLimitRedis } from "../src/rate-limit/redis.js"
import { FakePagerDuty } from "../src/testing.js"
import { FakePagerDutyServer } from "../src/testing/server.js"
import { budgetUsed, countingClient, redisServer, redisServerAvailable } from "../test/support/rateLimitFleet.js"
import { median, table } from "./stats.js"

const quick = process.argv.includes("--quick")
const RUNS = quick ? 1 : 3
const WORKERS = 4
const USERS = 2_000
const budget = { limit: 20, window: "2 seconds" } as const
const WINDOW_MILLIS = 2_000

type VariantId = "none" | "memory" | "redis"

interface Outcome {
  readonly millis: number
  readonly rateLimited: number
  readonly used: number
  readonly requests: number
}

const users = Array.from({ length: USERS }, (_, i) => ({ name: `User ${i}`, email: `user${i}@example.com` }))
const listing = Effect.flatMap(RestApi, (api) => Stream.runCount(api.iterAll("/users", { concurrency: 8 })))

const runOnce = (variant: VariantId, redis: { readonly host: string; readonly port: number } | undefined) =>
  Effect.gen(function*() {
    const context = yield* Layer.build(FakePagerDutyServer.layer({ budget, seed: { users }, recordRequests: true }))
    const fake = yield* Effect.provide(FakePagerDuty, context)
    const server = yield* Effect.provide(FakePagerDutyServer, context)
    // One budget name for the whole fleet of this run (a fresh one per run).
    const keyPrefix = `bench:${Date.now()}:`
    const workers = yield* Effect.forEach(Array.from({ length: WORKERS }), () =>
      Effect.acquireRelease(
        Effect.sync(() => {
          const { counter, layer: client } = countingClient()
          const rateLimit = variant === "none"
            ? undefined
            : variant === "memory"
            ? RateLimit.layer({ rest: budget })
            : RateLimitRedis.layer({ redis: redis!, rest: budget, keyPrefix })
          const live = PagerDuty.layer({ apiKey: "bench-fleet-key", restUrl: server.url, rateLimit }).pipe(
            Layer.provide(client)
          )
          return { counter, runtime: ManagedRuntime.make(live) }
        }),
        ({ runtime }) => Effect.promise(() => runtime.dispose())
      ))
    yield* Effect.forEach(workers, ({ runtime }) => runtime.runtimeEffect, { concurrency: "unbounded" })
    const started = performance.now()
    // Bounded: a variant that has not finished in 60 s is reported as such (its figures are those of the 60 s).
    const finished = yield* Effect.forEach(
      workers,
      ({ runtime }) => Effect.promise((signal) => runtime.runPromise(listing, { signal })),
      {
        concurrency: "unbounded"
      }
    ).pipe(Effect.timeout("60 seconds"), Effect.option)
    const millis = finished._tag === "Some" ? performance.now() - started : Number.POSITIVE_INFINITY
    const rateLimited = workers.reduce((sum, { counter }) => sum + counter.count(429), 0)
    const requests = yield* fake.requests
    return {
      millis,
      rateLimited,
      requests: requests.length,
      used: budgetUsed(requests, rateLimited, budget.limit, WINDOW_MILLIS)
    } satisfies Outcome
  }).pipe(Effect.scoped)

const main = Effect.gen(function*() {
  const available = redisServerAvailable()
  const redis = available ? yield* redisServer : undefined
  const variants: ReadonlyArray<readonly [VariantId, string]> = [
    ["none", "no RateLimit layer (0.1.0)"],
    ["memory", "RateLimit.layer() in each worker (memory)"],
    ...(available ? [["redis", "RateLimitRedis.layer, one budget in Redis"] as const] : [])
  ]
  const rows: Array<ReadonlyArray<string>> = []
  for (const [id, label] of variants) {
    const outcomes: Array<Outcome> = []
    for (let run = 0; run < RUNS; run++) {
      process.stderr.write(`${label}: run ${run + 1}/${RUNS}\n`)
      outcomes.push(yield* runOnce(id, redis))
    }
    rows.push([
      label,
      Number.isFinite(median(outcomes.map((o) => o.millis)))
        ? `${(median(outcomes.map((o) => o.millis)) / 1000).toFixed(2)} s`
        : "> 60 s (unfinished)",
      String(median(outcomes.map((o) => o.requests))),
      String(median(outcomes.map((o) => o.rateLimited))),
      `${(median(outcomes.map((o) => o.used)) * 100).toFixed(0)}%`
    ])
  }
  const cpus = Os.cpus()
  const report = [
    `Fleet of ${WORKERS} workers × ${USERS.toLocaleString("en-US")} users (100 per page, concurrency 8), one key, ` +
    `fake budget ${budget.limit} per 2 s (layers configured with it); median of ${RUNS} run(s); ${cpus.length} × ${
      cpus[0]?.model ?? "?"
    }, ` +
    `load ${Os.loadavg().map((l) => l.toFixed(1)).join(" ")}` +
    (available ? "" : " (redis-server not installed: no Redis row)"),
    "",
    table(["variant", "total time", "requests", "429s received", "budget used"], rows)
  ].join("\n")
  yield* Effect.sync(() => process.stdout.write(`${report}\n`))
}).pipe(Effect.scoped)

Effect.runPromise(main).catch((error: unknown) => {
  process.stderr.write(`bench failed: ${String(error)}\n`)
  process.exitCode = 1
})
