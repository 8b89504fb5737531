/**
 * The pagination methods of `RestApi`, assembled from one module per paging style under `./pagination/`:
 *
 * - `decisions.ts`: the pure decisions (page size, offset windows, the endless-paging guards) and their messages;
 * - `shared.ts`: resolving a collection, fetching a page, `total`, and finishing a stream (`dedupe`, schema);
 * - `offset.ts` (sequential, the 10,000 ceiling), `concurrentOffset.ts`, `cursor.ts` (`cursor` and `after`),
 *   `analytics.ts` (inside the POST body) and `history.ts` (`iterHistory`'s time-window bisection).
 *
 * Every stream is lazy and pulls one page per step: an item is never an `Effect` of its own, and nothing is
 * accumulated (apart from `dedupe`'s set of ids, `iterHistory`'s ids of the previous window, and the cursors already
 * sent, which the cycle guard needs).
 *
 * @internal
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type { PDClientError } from "../PagerDutyError.js"
import type {
  IterAllOptions,
  IterAnalyticsOptions,
  IterHistoryOptions,
  PageOptions,
  RestApiError,
  RestApiService
} from "../RestApi.js"
import { isRecord } from "./bodyShape.js"
import type { EntityMethods } from "./entities.js"
import { analyticsStream } from "./pagination/analytics.js"
import { concurrentOffset } from "./pagination/concurrentOffset.js"
import { AFTER, CURSOR, cursorStream } from "./pagination/cursor.js"
import { OFFSET_CEILING } from "./pagination/decisions.js"
import { historyStream } from "./pagination/history.js"
import { offsetSetup, sequentialOffset } from "./pagination/offset.js"
import { finish, invalidInput, resolveCollection, totalOf } from "./pagination/shared.js"
import type { RestCore } from "./restCore.js"
import type { ResourceUrl } from "./url.js"

export { DEFAULT_PAGE_SIZE, OFFSET_CEILING } from "./pagination/decisions.js"

/** @internal */
export type PaginationMethods = Pick<
  RestApiService,
  "iterAll" | "iterCursor" | "iterAnalytics" | "iterHistory" | "listAll" | "dictAll" | "total"
>

/**
 * The implementation's shape of the pagination methods: the items are what the schema decodes to, `unknown` without
 * one (the public overloads in `RestApi.ts` say so; these generic signatures satisfy both).
 *
 * @internal
 */
export interface LoosePaginationMethods {
  readonly iterAll: <A = unknown, I = unknown>(
    url: ResourceUrl,
    options?: IterAllOptions<A, I>
  ) => Stream.Stream<A, RestApiError>
  readonly iterCursor: <A = unknown, I = unknown>(
    url: ResourceUrl,
    options?: PageOptions<A, I>
  ) => Stream.Stream<A, RestApiError>
  readonly iterAnalytics: <A = unknown, I = unknown>(
    url: ResourceUrl,
    options?: IterAnalyticsOptions<A, I>
  ) => Stream.Stream<A, RestApiError>
  readonly iterHistory: <A = unknown, I = unknown>(
    url: ResourceUrl,
    options: IterHistoryOptions<A, I>
  ) => Stream.Stream<A, RestApiError>
  readonly listAll: <A = unknown, I = unknown>(
    url: ResourceUrl,
    options?: IterAllOptions<A, I>
  ) => Effect.Effect<ReadonlyArray<A>, RestApiError>
  readonly dictAll: <A = unknown, I = unknown>(
    url: ResourceUrl,
    options?: IterAllOptions<A, I> & { readonly by?: string | undefined }
  ) => Effect.Effect<ReadonlyMap<string, A>, RestApiError>
  readonly total: RestApiService["total"]
}

/** @internal */
export const makePaginationCore = (core: RestCore): LoosePaginationMethods => {
  const iterAll: LoosePaginationMethods["iterAll"] = <A, I>(url: ResourceUrl, options?: IterAllOptions<A, I>) =>
    Stream.unwrap(Effect.gen(function*() {
      const c = yield* resolveCollection(core, "GET", url, "iterAll")
      const opts = options as IterAllOptions<unknown, unknown> | undefined
      const concurrency = options?.concurrency ?? 1
      if (!Number.isInteger(concurrency) || concurrency < 1) {
        return yield* invalidInput(`concurrency must be a positive integer, not ${String(concurrency)}`)
      }
      switch (c.style) {
        case "cursor":
          return finish(c, cursorStream(core, c, opts, {}, CURSOR, "RestApi.iterAll"), options)
        case "after":
          return finish(c, cursorStream(core, c, opts, {}, AFTER, "RestApi.iterAll"), options)
        default: {
          const setup = yield* offsetSetup(core, c, opts, {}, "RestApi.iterAll")
          const raw = concurrency > 1 && setup.start < OFFSET_CEILING
            ? concurrentOffset(setup, concurrency)
            : sequentialOffset(setup, { offset: setup.start, read: 0 })
          return finish(c, raw, options)
        }
      }
    }))

  const iterCursor: LoosePaginationMethods["iterCursor"] = <A, I>(url: ResourceUrl, options?: PageOptions<A, I>) =>
    Stream.unwrap(Effect.gen(function*() {
      const c = yield* resolveCollection(core, "GET", url, "iterCursor")
      if (c.style !== null && c.style !== "cursor") {
        return yield* invalidInput(
          `${c.endpoint} pages by ${
            c.style === "after" ? "its \"after\" cursor" : "offset"
          }, not by cursor: use iterAll`
        )
      }
      const opts = options as PageOptions<unknown, unknown> | undefined
      return finish(c, cursorStream(core, c, opts, {}, CURSOR, "RestApi.iterCursor"), options)
    }))

  const iterAnalytics: LoosePaginationMethods["iterAnalytics"] = <A, I>(
    url: ResourceUrl,
    options?: IterAnalyticsOptions<A, I>
  ) =>
    Stream.unwrap(Effect.gen(function*() {
      const c = yield* resolveCollection(core, "POST", url, "iterAnalytics")
      if (c.style !== "analytics") {
        return yield* invalidInput(`${c.endpoint} does not page inside its body: use iterAll or iterCursor`)
      }
      return finish(c, analyticsStream(core, c, options as IterAnalyticsOptions<unknown, unknown> | undefined), options)
    }))

  const iterHistory: LoosePaginationMethods["iterHistory"] = <A, I>(
    url: ResourceUrl,
    options: IterHistoryOptions<A, I>
  ) =>
    Stream.unwrap(Effect.gen(function*() {
      const c = yield* resolveCollection(core, "GET", url, "iterHistory")
      const raw = yield* historyStream(core, c, options as IterHistoryOptions<unknown, unknown>)
      return finish(c, raw, options)
    }))

  const total: RestApiService["total"] = (url, options) =>
    Effect.flatMap(
      resolveCollection(core, "GET", url, "total"),
      (c) => totalOf(core, c, { ...c.query, ...options?.params }, options)
    )

  const listAll: LoosePaginationMethods["listAll"] = (url, options) =>
    Effect.map(Stream.runCollect(iterAll(url, options)), Chunk.toReadonlyArray)

  const dictAll: LoosePaginationMethods["dictAll"] = <A, I>(
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
