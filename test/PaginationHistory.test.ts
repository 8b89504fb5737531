import { assert, describe, expect, it } from "@effect/vitest"
import { Chunk, DateTime, Effect, Logger, Stream } from "effect"
import type { RestApiService } from "effect-pagerduty"
import { PDClientError, RestApi } from "effect-pagerduty"
import type { Fake, Handler, Recorded } from "./support/paginationClient.js"
import { layerFor, makeFake, offsetPage } from "./support/paginationClient.js"

const T0 = Date.parse("2026-01-01T00:00:00Z")

interface Entry {
  readonly id: string
  readonly created_at: string
}

/** `n` log entries, one every `step` milliseconds from T0 (or all at `at`). */
const entries = (n: number, step = 1000): Array<Entry> =>
  Array.from({ length: n }, (_, i) => ({
    id: `LE${String(i).padStart(6, "0")}`,
    created_at: new Date(T0 + i * step).toISOString()
  }))

/**
 * `GET /log_entries` filtered by `since`/`until` on `created_at`: half-open `[since, until)` like the fake PagerDuty,
 * or inclusive on both ends (`inclusive`), or not filtered at all (`ignore`).
 */
const history = (
  all: ReadonlyArray<Entry>,
  mode: "half-open" | "inclusive" | "ignore" = "half-open"
): Handler => {
  // Entries are sorted by time: a window is a slice, found by binary search.
  const times = all.map((entry) => Date.parse(entry.created_at))
  const firstIndex = (predicate: (at: number) => boolean) => {
    let lo = 0
    let hi = times.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (predicate(times[mid])) hi = mid
      else lo = mid + 1
    }
    return lo
  }
  return (request: Recorded) => {
    const since = request.url.searchParams.get("since")
    const until = request.url.searchParams.get("until")
    const s = since === null ? -Infinity : Date.parse(since)
    const u = until === null ? Infinity : Date.parse(until)
    const items = mode === "ignore"
      ? all
      : all.slice(firstIndex((at) => at >= s), firstIndex((at) => mode === "inclusive" ? at > u : at >= u))
    return Effect.succeed(offsetPage(request, { items, wrapper: "log_entries" }))
  }
}

const collect = <A, E>(fake: Fake, f: (api: RestApiService) => Stream.Stream<A, E>) =>
  Effect.flatMap(RestApi, (api) => Effect.map(Stream.runCollect(f(api)), Chunk.toReadonlyArray)).pipe(
    Effect.provide(layerFor(fake))
  )

const withLogs = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const lines: Array<string> = []
    const logger = Logger.make(({ logLevel, message }) => {
      const parts = Array.isArray(message) ? message : [message]
      lines.push(`${logLevel.label} ${parts.map(String).join(" ")}`)
    })
    const result = yield* Effect.provide(effect, Logger.add(logger))
    return [result, lines] as const
  })

const ids = (items: ReadonlyArray<unknown>) => items.map((item) => (item as Entry).id)

