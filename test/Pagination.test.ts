import { assert, describe, expect, it } from "@effect/vitest"
import { Chunk, Clock, Deferred, Effect, Either, Fiber, Option, Schema, Stream, TestClock } from "effect"
import type { RestApiService } from "effect-pagerduty"
import { PDClientError, PDHTTPError, RestApi } from "effect-pagerduty"
import type { Fake, Handler, Recorded, Reply } from "./support/paginationClient.js"
import {
  intParam,
  layerFor,
  makeFake,
  offsetPage,
  query,
  users,
  withLogs,
  withSpans
} from "./support/paginationClient.js"

const withApi = <A, E>(fake: Fake, f: (api: RestApiService) => Effect.Effect<A, E>) =>
  Effect.flatMap(RestApi, f).pipe(Effect.provide(layerFor(fake)))

const collect = <A, E>(fake: Fake, f: (api: RestApiService) => Stream.Stream<A, E>) =>
  withApi(fake, (api) => Effect.map(Stream.runCollect(f(api)), Chunk.toReadonlyArray))

const listing = (items: ReadonlyArray<unknown>, wrapper = "users"): Handler => (request) =>
  Effect.succeed(offsetPage(request, { items, wrapper }))

const offsets = (fake: Fake) => fake.requests.map((r) => intParam(r, "offset", -1))
const limits = (fake: Fake) => fake.requests.map((r) => intParam(r, "limit", -1))

/** Forks the effect and advances the TestClock in small steps until it is done. */
const runWithClock = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(effect)
    for (let i = 0; i < 100_000; i++) {
      const done = yield* Fiber.poll(fiber)
      if (Option.isSome(done)) break
      yield* TestClock.adjust("10 millis")
    }
    return yield* Fiber.join(fiber)
  })

