/**
 * The endless-paging guards and the page-size rule, with the in-memory client. Each server below would keep a stream
 * without its guard going for ever; it answers 400 after `SAFETY` requests so that a missing guard fails the test
 * (with the wrong error and request count) instead of hanging it.
 */
import { assert, describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Either, Stream } from "effect"
import type { RestApiService } from "effect-pagerduty"
import { PDClientError, RestApi } from "effect-pagerduty"
import type { Fake, Handler, Recorded, Reply } from "./support/paginationClient.js"
import { intParam, layerFor, makeFake, offsetPage, query, users, withLogs } from "./support/paginationClient.js"

const SAFETY = 50

const guarded = (handler: (request: Recorded, index: number) => Reply): Fake => {
  let count = 0
  const fake: Fake = makeFake((request) =>
    Effect.succeed(
      count++ >= SAFETY
        ? { status: 400, body: { error: { code: 2001, message: "the test server gave up" } } }
        : handler(request, count - 1)
    )
  )
  return fake
}

const run = <A, E>(fake: Fake, f: (api: RestApiService) => Stream.Stream<A, E>) =>
  Effect.flatMap(RestApi, (api) => Effect.map(Stream.runCollect(Stream.either(f(api))), Chunk.toReadonlyArray)).pipe(
    Effect.provide(layerFor(fake))
  )

/** The items before the failure, and the failure (which must be a PDClientError). */
const split = <A, E>(results: ReadonlyArray<Either.Either<A, E>>) => {
  const items = results.filter(Either.isRight).map((r) => r.right)
  const failures = results.filter(Either.isLeft).map((r) => r.left)
  expect(failures).toHaveLength(1)
  const error = failures[0]
  assert.instanceOf(error, PDClientError)
  return { items, error }
}

const cursorOf = (request: Recorded, param: string) => request.url.searchParams.get(param)

describe("cursor paging: a cursor seen before ends the stream with a Pagination error", () => {
  // start → A → B → A → ...
  const cycle = (wrapper: string, param: string, next: string) => (request: Recorded): Reply => {
    const cursor = cursorOf(request, param)
    const id = cursor ?? "start"
    return { body: { [wrapper]: [{ id: `item-${id}` }], [next]: cursor === "A" ? "B" : "A", limit: 100 } }
  }

  it.effect("A, B, A on /audit/records: the items of the three pages, then the error naming the endpoint", () =>
    Effect.gen(function*() {
      const fake = guarded(cycle("records", "cursor", "next_cursor"))
      const { error, items } = split(yield* run(fake, (api) => api.iterCursor("/audit/records")))
      assert.deepStrictEqual(items, [{ id: "item-start" }, { id: "item-A" }, { id: "item-B" }])
      expect(fake.requests.map((r) => cursorOf(r, "cursor"))).toEqual([null, "A", "B"])
      expect(error.reason).toBe("Pagination")
      expect(error.method).toBe("GET")
      expect(error.message).toContain("GET /audit/records answered a \"cursor\" cursor it had already given (\"A\")")
      expect(error.message).toContain("after 3 pages")
    }))

  it.effect("iterAll on a cursor-paged endpoint has the same guard", () =>
    Effect.gen(function*() {
      const fake = guarded(cycle("records", "cursor", "next_cursor"))
      const { error, items } = split(yield* run(fake, (api) => api.iterAll("/audit/records")))
      expect(items).toHaveLength(3)
      expect(fake.requests).toHaveLength(3)
      expect(error.reason).toBe("Pagination")
    }))

  it.effect("the same cursor again (no progress) is a cycle too, never a silent end", () =>
    Effect.gen(function*() {
      const fake = guarded((request) => ({
        body: { records: [{ id: cursorOf(request, "cursor") ?? "first" }], next_cursor: "A" }
      }))
      const { error, items } = split(yield* run(fake, (api) => api.iterCursor("/audit/records")))
      assert.deepStrictEqual(items, [{ id: "first" }, { id: "A" }])
      expect(fake.requests).toHaveLength(2)
      expect(error.reason).toBe("Pagination")
      expect(error.message).toContain("(\"A\") after 2 pages")
    }))

  it.effect("the caller's starting cursor counts as seen", () =>
    Effect.gen(function*() {
      const fake = guarded((request) => ({
        body: {
          records: [{ id: cursorOf(request, "cursor") }],
          next_cursor: cursorOf(request, "cursor") === "S" ? "T" : "S"
        }
      }))
      const { error, items } = split(
        yield* run(fake, (api) => api.iterCursor("/audit/records", { params: { cursor: "S" } }))
      )
      assert.deepStrictEqual(items, [{ id: "S" }, { id: "T" }])
      expect(error.reason).toBe("Pagination")
    }))

  it.effect("A, B, A on GET /alert_grouping_settings (the after cursor)", () =>
    Effect.gen(function*() {
      const fake = guarded(cycle("alert_grouping_settings", "after", "after"))
      const { error, items } = split(yield* run(fake, (api) => api.iterAll("/alert_grouping_settings")))
      expect(items).toHaveLength(3)
      expect(fake.requests.map((r) => cursorOf(r, "after"))).toEqual([null, "A", "B"])
      expect(error.reason).toBe("Pagination")
      expect(error.message).toContain("GET /alert_grouping_settings answered a \"after\" cursor")
    }))

  it.effect("each run of the stream starts with no cursor seen", () =>
    Effect.gen(function*() {
      const pages: Record<string, Reply> = {
        start: { body: { records: [{ id: "1" }], next_cursor: "A" } },
        A: { body: { records: [{ id: "2" }], next_cursor: null } }
      }
      const fake = guarded((request) => pages[cursorOf(request, "cursor") ?? "start"])
      const stream = (api: RestApiService) =>
        Stream.concat(api.iterCursor("/audit/records"), api.iterCursor("/audit/records"))
      const results = yield* run(fake, stream)
      expect(results.every(Either.isRight)).toBe(true)
      expect(results).toHaveLength(4)
    }))
})

