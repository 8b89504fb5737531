/**
 * The endless-paging guards over real loopback sockets, on each `HttpClient` layer: a test-only server
 * (`test/support/pagingServer.ts`) answers pages that never end (a cursor cycle, an analytics page that does not
 * advance, empty pages that say `more`); every stream must end, with the error or warning the unit tests expect and
 * the exact number of requests. No time passes in these scenarios (nothing is retried).
 */
import { assert, describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Either, Stream } from "effect"
import type { RestApiService } from "effect-pagerduty"
import { PDClientError } from "effect-pagerduty"
import { users, withLogs } from "./support/paginationClient.js"
import type { ServedRequest } from "./support/pagingServer.js"
import { clientLayers, pagingServer, restApiOn } from "./support/pagingServer.js"

const results = <A, E>(stream: Stream.Stream<A, E>) =>
  Effect.map(Stream.runCollect(Stream.either(stream)), Chunk.toReadonlyArray)

const failureOf = <A, E>(all: ReadonlyArray<Either.Either<A, E>>) => {
  const failures = all.filter(Either.isLeft).map((r) => r.left)
  expect(failures).toHaveLength(1)
  const error = failures[0]
  assert.instanceOf(error, PDClientError)
  return error
}

const int = (request: ServedRequest, name: string, fallback: number) => {
  const value = request.query.get(name)
  return value === null ? fallback : Number(value)
}

const warnings = (lines: ReadonlyArray<{ readonly level: string; readonly message: string }>) =>
  lines.filter((line) => line.level === "WARN").map((line) => line.message)

const emptyPageWarning = (offset: number) =>
  `GET /users answered an empty page with "more": true at offset ${offset}; stopping (PagerDuty's answer is ` +
  `inconsistent, and asking again would never end)`

/** 1,000 records announced, 500 served: from offset 500 on, empty pages that still say more. */
const truncatedUsers = (request: ServedRequest) => {
  const offset = int(request, "offset", 0)
  const limit = int(request, "limit", 25)
  return {
    body: {
      users: users(500).slice(offset, offset + limit),
      more: true,
      total: request.query.get("total") === "true" ? 1_000 : null
    }
  }
}