describe("iterAll: offset paging", () => {
  it.effect("sends limit=100 pages at offsets advanced by the items received, until more is false", () =>
    Effect.gen(function*() {
      const all = users(250)
      const fake = makeFake(listing(all))
      const items = yield* collect(fake, (api) => api.iterAll("/users"))
      assert.deepStrictEqual(items, all)
      expect(offsets(fake)).toEqual([0, 100, 200])
      expect(limits(fake)).toEqual([100, 100, 100])
      expect(fake.requests[0].url.searchParams.has("total")).toBe(false)
    }))

  it.effect("pageSize sets limit", () =>
    Effect.gen(function*() {
      const fake = makeFake(listing(users(120)))
      const items = yield* collect(fake, (api) => api.iterAll("/users", { pageSize: 50 }))
      expect(items).toHaveLength(120)
      expect(offsets(fake)).toEqual([0, 50, 100])
      expect(limits(fake)).toEqual([50, 50, 50])
    }))

  it.effect("stops when more is false, even if the page was full", () =>
    Effect.gen(function*() {
      const fake = makeFake(() => Effect.succeed({ body: { users: users(100), more: false } }))
      const items = yield* collect(fake, (api) => api.iterAll("/users"))
      expect(items).toHaveLength(100)
      expect(fake.requests).toHaveLength(1)
    }))

  it.effect("stops after a page without more (an endpoint that does not page)", () =>
    Effect.gen(function*() {
      const fake = makeFake(() => Effect.succeed({ body: { users: users(3) } }))
      const items = yield* collect(fake, (api) => api.iterAll("/users"))
      expect(items).toHaveLength(3)
      expect(fake.requests).toHaveLength(1)
    }))

  it.effect("an empty page with more: true ends the stream (no loop) and logs a warning", () =>
    Effect.gen(function*() {
      const fake = makeFake((request) =>
        Effect.succeed({
          body: { users: intParam(request, "offset", 0) === 0 ? users(100) : [], more: true, limit: 100 }
        })
      )
      const [items, logs] = yield* withLogs(collect(fake, (api) => api.iterAll("/users")))
      expect(items).toHaveLength(100)
      expect(offsets(fake)).toEqual([0, 100])
      expect(limits(fake)).toEqual([100, 100])
      expect(logs.some((line) => line.level === "WARN" && line.message.includes("empty page"))).toBe(true)
    }))

  it.effect("advances by the items received when the echoed limit is null or different; limit is not shrunk", () =>
    Effect.gen(function*() {
      const all = users(30)
      const fake = makeFake((request) => {
        const offset = intParam(request, "offset", 0)
        const page = all.slice(offset, offset + 7)
        return Effect.succeed({
          body: { users: page, limit: offset === 0 ? null : 7, offset, more: offset + 7 < all.length }
        })
      })
      const items = yield* collect(fake, (api) => api.iterAll("/users"))
      assert.deepStrictEqual(items, all)
      expect(offsets(fake)).toEqual([0, 7, 14, 21, 28])
      expect(limits(fake)).toEqual([100, 100, 100, 100, 100])
    }))

  it.effect("merges params and the URL's query; the user's limit and offset are the start", () =>
    Effect.gen(function*() {
      const fake = makeFake(listing(users(60)))
      const items = yield* collect(fake, (api) =>
        api.iterAll("/users?include[]=contact_methods", {
          params: { team_ids: ["T1", "T2"], limit: 10, offset: "20" }
        }))
      expect(items).toHaveLength(40)
      expect(offsets(fake)).toEqual([20, 30, 40, 50])
      expect(limits(fake)).toEqual([10, 10, 10, 10])
      const first = fake.requests[0].url.searchParams
      expect(first.getAll("include[]")).toEqual(["contact_methods"])
      expect(first.getAll("team_ids[]")).toEqual(["T1", "T2"])
    }))

  it.effect("Stream.take sends only the pages it needs", () =>
    Effect.gen(function*() {
      const fake = makeFake(listing(users(10_000)))
      const five = yield* collect(fake, (api) => Stream.take(api.iterAll("/users"), 5))
      expect(five).toHaveLength(5)
      expect(fake.requests).toHaveLength(1)
      const more = yield* collect(fake, (api) => Stream.take(api.iterAll("/users"), 150))
      expect(more).toHaveLength(150)
      expect(fake.requests).toHaveLength(3)
    }))

  it.effect("an HTTP error mid-stream fails with the typed error after the items already emitted", () =>
    Effect.gen(function*() {
      const all = users(300)
      const fake = makeFake((request) =>
        intParam(request, "offset", 0) === 200
          ? Effect.succeed({ status: 403, body: { error: { code: 2010, message: "Forbidden" } } })
          : Effect.succeed(offsetPage(request, { items: all, wrapper: "users" }))
      )
      const results = yield* collect(fake, (api) => Stream.either(api.iterAll("/users")))
      expect(results).toHaveLength(201)
      assert.deepStrictEqual(results.slice(0, 200).map((r) => Either.getOrThrow(r)), all.slice(0, 200))
      const last = results[200]
      assert.isTrue(Either.isLeft(last))
      if (Either.isLeft(last)) {
        assert.instanceOf(last.left, PDHTTPError)
        expect(last.left.status).toBe(403)
      }
      const listed = yield* Effect.flip(withApi(fake, (api) => api.listAll("/users")))
      assert.instanceOf(listed, PDHTTPError)
    }))

  it.effect("a page without the wrapper fails with UnexpectedShape", () =>
    Effect.gen(function*() {
      const fake = makeFake(() => Effect.succeed({ body: { people: [], more: false } }))
      const error = yield* Effect.flip(collect(fake, (api) => api.iterAll("/users")))
      assert.instanceOf(error, PDHTTPError)
      expect(error.reason).toBe("UnexpectedShape")
      expect(error.message).toContain("\"users\"")
    }))

  it.effect("interruption cancels the in-flight request", () =>
    Effect.gen(function*() {
      const started = yield* Deferred.make<void>()
      let interrupted = false
      const all = users(300)
      const fake = makeFake((request) =>
        intParam(request, "offset", 0) === 100
          ? Deferred.succeed(started, undefined).pipe(
            Effect.zipRight(Effect.never),
            Effect.onInterrupt(() =>
              Effect.sync(() => {
                interrupted = true
              })
            )
          )
          : Effect.succeed(offsetPage(request, { items: all, wrapper: "users" }))
      )
      const fiber = yield* Effect.fork(collect(fake, (api) => api.iterAll("/users")))
      yield* Deferred.await(started)
      yield* Fiber.interrupt(fiber)
      expect(interrupted).toBe(true)
      expect(fake.requests).toHaveLength(2)
    }))

  it.effect("dedupe drops items whose id was already emitted (a collection shifting while paged)", () =>
    Effect.gen(function*() {
      const all = users(250)
      // Page 2 starts 10 records early, as if 10 records had been inserted at the top while paging.
      const fake = makeFake((request) => {
        const offset = intParam(request, "offset", 0)
        const start = offset === 0 ? 0 : offset - 10
        return Effect.succeed({ body: { users: all.slice(start, start + 100), more: start + 100 < all.length } })
      })
      const plain = yield* collect(fake, (api) => api.iterAll("/users"))
      const deduped = yield* collect(fake, (api) => api.iterAll("/users", { dedupe: true }))
      expect(plain.length).toBeGreaterThan(250)
      assert.deepStrictEqual(deduped, all)
    }))

  it.effect("a schema decodes each item; a failure names the field", () =>
    Effect.gen(function*() {
      const User = Schema.Struct({ id: Schema.String, email: Schema.String })
      const good = makeFake(listing(users(120)))
      const decoded = yield* collect(good, (api) => api.iterAll("/users", { schema: User }))
      expect(decoded[119].email).toBe("user119@example.com")

      const bad = makeFake(listing([...users(3), { id: "PX", email: null }]))
      const error = yield* Effect.flip(collect(bad, (api) => api.iterAll("/users", { schema: User })))
      assert.instanceOf(error, PDClientError)
      expect(error.reason).toBe("Decode")
      expect(error.field).toBe("[3].email")
      expect(error.message).toContain("GET /users")
    }))

  it.effect("listAll, dictAll and total", () =>
    Effect.gen(function*() {
      const all = users(130)
      const fake = makeFake(listing(all))
      const list = yield* withApi(fake, (api) => api.listAll("/users"))
      const byId = yield* withApi(fake, (api) => api.dictAll("/users"))
      const byEmail = yield* withApi(fake, (api) => api.dictAll("/users", { by: "email" }))
      const total = yield* withApi(fake, (api) => api.total("/users", { params: { query: "x" } }))
      assert.deepStrictEqual(list, all)
      expect(byId.size).toBe(130)
      assert.deepStrictEqual(byId.get("PU000007"), all[7])
      assert.deepStrictEqual(byEmail.get("user9@example.com"), all[9])
      expect(total).toBe(130)
      const totalRequest = query(fake.requests[fake.requests.length - 1])
      expect(totalRequest).toMatchObject({ total: "true", limit: "1", offset: "0", query: "x" })
    }))

  it.effect("refuses what is not a paginated collection, before sending", () =>
    Effect.gen(function*() {
      const fake = makeFake(listing(users(1)))
      const single = yield* Effect.flip(collect(fake, (api) => api.iterAll("/users/P1")))
      const unwrapped = yield* Effect.flip(collect(fake, (api) => api.iterAll("/analytics/raw/incidents/I1/responses")))
      const unknown = yield* Effect.flip(collect(fake, (api) => api.iterAll("/no_such_collection")))
      const analytics = yield* Effect.flip(collect(fake, (api) => api.iterAll("/analytics/raw/incidents")))
      for (const error of [single, unwrapped, unknown, analytics]) assert.instanceOf(error, PDClientError)
      expect(single.message).toContain("not a paginated collection")
      expect(unwrapped.message).toContain("not a paginated collection")
      expect(unknown.message).toContain("matches no documented endpoint")
      expect(analytics.message).toContain("iterAnalytics")
      expect(fake.requests).toHaveLength(0)
    }))
})

