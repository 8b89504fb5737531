/**
 * Pagination streams and collectors: offset paging (sequential or concurrent) with the 10,000-record ceiling, cursor
 * paging (`cursor` / `next_cursor`), the `after` cursor of `GET /alert_grouping_settings`, analytics paging inside
 * the POST body, `iterHistory` (time-window bisection past the ceiling), and the collectors.
 *
 * Every stream is lazy and pulls one page per step (`Stream.paginateChunkEffect`): an item is never an `Effect` of its
 * own, and nothing is accumulated (apart from `dedupe`'s set of ids and `iterHistory`'s ids of the previous window).
 *
 * @internal
 */
import * as Chunk from "effect/Chunk"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { PDClientError } from "../PagerDutyError.js"
import type { PDHTTPError } from "../PagerDutyError.js"
import type {
  IterAllOptions,
  IterAnalyticsOptions,
  IterHistoryOptions,
  PageOptions,
  RestApiError,
  RestApiService
} from "../RestApi.js"
import { isRecord, pageItems } from "./bodyShape.js"
import { isPathParam, lookupEndpoint } from "./endpoints.js"
import type { EndpointEntry, PaginationStyle } from "./endpointTypes.js"
import type { EntityMethods } from "./entities.js"
import type { Params, ParamValue } from "./params.js"
import { httpError } from "./responses.js"
import type { CallContext, JsonResponse, RestCore } from "./restCore.js"
import { pageDecoder } from "./schemaDecode.js"
import type { ResourceUrl } from "./url.js"
import { relativePath } from "./url.js"

/** @internal */
export type PaginationMethods = Pick<
  RestApiService,
  "iterAll" | "iterCursor" | "iterAnalytics" | "iterHistory" | "listAll" | "dictAll" | "total"
>

/**
 * PagerDuty's ceiling of offset paging: `offset + limit` may not pass it (reaching it exactly is allowed).
 *
 * @internal
 */
export const OFFSET_CEILING = 10_000

/** The default page size (`limit`). @internal */
export const DEFAULT_PAGE_SIZE = 100

/** A paged collection, resolved against the endpoint table. @internal */
interface Collection {
  readonly method: "GET" | "POST"
  /** Absolute URL without its query string. */
  readonly url: string
  /** The parameters of the URL's own query string. */
  readonly query: Params
  readonly template: string
  /** `GET /users`: for messages and log annotations. */
  readonly endpoint: string
  readonly wrapper: string
  readonly style: PaginationStyle | null
}

interface Page {
  readonly response: JsonResponse
  readonly body: Record<string, unknown>
  readonly items: Array<unknown>
}

type Stepped<S> = readonly [Chunk.Chunk<unknown>, Option.Option<S>]

const invalidUrl = (description: string, method: string, url: string) =>
  new PDClientError({ reason: "InvalidUrl", description, method, url })

const invalidInput = (description: string) => new PDClientError({ reason: "InvalidInput", description })

/** Parses a query string into params: repeated and `[]` keys become arrays. */
const parseQuery = (search: string): Params => {
  const out: Record<string, string | Array<string>> = {}
  if (search === "") return out
  for (const [key, value] of new URLSearchParams(search)) {
    if (key.endsWith("[]")) {
      const previous = out[key]
      if (Array.isArray(previous)) previous.push(value)
      else out[key] = [value]
    } else {
      out[key] = value
    }
  }
  return out
}

const withoutKeys = (params: Params, keys: ReadonlyArray<string>): Record<string, ParamValue> => {
  const out: Record<string, ParamValue> = {}
  for (const [key, value] of Object.entries(params)) {
    if (!keys.includes(key)) out[key] = value
  }
  return out
}

/** A non-negative integer parameter (`limit`, `offset`) given as a number or a numeric string. */
const integerParam = (
  params: Params,
  name: string,
  minimum: number
): Effect.Effect<number | undefined, PDClientError> => {
  const value = params[name]
  if (value === undefined || value === null) return Effect.succeed(undefined)
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN
  return Number.isInteger(n) && n >= minimum
    ? Effect.succeed(n)
    : Effect.fail(
      invalidInput(`The "${name}" parameter must be an integer of at least ${minimum}, not ${String(value)}`)
    )
}