describe("analytics paging: a page that cannot advance ends the stream with a Pagination error", () => {
  const bodyOf = (request: Recorded) => request.body as { readonly starting_after?: string; readonly limit?: number }

  it.effect("the same last with more: true", () =>
    Effect.gen(function*() {
      const fake = guarded((request) => ({
        body: { data: [{ id: bodyOf(request).starting_after ?? "first" }], last: "A1", more: true }
      }))
      const { error, items } = split(yield* run(fake, (api) => api.iterAnalytics("/analytics/raw/incidents")))
      assert.deepStrictEqual(items, [{ id: "first" }, { id: "A1" }])
      expect(fake.requests.map((r) => bodyOf(r).starting_after)).toEqual([undefined, "A1"])
      expect(error.reason).toBe("Pagination")
      expect(error.method).toBe("POST")
      expect(error.message).toContain("POST /analytics/raw/incidents answered \"last\": \"A1\"")
    }))

  it.effect("a cycle of last values (A, B, A)", () =>
    Effect.gen(function*() {
      const fake = guarded((request) => ({
        body: { data: [{ id: "x" }], last: bodyOf(request).starting_after === "A" ? "B" : "A", more: true }
      }))
      const { error, items } = split(yield* run(fake, (api) => api.iterAnalytics("/analytics/raw/users")))
      expect(items).toHaveLength(3)
      expect(fake.requests).toHaveLength(3)
      expect(error.reason).toBe("Pagination")
      expect(error.message).toContain("POST /analytics/raw/users")
    }))

  it.effect("an empty page with more: true", () =>
    Effect.gen(function*() {
      const fake = guarded((request) => ({
        body: bodyOf(request).starting_after === undefined
          ? { data: [{ id: "A1" }], last: "A1", more: true }
          : { data: [], last: null, more: true }
      }))
      const { error, items } = split(yield* run(fake, (api) => api.iterAnalytics("/analytics/raw/incidents")))
      assert.deepStrictEqual(items, [{ id: "A1" }])
      expect(fake.requests).toHaveLength(2)
      expect(error.reason).toBe("Pagination")
      expect(error.message).toContain("POST /analytics/raw/incidents answered an empty page with \"more\": true")
    }))

  it.effect("an empty first page with more: true and a last", () =>
    Effect.gen(function*() {
      const fake = guarded(() => ({ body: { data: [], last: "Z", more: true } }))
      const { error, items } = split(yield* run(fake, (api) => api.iterAnalytics("/analytics/raw/incidents")))
      expect(items).toHaveLength(0)
      expect(fake.requests).toHaveLength(1)
      expect(error.reason).toBe("Pagination")
    }))

  it.effect("more: true without last stops with a warning naming the endpoint", () =>
    Effect.gen(function*() {
      const fake = guarded(() => ({ body: { data: [{ id: "A1" }], more: true } }))
      const [results, logs] = yield* withLogs(run(fake, (api) => api.iterAnalytics("/analytics/raw/incidents")))
      expect(results).toEqual([Either.right({ id: "A1" })])
      expect(fake.requests).toHaveLength(1)
      const warning = logs.find((line) => line.level === "WARN")
      expect(warning?.message).toContain("POST /analytics/raw/incidents answered \"more\": true without \"last\"")
    }))
})