describe("spans", () => {
  it.effect("each page request is one span with the operation, the canonical path and the page offset or cursor", () =>
    Effect.gen(function*() {
      const fake = makeFake(listing(users(250)))
      const [, spans] = yield* withSpans(collect(fake, (api) => api.iterAll("/users")))
      const pages = spans.filter((span) => span.name.startsWith("RestApi.iterAll"))
      expect(pages.map((span) => span.name)).toEqual([
        "RestApi.iterAll GET /users",
        "RestApi.iterAll GET /users",
        "RestApi.iterAll GET /users"
      ])
      expect(pages.map((span) => span.attributes.get("pagerduty.page.offset"))).toEqual([0, 100, 200])

      const cursor = makeFake((request) =>
        Effect.succeed({
          body: request.url.searchParams.get("cursor") === null
            ? { records: [{ id: "R1" }], next_cursor: "c2" }
            : { records: [{ id: "R2" }], next_cursor: null }
        })
      )
      const [, cursorSpans] = yield* withSpans(collect(cursor, (api) => api.iterCursor("/audit/records")))
      const cursorPages = cursorSpans.filter((span) => span.name.startsWith("RestApi.iterCursor"))
      expect(cursorPages.map((span) => span.name)).toEqual([
        "RestApi.iterCursor GET /audit/records",
        "RestApi.iterCursor GET /audit/records"
      ])
      expect(cursorPages.map((span) => span.attributes.get("pagerduty.page.cursor"))).toEqual(["", "c2"])
    }))
})

