/**
 * A consumer of the BUILT package's rate-limit entries (`effect-pagerduty/rate-limit`, `effect-pagerduty/rate-limit/redis`),
 * and the check that the main entries do not need the optional peers: no module reachable from `effect-pagerduty` or
 * `effect-pagerduty/testing` imports `@effect/experimental` or `ioredis`.
 */
import { Effect, Stream } from "effect"
import { PagerDuty, RestApi } from "effect-pagerduty"
import { RateLimit } from "effect-pagerduty/rate-limit"
import type { RateLimitRedis } from "effect-pagerduty/rate-limit/redis"
import { FakePagerDuty } from "effect-pagerduty/testing"
import { readFileSync } from "node:fs"
import { dirname, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const optionalPeers = ["@effect/experimental", "ioredis"]

/** The bare specifiers imported by the modules reachable from `entry` through relative imports. */
const bareImports = (entry: string): Set<string> => {
  const seen = new Set<string>()
  const bare = new Set<string>()
  const visit = (file: string) => {
    if (seen.has(file)) return
    seen.add(file)
    const source = readFileSync(file, "utf8")
    for (const match of source.matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)) {
      const specifier = match[1]
      if (specifier.startsWith(".")) visit(resolve(dirname(file), specifier))
      else bare.add(specifier)
    }
  }
  visit(entry)
  return bare
}

// The check itself is checked: the rate-limit entry does reach `@effect/experimental`.
if (
  ![...bareImports(fileURLToPath(import.meta.resolve("effect-pagerduty/rate-limit")))].includes(
    "@effect/experimental/RateLimiter"
  )
) {
  throw new Error("the import graph check cannot see effect-pagerduty/rate-limit's imports")
}
for (const entry of ["effect-pagerduty", "effect-pagerduty/testing"]) {
  const imported = [...bareImports(fileURLToPath(import.meta.resolve(entry)))]
  const offending = imported.filter((specifier) => optionalPeers.some((peer) => specifier.startsWith(peer)))
  if (offending.length > 0) {
    throw new Error(`${entry} imports optional peers: ${offending.join(", ")}`)
  }
}

const redisOptions: RateLimitRedis.Options = { redis: { host: "127.0.0.1" }, rest: { window: "1 minute" } }

const program = Effect.gen(function*() {
  const fake = yield* FakePagerDuty
  yield* fake.seed("users", [{ name: "Ada Lovelace", email: "ada@example.com" }])
  const api = yield* RestApi
  return yield* Stream.runCount(api.iterAll("/users"))
})

const main = program.pipe(
  Effect.provide(PagerDuty.layer({ apiKey: "consumer-key", rateLimit: RateLimit.layer() })),
  Effect.provide(FakePagerDuty.layer({ budget: { limit: 10, window: "1 second" } }))
)

Effect.runPromise(main).then(
  (users) => {
    if (users !== 1 || redisOptions.redis.host !== "127.0.0.1") throw new Error(`unexpected result: ${users}`)
    process.stdout.write(`rate-limit entries OK; the main entries import no optional peer\n`)
  },
  (error: unknown) => {
    process.stderr.write(`rate-limit entries FAILED: ${String(error)}\n`)
    process.exitCode = 1
  }
)