describe("concurrent offset paging ends, warns and continues as sequential paging does", () => {
  /** 1,000 records announced, 500 served: from offset 500 on, empty pages that still say more. */
  const truncated = (request: Recorded): Reply => {
    const offset = intParam(request, "offset", 0)
    const limit = intParam(request, "limit", 25)
    const all = users(500)
    return {
      body: {
        users: all.slice(offset, offset + limit),
        limit,
        offset,
        more: true,
        total: query(request).total === "true" ? 1_000 : null
      }
    }
  }

  it.effect("an empty page with more: true at offset 500: 500 items and the same warning with concurrency 8", () =>
    Effect.gen(function*() {
      const sequential = guarded(truncated)
      const concurrent = guarded(truncated)
      const [one, oneLogs] = yield* withLogs(run(sequential, (api) => api.iterAll("/users")))
      const [eight, eightLogs] = yield* withLogs(run(concurrent, (api) => api.iterAll("/users", { concurrency: 8 })))
      expect(one).toHaveLength(500)
      assert.deepStrictEqual(eight, one)
      const warnings = (logs: typeof oneLogs) =>
        logs.filter((line) => line.level === "WARN").map((line) => line.message)
      expect(warnings(oneLogs)).toEqual([
        "GET /users answered an empty page with \"more\": true at offset 500; stopping (PagerDuty's answer is " +
        "inconsistent, and asking again would never end)"
      ])
      expect(warnings(eightLogs)).toEqual(warnings(oneLogs))
      expect(sequential.requests).toHaveLength(6)
      // The first page, then windows 100..900: at most all nine of them, never a sequential continuation past them.
      expect(concurrent.requests.length).toBeLessThanOrEqual(10)
      expect(Math.max(...concurrent.requests.map((r) => intParam(r, "offset", 0)))).toBeLessThanOrEqual(900)
    }))

  it.effect("an empty first page with more: true: no items, one request, the same warning", () =>
    Effect.gen(function*() {
      const fake = guarded((request) => ({ body: { users: [], more: true, total: query(request).total ? 40 : null } }))
      const [results, logs] = yield* withLogs(run(fake, (api) => api.iterAll("/users", { concurrency: 8 })))
      expect(results).toHaveLength(0)
      expect(fake.requests).toHaveLength(1)
      expect(query(fake.requests[0]).total).toBe("true")
      expect(logs.filter((line) => line.level === "WARN").map((line) => line.message)).toEqual([
        "GET /users answered an empty page with \"more\": true at offset 0; stopping (PagerDuty's answer is " +
        "inconsistent, and asking again would never end)"
      ])
    }))

  it.effect("a missing total: sequential after the first page, every item once, in order", () =>
    Effect.gen(function*() {
      const all = users(350)
      const fake = guarded((request) => {
        const reply = offsetPage(request, { items: all, wrapper: "users" })
        const { total: _total, ...body } = reply.body as Record<string, unknown>
        return { body }
      })
      const results = yield* run(fake, (api) => api.iterAll("/users", { concurrency: 8 }))
      assert.deepStrictEqual(results.map((r) => Either.getOrThrow(r)), all)
      expect(fake.requests.map((r) => intParam(r, "offset", -1))).toEqual([0, 100, 200, 300])
    }))

  it.effect("a missing total, then an empty page with more: true: the same warning, no loop", () =>
    Effect.gen(function*() {
      const fake = guarded((request) => {
        const offset = intParam(request, "offset", 0)
        return { body: { users: offset < 200 ? users(100, offset) : [], more: true } }
      })
      const [results, logs] = yield* withLogs(run(fake, (api) => api.iterAll("/users", { concurrency: 8 })))
      expect(results).toHaveLength(200)
      expect(fake.requests).toHaveLength(3)
      expect(logs.filter((line) => line.level === "WARN").map((line) => line.message)).toEqual([
        "GET /users answered an empty page with \"more\": true at offset 200; stopping (PagerDuty's answer is " +
        "inconsistent, and asking again would never end)"
      ])
    }))

  it.effect("windows are as wide as PagerDuty's pages: a capped limit leaves no gaps", () =>
    Effect.gen(function*() {
      const all = users(1_000)
      // PagerDuty caps limit at 100, whatever was asked.
      const fake = guarded((request) => {
        const offset = intParam(request, "offset", 0)
        const limit = Math.min(intParam(request, "limit", 25), 100)
        return {
          body: {
            users: all.slice(offset, offset + limit),
            more: offset + limit < all.length,
            total: query(request).total === "true" ? all.length : null
          }
        }
      })
      const results = yield* run(fake, (api) => api.iterAll("/users", { concurrency: 4, pageSize: 500 }))
      assert.deepStrictEqual(results.map((r) => Either.getOrThrow(r)), all)
      expect(fake.requests).toHaveLength(10)
    }))

  it.effect("a short page that says more hands over to sequential paging from the items received", () =>
    Effect.gen(function*() {
      const all = users(600)
      const fake = guarded((request) => {
        const reply = offsetPage(request, { items: all, wrapper: "users" })
        const body = reply.body as { users: Array<unknown> }
        // The page at offset 300 comes back with half its items (and still says more).
        return intParam(request, "offset", 0) === 300 ? { body: { ...body, users: body.users.slice(0, 50) } } : reply
      })
      const results = yield* run(fake, (api) => api.iterAll("/users", { concurrency: 3 }))
      assert.deepStrictEqual(results.map((r) => Either.getOrThrow(r)), all)
      const sent = fake.requests.map((r) => intParam(r, "offset", -1))
      expect(sent).toContain(350)
    }))
})