describe("iterAll: the 10,000 ceiling", () => {
  const big = users(12_000)

  it.effect("stops at the ceiling with a warning naming the endpoint (reaching exactly 10,000 is allowed)", () =>
    Effect.gen(function*() {
      const fake = makeFake(listing(big))
      const [items, logs] = yield* withLogs(collect(fake, (api) => api.iterAll("/users")))
      expect(items).toHaveLength(10_000)
      expect(fake.requests).toHaveLength(100)
      expect(offsets(fake).at(-1)).toBe(9_900)
      const warning = logs.find((line) => line.level === "WARN" && line.message.includes("10000"))
      expect(warning?.message).toContain("GET /users")
    }))

  it.effect("onCeiling: \"fail\" fails with a PDClientError saying how many items were read", () =>
    Effect.gen(function*() {
      const fake = makeFake(listing(big))
      const results = yield* collect(fake, (api) => Stream.either(api.iterAll("/users", { onCeiling: "fail" })))
      expect(results).toHaveLength(10_001)
      const last = results[10_000]
      assert.isTrue(Either.isLeft(last))
      if (Either.isLeft(last)) {
        assert.instanceOf(last.left, PDClientError)
        expect(last.left.reason).toBe("Pagination")
        expect(last.left.message).toContain("10000 items were read")
      }
    }))

  it.effect("a collection of exactly 10,000 ends normally", () =>
    Effect.gen(function*() {
      const fake = makeFake(listing(big.slice(0, 10_000)))
      const items = yield* collect(fake, (api) => api.iterAll("/users", { onCeiling: "fail" }))
      expect(items).toHaveLength(10_000)
    }))

  it.effect("the last page's limit is shrunk so that offset + limit never passes 10,000", () =>
    Effect.gen(function*() {
      const fake = makeFake(listing(big))
      const [items] = yield* withLogs(collect(fake, (api) => api.iterAll("/users", { params: { offset: 9_850 } })))
      expect(items).toHaveLength(150)
      expect(offsets(fake)).toEqual([9_850, 9_950])
      expect(limits(fake)).toEqual([100, 50])
      const none = makeFake(listing(big))
      const [empty] = yield* withLogs(collect(none, (api) => api.iterAll("/users", { params: { offset: 10_000 } })))
      expect(empty).toHaveLength(0)
      expect(none.requests).toHaveLength(0)
    }))
})