const checkPageSize = (pageSize: number | undefined): Effect.Effect<number, PDClientError> =>
  pageSize === undefined
    ? Effect.succeed(DEFAULT_PAGE_SIZE)
    : Number.isInteger(pageSize) && pageSize >= 1
    ? Effect.succeed(pageSize)
    : Effect.fail(invalidInput(`pageSize must be a positive integer, not ${String(pageSize)}`))

/** The id of an item, for `dedupe`: a string or number `id`, else `undefined` (such items always pass). */
const idOf = (item: unknown): string | undefined => {
  if (!isRecord(item)) return undefined
  const id = item.id
  return typeof id === "string" ? id : typeof id === "number" ? String(id) : undefined
}

/** @internal */
export const makePaginationCore = (core: RestCore): PaginationMethods => {
  // -------------------------------------------------------------------------------------------------------------------
  // Resolution
  // -------------------------------------------------------------------------------------------------------------------

  const collection = (
    method: "GET" | "POST",
    resource: ResourceUrl,
    caller: string
  ): Effect.Effect<Collection, PDClientError> =>
    Effect.flatMap(core.resolve(resource, method), (absolute) => {
      const cut = absolute.search(/[?#]/)
      const url = cut === -1 ? absolute : absolute.slice(0, cut)
      const search = cut === -1 || absolute[cut] === "#" ? "" : absolute.slice(cut + 1).split("#")[0]
      const path = relativePath(core.base, url)
      const template = core.canonical(url)
      if (Option.isNone(template)) {
        return Effect.fail(invalidUrl(
          `${method} ${path} matches no documented endpoint of the PagerDuty REST API; ${caller} needs the ` +
            `endpoint table to know how the collection pages (use the JSON verbs for undocumented paths)`,
          method,
          url
        ))
      }
      const endpoint = `${method} ${template.value}`
      const segments = template.value.split("/")
      const last = segments[segments.length - 1]
      if (method === "GET" && isPathParam(last)) {
        return Effect.fail(invalidUrl(
          `${endpoint} is a single resource, not a paginated collection`,
          method,
          url
        ))
      }
      const entry: Option.Option<EndpointEntry> = lookupEndpoint(method, template.value)
      if (Option.isNone(entry)) {
        const analytics = method === "GET" ? lookupEndpoint("POST", template.value) : Option.none()
        const hint = Option.isSome(analytics) && analytics.value.pagination === "analytics"
          ? ` (POST ${template.value} pages inside its body: use iterAnalytics)`
          : ""
        return Effect.fail(invalidUrl(
          `${endpoint} is not an operation of the PagerDuty REST API, so not a paginated collection${hint}`,
          method,
          url
        ))
      }
      if (entry.value.responseWrapper === null) {
        return Effect.fail(invalidUrl(
          `${endpoint} is not a paginated collection (its answer has no list to page through)`,
          method,
          url
        ))
      }
      return Effect.succeed({
        method,
        url,
        query: parseQuery(search),
        template: template.value,
        endpoint,
        wrapper: entry.value.responseWrapper,
        style: entry.value.pagination
      })
    })

  const fetchPage = (
    c: Collection,
    params: Params,
    options: PageOptions<unknown, unknown> | undefined,
    context: CallContext,
    json?: unknown
  ): Effect.Effect<Page, RestApiError> =>
    core.json(
      c.method,
      c.url,
      {
        params,
        headers: options?.headers,
        timeout: options?.timeout,
        ...(json !== undefined ? { json } : {})
      },
      context,
      (response): Effect.Effect<Page, PDHTTPError> => {
        const items = pageItems(response, response.json, c.wrapper)
        if (items._tag === "Left") return Effect.fail(items.error)
        return Effect.succeed({ response, body: response.json as Record<string, unknown>, items: items.value })
      }
    )

  /** Dedupe (on the raw items), then the schema (one decode per page). */
  const finish = <A, I>(
    c: Collection,
    stream: Stream.Stream<unknown, RestApiError>,
    options: PageOptions<A, I> | undefined
  ): Stream.Stream<A, RestApiError> => {
    let out = stream
    if (options?.dedupe === true) {
      const raw = out
      out = Stream.suspend(() => {
        // The ids already emitted, for this run of the stream: the one thing that grows with the collection.
        const seen = new Set<string>()
        return Stream.filter(raw, (item) => {
          const id = idOf(item)
          if (id === undefined) return true
          if (seen.has(id)) return false
          seen.add(id)
          return true
        })
      })
    }
    const schema = options?.schema
    if (schema === undefined) return out as Stream.Stream<A, RestApiError>
    const decode = pageDecoder(schema)
    const context = { method: c.method, url: c.url, what: `an item of ${c.endpoint}` }
    return Stream.mapChunksEffect(
      out,
      (chunk) => Effect.map(decode(Chunk.toReadonlyArray(chunk), context), (items) => Chunk.unsafeFromArray(items))
    )
  }

  // -------------------------------------------------------------------------------------------------------------------
  // Offset paging
  // -------------------------------------------------------------------------------------------------------------------

  interface OffsetState {
    readonly offset: number
    /** Items received so far (for the ceiling message). */
    readonly read: number
  }

  interface OffsetSetup {
    readonly c: Collection
    /** Params without `limit` / `offset`. */
    readonly params: Params
    readonly pageSize: number
    readonly start: number
    readonly onCeiling: "stop" | "fail"
    readonly options: PageOptions<unknown, unknown> | undefined
    readonly operation: string
  }

  const offsetSetup = (
    c: Collection,
    options: IterAllOptions<unknown, unknown> | undefined,
    extra: Params,
    operation: string
  ): Effect.Effect<OffsetSetup, PDClientError> =>
    Effect.gen(function*() {
      const merged: Params = { ...c.query, ...options?.params, ...extra }
      const userLimit = yield* integerParam(merged, "limit", 1)
      const start = (yield* integerParam(merged, "offset", 0)) ?? 0
      const pageSize = userLimit ?? (yield* checkPageSize(options?.pageSize))
      return {
        c,
        params: withoutKeys(merged, ["limit", "offset"]),
        pageSize,
        start,
        onCeiling: options?.onCeiling ?? "stop",
        options,
        operation
      }
    })

  const fetchOffsetPage = (setup: OffsetSetup, offset: number, total: boolean) =>
    fetchPage(
      setup.c,
      {
        ...setup.params,
        limit: Math.min(setup.pageSize, OFFSET_CEILING - offset),
        offset,
        ...(total ? { total: true } : {})
      },
      setup.options,
      { operation: setup.operation, attributes: { "pagerduty.page.offset": offset } }
    )

  const atCeiling = (setup: OffsetSetup, state: OffsetState): Effect.Effect<Stepped<OffsetState>, PDClientError> => {
    const annotations = { endpoint: setup.c.endpoint, read: state.read }
    if (setup.onCeiling === "fail") {
      return Effect.fail(
        new PDClientError({
          reason: "Pagination",
          description: `${setup.c.endpoint} has more records than offset paging can reach: PagerDuty refuses ` +
            `offset + limit past ${OFFSET_CEILING}; ${state.read} items were read. Narrow the query, or use ` +
            `iterHistory for a time-ranged collection`,
          method: setup.c.method,
          url: setup.c.url
        })
      )
    }
    return Effect.as(
      Effect.annotateLogs(
        Effect.logWarning(
          `Stopping ${setup.operation} on ${setup.c.endpoint} at offset ${state.offset}: PagerDuty's offset paging cannot read ` +
            `past ${OFFSET_CEILING} records, so the results are incomplete (${state.read} items read). Narrow the ` +
            `query, or use iterHistory for a time-ranged collection`
        ),
        annotations
      ),
      [Chunk.empty<unknown>(), Option.none<OffsetState>()] as const
    )
  }

  /** One step of sequential offset paging. */
  const offsetStep =
    (setup: OffsetSetup) => (state: OffsetState): Effect.Effect<Stepped<OffsetState>, RestApiError> => {
      if (state.offset >= OFFSET_CEILING) return atCeiling(setup, state)
      return Effect.flatMap(fetchOffsetPage(setup, state.offset, false), (page) => {
        const n = page.items.length
        const chunk = Chunk.unsafeFromArray(page.items)
        if (page.body.more !== true) return Effect.succeed([chunk, Option.none()] as const)
        if (n === 0) return emptyPageStop(setup.c, state.offset)
        return Effect.succeed([chunk, Option.some({ offset: state.offset + n, read: state.read + n })] as const)
      })
    }

  const emptyPageStop = (c: Collection, offset: number) =>
    Effect.as(
      Effect.annotateLogs(
        Effect.logWarning(
          `${c.endpoint} answered an empty page with "more": true at offset ${offset}; stopping (PagerDuty's ` +
            `answer is inconsistent, and asking again would never end)`
        ),
        { endpoint: c.endpoint }
      ),
      [Chunk.empty<unknown>(), Option.none<OffsetState>()] as const
    )

  const sequentialOffset = (setup: OffsetSetup, state: OffsetState): Stream.Stream<unknown, RestApiError> =>
    Stream.paginateChunkEffect(state, offsetStep(setup))

  /**
   * Concurrent offset paging: the first page asks for `total`; the offsets of the remaining pages (up to the ceiling)
   * are then fetched with at most `concurrency` requests in flight by `Stream.mapEffect`, which emits them in order
   * and holds at most `concurrency` pages. If the last page still says `more` (the collection grew, or the ceiling),
   * sequential paging takes over from there.
   */
  const concurrentOffset = (setup: OffsetSetup, concurrency: number): Stream.Stream<unknown, RestApiError> =>
    Stream.unwrap(Effect.map(fetchOffsetPage(setup, setup.start, true), (first) => {
      const n = first.items.length
      const head = Stream.fromChunk(Chunk.unsafeFromArray(first.items))
      if (first.body.more !== true) return head
      if (n === 0) return Stream.unwrap(Effect.map(emptyPageStop(setup.c, setup.start), () => head))
      const next = setup.start + n
      const total = first.body.total
      if (typeof total !== "number" || !Number.isFinite(total)) {
        return Stream.concat(head, sequentialOffset(setup, { offset: next, read: n }))
      }
      const end = Math.min(total, OFFSET_CEILING)
      const offsets: Array<number> = []
      for (let offset = next; offset < end; offset += setup.pageSize) offsets.push(offset)
      // Per run of the stream (this function runs once per run): the last page seen, for the continuation.
      let last = { offset: setup.start, n, more: true }
      let read = n
      const pages = Stream.fromIterable(offsets).pipe(
        Stream.mapEffect((offset) => Effect.map(fetchOffsetPage(setup, offset, false), (page) => ({ offset, page })), {
          concurrency
        }),
        Stream.mapConcatChunk(({ offset, page }) => {
          last = { offset, n: page.items.length, more: page.body.more === true }
          read += page.items.length
          return Chunk.unsafeFromArray(page.items)
        })
      )
      const rest = Stream.suspend(() =>
        last.more && last.n > 0
          ? sequentialOffset(setup, { offset: last.offset + last.n, read })
          : Stream.empty
      )
      return Stream.concat(head, Stream.concat(pages, rest))
    }))

  const offsetStream = (
    setup: OffsetSetup,
    concurrency: number
  ): Stream.Stream<unknown, RestApiError> =>
    concurrency > 1 && setup.start < OFFSET_CEILING
      ? concurrentOffset(setup, concurrency)
      : sequentialOffset(setup, { offset: setup.start, read: 0 })

  // -------------------------------------------------------------------------------------------------------------------
  // Cursor styles
  // -------------------------------------------------------------------------------------------------------------------

  /**
   * `cursor` / `next_cursor` (cursor style) or `after` / `after` (`GET /alert_grouping_settings`). A missing, null or
   * empty next cursor ends the stream, and so does a next cursor equal to the one just sent (no progress).
   */
  const cursorStream = (
    c: Collection,
    options: PageOptions<unknown, unknown> | undefined,
    extra: Params,
    names: { readonly param: string; readonly next: string },
    operation: string
  ): Stream.Stream<unknown, RestApiError> =>
    Stream.unwrap(Effect.gen(function*() {
      const pageSize = yield* checkPageSize(options?.pageSize)
      const merged: Params = { limit: pageSize, ...c.query, ...options?.params, ...extra }
      const startValue = merged[names.param]
      const start = typeof startValue === "string" && startValue !== "" ? startValue : undefined
      const params = withoutKeys(merged, [names.param])
      return Stream.paginateChunkEffect(
        start,
        (cursor: string | undefined): Effect.Effect<Stepped<string | undefined>, RestApiError> =>
          Effect.map(
            fetchPage(c, cursor === undefined ? params : { ...params, [names.param]: cursor }, options, {
              operation,
              attributes: { "pagerduty.page.cursor": cursor ?? "" }
            }),
            (page) => {
              const next = page.body[names.next]
              const chunk = Chunk.unsafeFromArray(page.items)
              return typeof next === "string" && next !== "" && next !== cursor
                ? [chunk, Option.some<string | undefined>(next)] as const
                : [chunk, Option.none()] as const
            }
          )
      )
    }))

  const iterCursorRaw = (
    c: Collection,
    options: PageOptions<unknown, unknown> | undefined,
    extra: Params,
    operation: string
  ) => cursorStream(c, options, extra, { param: "cursor", next: "next_cursor" }, operation)

  // -------------------------------------------------------------------------------------------------------------------
  // Public methods
  // -------------------------------------------------------------------------------------------------------------------

  const iterAll: RestApiService["iterAll"] = <A, I>(url: ResourceUrl, options?: IterAllOptions<A, I>) =>
    Stream.unwrap(Effect.gen(function*() {
      const c = yield* collection("GET", url, "iterAll")
      const opts = options as IterAllOptions<unknown, unknown> | undefined
      const concurrency = options?.concurrency ?? 1
      if (!Number.isInteger(concurrency) || concurrency < 1) {
        return yield* invalidInput(`concurrency must be a positive integer, not ${String(concurrency)}`)
      }
      let raw: Stream.Stream<unknown, RestApiError>
      switch (c.style) {
        case "cursor":
          raw = iterCursorRaw(c, opts, {}, "RestApi.iterAll")
          break
        case "after":
          raw = cursorStream(c, opts, {}, { param: "after", next: "after" }, "RestApi.iterAll")
          break
        default:
          raw = offsetStream(yield* offsetSetup(c, opts, {}, "RestApi.iterAll"), concurrency)
      }
      return finish(c, raw, options)
    }))

  const iterCursor: RestApiService["iterCursor"] = <A, I>(url: ResourceUrl, options?: PageOptions<A, I>) =>
    Stream.unwrap(Effect.gen(function*() {
      const c = yield* collection("GET", url, "iterCursor")
      if (c.style !== null && c.style !== "cursor") {
        return yield* invalidInput(
          `${c.endpoint} pages by ${
            c.style === "after" ? "its \"after\" cursor" : "offset"
          }, not by cursor: use iterAll`
        )
      }
      return finish(
        c,
        iterCursorRaw(c, options as PageOptions<unknown, unknown> | undefined, {}, "RestApi.iterCursor"),
        options
      )
    }))

  const iterAnalytics: RestApiService["iterAnalytics"] = <A, I>(
    url: ResourceUrl,
    options?: IterAnalyticsOptions<A, I>
  ) =>
    Stream.unwrap(Effect.gen(function*() {
      const c = yield* collection("POST", url, "iterAnalytics")
      if (c.style !== "analytics") {
        return yield* invalidInput(`${c.endpoint} does not page inside its body: use iterAll or iterCursor`)
      }
      const bodyLimit = options?.json?.limit
      const limit = typeof bodyLimit === "number" ? bodyLimit : yield* checkPageSize(options?.pageSize)
      const params: Params = { ...c.query, ...options?.params }
      const opts = options as PageOptions<unknown, unknown> | undefined
      const raw = Stream.paginateChunkEffect(
        Option.none<unknown>(),
        (last): Effect.Effect<Stepped<Option.Option<unknown>>, RestApiError> =>
          Effect.map(
            fetchPage(
              c,
              params,
              opts,
              {
                operation: "RestApi.iterAnalytics",
                attributes: { "pagerduty.page.cursor": Option.isSome(last) ? String(last.value) : "" }
              },
              { ...options?.json, limit, ...(Option.isSome(last) ? { starting_after: last.value } : {}) }
            ),
            (page) => {
              const next = page.body.last
              const chunk = Chunk.unsafeFromArray(page.items)
              return page.body.more === true && next !== undefined && next !== null && page.items.length > 0
                ? [chunk, Option.some(Option.some<unknown>(next))] as const
                : [chunk, Option.none()] as const
            }
          )
      )
      return finish(c, raw, options)
    }))

  const totalOf = (c: Collection, params: Params, options: PageOptions | undefined) =>
    Effect.flatMap(
      core.json("GET", c.url, {
        params: { ...withoutKeys(params, ["limit", "offset", "total"]), total: true, limit: 1, offset: 0 },
        headers: options?.headers,
        timeout: options?.timeout
      }, { operation: "RestApi.total" }),
      (response): Effect.Effect<number, PDHTTPError> => {
        const body = response.json
        const total = isRecord(body) ? body.total : undefined
        if (typeof total === "number" && Number.isFinite(total) && total >= 0) return Effect.succeed(total)
        return Effect.fail(httpError(
          response,
          `the answer of ${c.endpoint} with total=true has no numeric "total" (the endpoint may not support ` +
            `offset paging)`
        ))
      }
    )

  const total: RestApiService["total"] = (url, options) =>
    Effect.flatMap(collection("GET", url, "total"), (c) => totalOf(c, { ...c.query, ...options?.params }, options))

  const iterHistory: RestApiService["iterHistory"] = <A, I>(url: ResourceUrl, options: IterHistoryOptions<A, I>) =>
    Stream.unwrap(Effect.gen(function*() {
      const c = yield* collection("GET", url, "iterHistory")
      const opts = options as IterHistoryOptions<unknown, unknown>
      const since = DateTime.make(options.since)
      const until = DateTime.make(options.until)
      if (Option.isNone(since) || Option.isNone(until)) {
        return yield* invalidInput(
          `iterHistory needs valid "since" and "until" date-times (got ${String(options.since)} and ${
            String(options.until)
          })`
        )
      }
      const from = DateTime.toEpochMillis(since.value)
      const to = DateTime.toEpochMillis(until.value)
      if (from > to) return yield* invalidInput("iterHistory: \"since\" must not be after \"until\"")
      if (from === to) return Stream.empty
      const iso = (millis: number) => DateTime.formatIso(DateTime.unsafeMake(millis))
      const window = (s: number, u: number): Params => ({ since: iso(s), until: iso(u) })
      if (c.style === "cursor") {
        return finish(c, iterCursorRaw(c, opts, window(from, to), "RestApi.iterHistory"), options)
      }
      if (c.style !== "offset" && c.style !== null) {
        return yield* invalidInput(`${c.endpoint} pages by its "${c.style}" cursor: iterHistory cannot page it`)
      }
      const userParams: Params = withoutKeys({ ...c.query, ...options.params }, ["offset", "total", "since", "until"])
      const windowTotal = (s: number, u: number) => totalOf(c, { ...userParams, ...window(s, u) }, opts)

      // The ids emitted by the previous leaf window and by the current one: windows are consecutive and share only
      // their boundary instant, so a record PagerDuty returns in both (were `until` inclusive) is dropped the second
      // time. Bounded: a leaf window has fewer than OFFSET_CEILING records.
      let previous = new Set<string>()
      let current = new Set<string>()
      const leaf = (s: number, u: number, warn: boolean): Stream.Stream<unknown, RestApiError> =>
        Stream.unwrap(Effect.gen(function*() {
          if (warn) {
            yield* Effect.annotateLogs(
              Effect.logWarning(
                `iterHistory on ${c.endpoint}: the window ${iso(s)}/${iso(u)} cannot be split further and holds at ` +
                  `least ${OFFSET_CEILING} records; only what offset paging reaches is returned (incomplete)`
              ),
              { endpoint: c.endpoint }
            )
          }
          previous = current
          current = new Set()
          const setup = yield* offsetSetup(
            c,
            { ...opts, params: userParams, onCeiling: "stop" },
            window(s, u),
            "RestApi.iterHistory"
          )
          return Stream.mapChunks(
            sequentialOffset(setup, { offset: setup.start, read: 0 }),
            (chunk) =>
              Chunk.filter(chunk, (item) => {
                const id = idOf(item)
                if (id === undefined) return true
                if (previous.has(id)) return false
                current.add(id)
                return true
              })
          )
        }))

      const split = (s: number, u: number, t: number): Stream.Stream<unknown, RestApiError> => {
        if (t === 0) return Stream.empty
        if (t < OFFSET_CEILING) return leaf(s, u, false)
        const span = u - s
        if (span <= 1000) return leaf(s, u, true)
        // Halves on whole seconds from `s` (the last window takes the remainder).
        const mid = span >= 2000 ? s + Math.floor(span / 2000) * 1000 : s + Math.floor(span / 2)
        return Stream.unwrap(Effect.gen(function*() {
          const first = yield* windowTotal(s, mid)
          const second = yield* windowTotal(mid, u)
          if (first >= t && second >= t) {
            return yield* invalidInput(
              `iterHistory: ${c.endpoint} does not appear to filter by "since" / "until" (each half of a window ` +
                `holds as many records as the whole window, ${t}); it cannot be paged past ${OFFSET_CEILING} records`
            )
          }
          return Stream.concat(split(s, mid, first), split(mid, u, second))
        }))
      }

      const raw = Stream.suspend(() => {
        previous = new Set()
        current = new Set()
        return Stream.unwrap(Effect.map(windowTotal(from, to), (t) => split(from, to, t)))
      })
      return finish(c, raw, options)
    }))

  const listAll: RestApiService["listAll"] = (url, options) =>
    Effect.map(Stream.runCollect(iterAll(url, options)), Chunk.toReadonlyArray)

  const dictAll: RestApiService["dictAll"] = <A, I>(
    url: ResourceUrl,
    options?: IterAllOptions<A, I> & { readonly by?: string | undefined }
  ) => {
    const by = options?.by ?? "id"
    return Stream.runFoldEffect(
      iterAll(url, options),
      new Map<string, A>(),
      (map, item): Effect.Effect<Map<string, A>, PDClientError> => {
        const key = isRecord(item) ? item[by] : undefined
        if (typeof key === "string" || typeof key === "number" || typeof key === "boolean") {
          map.set(String(key), item)
          return Effect.succeed(map)
        }
        return Effect.fail(invalidInput(`dictAll: an item has no string or number "${by}" to key it by`))
      }
    ) as Effect.Effect<ReadonlyMap<string, A>, RestApiError>
  }

  return { iterAll, iterCursor, iterAnalytics, iterHistory, listAll, dictAll, total }
}

/**
 * The pagination methods of `RestApi`. They need only the core; the entity methods are accepted for the wiring in
 * `restApi.ts` (the dependency runs the other way: `find` pages through {@link makePaginationCore}).
 *
 * @internal
 */
export const makePagination = (core: RestCore, _entities: EntityMethods): PaginationMethods => makePaginationCore(core)