describe("iterHistory", () => {
  const window = { since: new Date(T0), until: new Date(T0 + 25_000_000) }

  it.effect("a window of 25,000 records across the ceiling comes back complete, each record once", () =>
    Effect.gen(function*() {
      const all = entries(25_000)
      const fake = makeFake(history(all))
      const items = yield* collect(fake, (api) => api.iterHistory("/log_entries", window))
      assert.deepStrictEqual(ids(items), ids(all))
      // No request ever passes the ceiling, and every window was paged by offset within it.
      for (const request of fake.requests) {
        const offset = Number(request.url.searchParams.get("offset") ?? 0)
        const limit = Number(request.url.searchParams.get("limit") ?? 0)
        expect(offset + limit).toBeLessThanOrEqual(10_000)
      }
      const totals = fake.requests.filter((r) => r.url.searchParams.get("total") === "true")
      expect(totals.length).toBeGreaterThanOrEqual(3)
      expect(totals.every((r) => r.url.searchParams.get("limit") === "1")).toBe(true)
    }))

  it.effect("each record once even if PagerDuty treated until as inclusive (boundary records)", () =>
    Effect.gen(function*() {
      const all = entries(25_000)
      const inclusive = history(all, "inclusive")
      let delivered = 0
      const fake = makeFake((request) =>
        Effect.tap(inclusive(request), (reply) =>
          Effect.sync(() => {
            if (request.url.searchParams.get("total") !== "true") {
              delivered += (reply.body as { readonly log_entries: ReadonlyArray<unknown> }).log_entries.length
            }
          }))
      )
      const items = yield* collect(
        fake,
        (api) => api.iterHistory("/log_entries", { since: new Date(T0), until: new Date(T0 + 24_999_000) })
      )
      // The boundary records were delivered twice (once per adjacent window), and emitted once.
      expect(delivered).toBeGreaterThan(all.length)
      assert.deepStrictEqual(ids(items), ids(all))
    }))

  it.effect("accepts any DateTime input and sends ISO timestamps", () =>
    Effect.gen(function*() {
      const all = entries(50)
      const fake = makeFake(history(all))
      const items = yield* collect(fake, (api) =>
        api.iterHistory("/log_entries", {
          since: DateTime.unsafeMake("2026-01-01T00:00:00Z"),
          until: "2026-01-01T00:00:10Z",
          params: { is_overview: true }
        }))
      expect(items).toHaveLength(10)
      const first = fake.requests[0].url.searchParams
      expect(first.get("since")).toBe("2026-01-01T00:00:00.000Z")
      expect(first.get("until")).toBe("2026-01-01T00:00:10.000Z")
      expect(first.get("is_overview")).toBe("true")
    }))

  it.effect("a window that cannot be split further yields what offset paging reaches, with a warning", () =>
    Effect.gen(function*() {
      // 10,500 records within one millisecond-spaced second.
      const all = entries(10_500, 0)
      const fake = makeFake(history(all))
      const [items, logs] = yield* withLogs(
        collect(fake, (api) => api.iterHistory("/log_entries", { since: new Date(T0), until: new Date(T0 + 4_000) }))
      )
      expect(items).toHaveLength(10_000)
      expect(logs.some((line) => line.startsWith("WARN") && line.includes("cannot be split further"))).toBe(true)
    }))

  it.effect("an endpoint that ignores since/until fails instead of bisecting forever", () =>
    Effect.gen(function*() {
      const fake = makeFake(history(entries(12_000), "ignore"))
      const error = yield* Effect.flip(collect(fake, (api) => api.iterHistory("/log_entries", window)))
      assert.instanceOf(error, PDClientError)
      expect(error.message).toContain("does not appear to filter")
      expect(fake.requests.length).toBeLessThanOrEqual(3)
    }))

  it.effect("an empty window sends only the total request", () =>
    Effect.gen(function*() {
      const fake = makeFake(history([]))
      const items = yield* collect(fake, (api) => api.iterHistory("/log_entries", window))
      expect(items).toHaveLength(0)
      expect(fake.requests).toHaveLength(1)
    }))

  it.effect("invalid or reversed windows fail with InvalidInput before sending", () =>
    Effect.gen(function*() {
      const fake = makeFake(history([]))
      const invalid = yield* Effect.flip(
        collect(fake, (api) => api.iterHistory("/log_entries", { since: "not a date", until: new Date(T0) }))
      )
      const reversed = yield* Effect.flip(
        collect(fake, (api) => api.iterHistory("/log_entries", { since: new Date(T0 + 1), until: new Date(T0) }))
      )
      assert.instanceOf(invalid, PDClientError)
      assert.instanceOf(reversed, PDClientError)
      expect(invalid.reason).toBe("InvalidInput")
      expect(reversed.reason).toBe("InvalidInput")
      expect(fake.requests).toHaveLength(0)
    }))

  it.effect("a cursor-paged endpoint is delegated to cursor paging with since/until", () =>
    Effect.gen(function*() {
      const fake = makeFake((request) =>
        Effect.succeed({
          body: request.url.searchParams.get("cursor") === null
            ? { records: [{ id: "R1" }], next_cursor: "c2" }
            : { records: [{ id: "R2" }], next_cursor: null }
        })
      )
      const items = yield* collect(fake, (api) => api.iterHistory("/audit/records", window))
      expect(ids(items)).toEqual(["R1", "R2"])
      expect(fake.requests.every((r) => r.url.searchParams.get("since") === "2026-01-01T00:00:00.000Z")).toBe(true)
      expect(fake.requests[1].url.searchParams.get("cursor")).toBe("c2")
    }))
})