describe("iterAll: concurrency", () => {
  const slowListing = (items: ReadonlyArray<unknown>, state: { inFlight: number; max: number }): Handler => (request) =>
    Effect.gen(function*() {
      state.inFlight += 1
      state.max = Math.max(state.max, state.inFlight)
      yield* Effect.sleep("50 millis")
      state.inFlight -= 1
      return offsetPage(request, { items, wrapper: "users" })
    })

  it.effect("asks for total first, keeps at most n requests in flight, and emits in collection order", () =>
    Effect.gen(function*() {
      const all = users(1_050)
      const state = { inFlight: 0, max: 0 }
      const fake = makeFake(slowListing(all, state))
      const items = yield* runWithClock(collect(fake, (api) => api.iterAll("/users", { concurrency: 3 })))
      assert.deepStrictEqual(items, all)
      expect(state.max).toBe(3)
      expect(fake.requests).toHaveLength(11)
      expect(query(fake.requests[0]).total).toBe("true")
      expect([...offsets(fake)].sort((a, b) => a - b)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000])
    }))

  it.effect("a 429 on one page waits as the retry policy says; no page is lost or repeated", () =>
    Effect.gen(function*() {
      const all = users(800)
      let limited = false
      const at300: Array<number> = []
      const fake = makeFake((request): Effect.Effect<Reply> =>
        Effect.gen(function*() {
          if (intParam(request, "offset", 0) === 300) at300.push(yield* Clock.currentTimeMillis)
          if (intParam(request, "offset", 0) === 300 && !limited) {
            limited = true
            return {
              status: 429,
              body: { error: { message: "Rate Limit Exceeded" } },
              headers: { "ratelimit-reset": "2" }
            }
          }
          return offsetPage(request, { items: all, wrapper: "users" })
        })
      )
      const items = yield* runWithClock(collect(fake, (api) => api.iterAll("/users", { concurrency: 4 })))
      assert.deepStrictEqual(items, all)
      const sent = offsets(fake)
      expect(sent.filter((offset) => offset === 300)).toHaveLength(2)
      expect(sent).toHaveLength(9)
      // PagerDuty asked for 2 s: waited in full, plus at most 250 ms + 10 % of it (the clock moves in 10 ms steps).
      const waited = at300[1] - at300[0]
      expect(waited).toBeGreaterThanOrEqual(2_000)
      expect(waited).toBeLessThanOrEqual(2_460)
    }))

  it.effect("respects the ceiling", () =>
    Effect.gen(function*() {
      const fake = makeFake(listing(users(10_500)))
      const [items, logs] = yield* withLogs(collect(fake, (api) => api.iterAll("/users", { concurrency: 8 })))
      expect(items).toHaveLength(10_000)
      expect(new Set(items.map((item) => (item as { id: string }).id)).size).toBe(10_000)
      expect(Math.max(...offsets(fake))).toBe(9_900)
      expect(logs.some((line) => line.level === "WARN" && line.message.includes("GET /users"))).toBe(true)
    }))

  it.effect("continues sequentially when the collection grew past the total", () =>
    Effect.gen(function*() {
      const all = users(350)
      const fake = makeFake((request) => {
        const reply = offsetPage(request, { items: all, wrapper: "users" })
        // The first answer reports 250 records; 100 more arrive while paging.
        return Effect.succeed(
          query(request).total === "true"
            ? { body: { ...(reply.body as object), total: 250 } }
            : reply
        )
      })
      const items = yield* collect(fake, (api) => api.iterAll("/users", { concurrency: 2 }))
      assert.deepStrictEqual(items, all)
    }))

  it.effect("invalid options fail with InvalidInput", () =>
    Effect.gen(function*() {
      const fake = makeFake(listing(users(1)))
      const concurrency = yield* Effect.flip(collect(fake, (api) => api.iterAll("/users", { concurrency: 0 })))
      const pageSize = yield* Effect.flip(collect(fake, (api) => api.iterAll("/users", { pageSize: -1 })))
      assert.instanceOf(concurrency, PDClientError)
      assert.instanceOf(pageSize, PDClientError)
      expect(concurrency.reason).toBe("InvalidInput")
      expect(pageSize.reason).toBe("InvalidInput")
      expect(fake.requests).toHaveLength(0)
    }))
})