for (const [name, client] of clientLayers) {
  const on = (answer: Parameters<typeof pagingServer>[0]) =>
    Effect.gen(function*() {
      const server = yield* pagingServer(answer)
      const api: RestApiService = yield* restApiOn(server, client)
      return { server, api }
    })

  describe(`paging guards over loopback (${name})`, () => {
    it.scopedLive("cursor cycle A, B, A on /audit/records: three pages, then a Pagination error", () =>
      Effect.gen(function*() {
        const { api, server } = yield* on((request) => {
          const cursor = request.query.get("cursor")
          return { body: { records: [{ id: cursor ?? "start" }], next_cursor: cursor === "A" ? "B" : "A" } }
        })
        const all = yield* results(api.iterCursor("/audit/records"))
        expect(all.filter(Either.isRight).map((r) => r.right)).toEqual([{ id: "start" }, { id: "A" }, { id: "B" }])
        const error = failureOf(all)
        expect(error.reason).toBe("Pagination")
        expect(error.message).toContain("GET /audit/records answered a \"cursor\" cursor it had already given")
        expect(server.requests.map((r) => r.query.get("cursor"))).toEqual([null, "A", "B"])
      }))

    it.scopedLive("after cycle A, B, A on /alert_grouping_settings: a Pagination error", () =>
      Effect.gen(function*() {
        const { api, server } = yield* on((request) => {
          const after = request.query.get("after")
          return { body: { alert_grouping_settings: [{ id: after ?? "start" }], after: after === "A" ? "B" : "A" } }
        })
        const error = failureOf(yield* results(api.iterAll("/alert_grouping_settings")))
        expect(error.reason).toBe("Pagination")
        expect(error.message).toContain("GET /alert_grouping_settings")
        expect(server.requests).toHaveLength(3)
      }))

    it.scopedLive("analytics: the same last with more: true is a Pagination error after two requests", () =>
      Effect.gen(function*() {
        const { api, server } = yield* on(() => ({ body: { data: [{ id: "A1" }], last: "A1", more: true } }))
        const all = yield* results(api.iterAnalytics("/analytics/raw/incidents", { pageSize: 10 }))
        expect(all.filter(Either.isRight)).toHaveLength(2)
        const error = failureOf(all)
        expect(error.reason).toBe("Pagination")
        expect(error.message).toContain("POST /analytics/raw/incidents answered \"last\": \"A1\"")
        expect(server.requests.map((r) => r.body)).toEqual([{ limit: 10 }, { limit: 10, starting_after: "A1" }])
      }))

    it.scopedLive("analytics: an empty page with more: true is a Pagination error", () =>
      Effect.gen(function*() {
        const { api, server } = yield* on((request) => ({
          body: request.body !== undefined && (request.body as { starting_after?: string }).starting_after === "A1"
            ? { data: [], last: null, more: true }
            : { data: [{ id: "A1" }], last: "A1", more: true }
        }))
        const error = failureOf(yield* results(api.iterAnalytics("/analytics/raw/incidents")))
        expect(error.reason).toBe("Pagination")
        expect(error.message).toContain("answered an empty page with \"more\": true")
        expect(server.requests).toHaveLength(2)
      }))

    it.scopedLive("offset: an empty page with more: true at 500 ends both modes alike, with the same warning", () =>
      Effect.gen(function*() {
        const sequential = yield* on(truncatedUsers)
        const concurrent = yield* on(truncatedUsers)
        const [one, oneLogs] = yield* withLogs(results(sequential.api.iterAll("/users")))
        const [eight, eightLogs] = yield* withLogs(results(concurrent.api.iterAll("/users", { concurrency: 8 })))
        expect(one).toHaveLength(500)
        expect(eight).toEqual(one)
        expect(warnings(oneLogs)).toEqual([emptyPageWarning(500)])
        expect(warnings(eightLogs)).toEqual([emptyPageWarning(500)])
        expect(sequential.server.requests).toHaveLength(6)
        expect(concurrent.server.requests.length).toBeLessThanOrEqual(10)
      }))

    it.scopedLive("concurrent offset: an empty first page with more: true is one request and the warning", () =>
      Effect.gen(function*() {
        const { api, server } = yield* on(() => ({ body: { users: [], more: true, total: 300 } }))
        const [all, logs] = yield* withLogs(results(api.iterAll("/users", { concurrency: 8 })))
        expect(all).toHaveLength(0)
        expect(warnings(logs)).toEqual([emptyPageWarning(0)])
        expect(server.requests).toHaveLength(1)
      }))

    it.scopedLive("concurrent offset without total: sequential, every item once", () =>
      Effect.gen(function*() {
        const { api, server } = yield* on((request) => {
          const offset = int(request, "offset", 0)
          return { body: { users: users(250).slice(offset, offset + 100), more: offset + 100 < 250 } }
        })
        const all = yield* results(api.iterAll("/users", { concurrency: 8 }))
        expect(all.map((r) => Either.getOrThrow(r))).toEqual(users(250))
        expect(server.requests.map((r) => int(r, "offset", -1))).toEqual([0, 100, 200])
      }))

    it.scopedLive("page size: pageSize and json.limit that disagree are refused before anything is sent", () =>
      Effect.gen(function*() {
        const { api, server } = yield* on(() => ({ body: { data: [], more: false } }))
        const error = failureOf(
          yield* results(api.iterAnalytics("/analytics/raw/incidents", { pageSize: 10, json: { limit: 20 } }))
        )
        expect(error.reason).toBe("InvalidInput")
        expect(server.requests).toHaveLength(0)
      }))
  })
}