describe("page size: pageSize for every stream, a clear error when two settings disagree", () => {
  const analytics: Handler = () => Effect.succeed({ body: { data: [{ id: "A1" }], last: "A1", more: false } })
  const listing: Handler = (request) => Effect.succeed(offsetPage(request, { items: users(3), wrapper: "users" }))
  const cursor: Handler = () => Effect.succeed({ body: { records: [{ id: "R1" }], next_cursor: null } })

  const failure = <A, E>(fake: Fake, f: (api: RestApiService) => Stream.Stream<A, E>) =>
    Effect.gen(function*() {
      const results = yield* run(fake, f)
      const { error, items } = split(results)
      expect(items).toHaveLength(0)
      expect(fake.requests).toHaveLength(0)
      expect(error.reason).toBe("InvalidInput")
      return error
    })

  it.effect("iterAnalytics: pageSize sets the body's limit", () =>
    Effect.gen(function*() {
      const fake = makeFake(analytics)
      yield* run(fake, (api) => api.iterAnalytics("/analytics/raw/incidents", { pageSize: 25, json: { filters: {} } }))
      assert.deepStrictEqual(fake.requests[0].body, { filters: {}, limit: 25 })
    }))

  it.effect("iterAnalytics: json.limit alone still works; equal to pageSize is fine", () =>
    Effect.gen(function*() {
      const fake = makeFake(analytics)
      yield* run(fake, (api) => api.iterAnalytics("/analytics/raw/incidents", { json: { limit: 20 } }))
      yield* run(fake, (api) => api.iterAnalytics("/analytics/raw/incidents", { pageSize: 20, json: { limit: 20 } }))
      assert.deepStrictEqual(fake.requests.map((r) => r.body), [{ limit: 20 }, { limit: 20 }])
    }))

  it.effect("iterAnalytics: pageSize and json.limit that disagree are refused before sending", () =>
    Effect.gen(function*() {
      const error = yield* failure(
        makeFake(analytics),
        (api) => api.iterAnalytics("/analytics/raw/incidents", { pageSize: 10, json: { limit: 20 } })
      )
      expect(error.message).toBe(
        "POST /analytics/raw/incidents: pageSize (10) and json.limit (20) set two different page sizes; set it once, " +
          "with pageSize"
      )
    }))

  it.effect("iterAnalytics: a params.limit is the page size (in the body, not the query)", () =>
    Effect.gen(function*() {
      const fake = makeFake(analytics)
      yield* run(fake, (api) => api.iterAnalytics("/analytics/raw/incidents", { params: { limit: 30 } }))
      assert.deepStrictEqual(fake.requests[0].body, { limit: 30 })
      expect(fake.requests[0].url.searchParams.has("limit")).toBe(false)
      const error = yield* failure(
        makeFake(analytics),
        (api) => api.iterAnalytics("/analytics/raw/incidents", { params: { limit: 30 }, json: { limit: 31 } })
      )
      expect(error.message).toContain("params.limit (30) and json.limit (31)")
    }))

  it.effect("iterAnalytics: an invalid json.limit is refused", () =>
    Effect.gen(function*() {
      const error = yield* failure(
        makeFake(analytics),
        (api) => api.iterAnalytics("/analytics/raw/incidents", { json: { limit: "many" } })
      )
      expect(error.message).toContain("json.limit must be a positive integer, not many")
    }))

  it.effect("iterAll (offset): pageSize and params.limit, or the URL's limit, that disagree", () =>
    Effect.gen(function*() {
      const params = yield* failure(
        makeFake(listing),
        (api) => api.iterAll("/users", { pageSize: 50, params: { limit: 10 } })
      )
      expect(params.message).toContain("GET /users: pageSize (50) and params.limit (10)")
      const url = yield* failure(makeFake(listing), (api) => api.iterAll("/users?limit=10", { pageSize: 50 }))
      expect(url.message).toContain("pageSize (50) and the URL's limit (10)")
      const ok = makeFake(listing)
      yield* run(ok, (api) => api.iterAll("/users?limit=10", { pageSize: 10, params: { limit: "10" } }))
      expect(query(ok.requests[0]).limit).toBe("10")
    }))

  it.effect("iterCursor, the after cursor and iterHistory follow the same rule", () =>
    Effect.gen(function*() {
      const cursorError = yield* failure(
        makeFake(cursor),
        (api) => api.iterCursor("/audit/records", { pageSize: 10, params: { limit: 25 } })
      )
      expect(cursorError.message).toContain("GET /audit/records: pageSize (10) and params.limit (25)")
      const after = yield* failure(
        makeFake(cursor),
        (api) => api.iterAll("/alert_grouping_settings", { pageSize: 10, params: { limit: 25 } })
      )
      expect(after.message).toContain("GET /alert_grouping_settings")
      const history = yield* failure(
        makeFake(listing),
        (api) =>
          api.iterHistory("/log_entries?limit=5", {
            since: "2026-01-01T00:00:00Z",
            until: "2026-01-02T00:00:00Z",
            pageSize: 7
          })
      )
      expect(history.message).toContain("pageSize (7) and the URL's limit (5)")
      const fine = makeFake(cursor)
      yield* run(fine, (api) => api.iterCursor("/audit/records", { params: { limit: 25 } }))
      expect(query(fine.requests[0]).limit).toBe("25")
    }))
})