describe("cursor, after and analytics styles", () => {
  const cursorPages = (wrapper: string, param: string, next: string): Handler => (request: Recorded) => {
    const cursor = request.url.searchParams.get(param)
    const pages: Record<string, { items: Array<unknown>; next: string | null }> = {
      start: { items: [{ id: "R1" }, { id: "R2" }], next: "c2" },
      c2: { items: [{ id: "R3" }], next: "c5" },
      c5: { items: [{ id: "R4" }], next: null }
    }
    const page = pages[cursor ?? "start"]
    return Effect.succeed({ body: { [wrapper]: page.items, [next]: page.next, limit: 100 } })
  }

  it.effect("iterCursor follows next_cursor until null, with limit as the page size", () =>
    Effect.gen(function*() {
      const fake = makeFake(cursorPages("records", "cursor", "next_cursor"))
      const items = yield* collect(fake, (api) => api.iterCursor("/audit/records", { pageSize: 25 }))
      assert.deepStrictEqual(items, [{ id: "R1" }, { id: "R2" }, { id: "R3" }, { id: "R4" }])
      expect(fake.requests.map((r) => r.url.searchParams.get("cursor"))).toEqual([null, "c2", "c5"])
      expect(limits(fake)).toEqual([25, 25, 25])
    }))

  it.effect("iterAll on a cursor-paged endpoint delegates to cursor paging and yields every item", () =>
    Effect.gen(function*() {
      const fake = makeFake(cursorPages("records", "cursor", "next_cursor"))
      const items = yield* collect(fake, (api) => api.iterAll("/users/P1/audit/records", { params: { x: "y" } }))
      expect(items).toHaveLength(4)
      expect(fake.requests).toHaveLength(3)
      expect(query(fake.requests[1])).toMatchObject({ cursor: "c2", limit: "100", x: "y" })
      expect(fake.requests[0].url.searchParams.has("offset")).toBe(false)
      const listed = yield* withApi(fake, (api) => api.listAll("/audit/records"))
      expect(listed).toHaveLength(4)
    }))

  it.effect("iterCursor refuses an offset-paged endpoint", () =>
    Effect.gen(function*() {
      const fake = makeFake(listing(users(1)))
      const error = yield* Effect.flip(collect(fake, (api) => api.iterCursor("/users")))
      expect(error.message).toContain("use iterAll")
    }))

  it.effect("iterAll pages GET /alert_grouping_settings by its after cursor", () =>
    Effect.gen(function*() {
      const fake = makeFake(cursorPages("alert_grouping_settings", "after", "after"))
      const items = yield* collect(fake, (api) => api.iterAll("/alert_grouping_settings"))
      expect(items).toHaveLength(4)
      expect(fake.requests.map((r) => r.url.searchParams.get("after"))).toEqual([null, "c2", "c5"])
      expect(limits(fake)).toEqual([100, 100, 100])
    }))

  it.effect("iterAnalytics pages inside the POST body with limit and starting_after", () =>
    Effect.gen(function*() {
      const fake = makeFake((request) => {
        const body = request.body as { readonly starting_after?: string }
        const page = body.starting_after === undefined
          ? { data: [{ id: "A1" }, { id: "A2" }], last: "A2", more: true }
          : body.starting_after === "A2"
          ? { data: [{ id: "A3" }], last: "A3", more: true }
          : { data: [{ id: "A4" }], last: "A4", more: false }
        return Effect.succeed({ body: page })
      })
      const filters = { created_at_start: "2026-01-01T00:00:00Z" }
      const items = yield* collect(fake, (api) => api.iterAnalytics("/analytics/raw/incidents", { json: { filters } }))
      expect(items).toHaveLength(4)
      expect(fake.requests.every((r) => r.method === "POST")).toBe(true)
      assert.deepStrictEqual(fake.requests.map((r) => r.body), [
        { filters, limit: 100 },
        { filters, limit: 100, starting_after: "A2" },
        { filters, limit: 100, starting_after: "A3" }
      ])
    }))

  it.effect("iterAnalytics stops when last is missing even if more is true", () =>
    Effect.gen(function*() {
      const fake = makeFake(() => Effect.succeed({ body: { data: [{ id: "A1" }], more: true } }))
      const items = yield* collect(fake, (api) => api.iterAnalytics("/analytics/raw/users", { pageSize: 10 }))
      expect(items).toHaveLength(1)
      expect(fake.requests).toHaveLength(1)
      assert.deepStrictEqual(fake.requests[0].body, { limit: 10 })
    }))
})
