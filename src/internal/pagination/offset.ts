/**
 * Sequential offset paging (`limit` / `offset` / `more`): the offset advanced by the items actually received, the
 * 10,000-record ceiling (`onCeiling`), and the guard against an empty page that says `more` (a warning, then the end).
 *
 * @internal
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type { PDClientError } from "../../PagerDutyError.js"
import type { IterAllOptions, PageOptions, RestApiError } from "../../RestApi.js"
import type { Params } from "../params.js"
import type { RestCore } from "../restCore.js"
import { emptyPageMessage, OFFSET_CEILING, offsetLimit, offsetStep } from "./decisions.js"
import type { Collection, Page, Stepped } from "./shared.js"
import { fetchPage, integerParam, pageSizeOf, paginationError, warn, withoutKeys } from "./shared.js"

/** Where sequential offset paging is. @internal */
export interface OffsetState {
  readonly offset: number
  /** Items received so far (for the ceiling message). */
  readonly read: number
}

/** An offset-paged stream, resolved once from the caller's options. @internal */
export interface OffsetSetup {
  readonly core: RestCore
  readonly c: Collection
  /** Params without `limit` / `offset`. */
  readonly params: Params
  readonly pageSize: number
  readonly start: number
  readonly onCeiling: "stop" | "fail"
  readonly options: PageOptions<unknown, unknown> | undefined
  readonly operation: string
}

/** @internal */
export const offsetSetup = (
  core: RestCore,
  c: Collection,
  options: IterAllOptions<unknown, unknown> | undefined,
  extra: Params,
  operation: string
): Effect.Effect<OffsetSetup, PDClientError> =>
  Effect.gen(function*() {
    const merged: Params = { ...c.query, ...options?.params, ...extra }
    const pageSize = yield* pageSizeOf(c, options, [])
    const start = (yield* integerParam(merged, "offset", 0)) ?? 0
    return {
      core,
      c,
      params: withoutKeys(merged, ["limit", "offset"]),
      pageSize,
      start,
      onCeiling: options?.onCeiling ?? "stop",
      options,
      operation
    }
  })

/** The page at `offset`, asking for `pageSize` items (shrunk at the ceiling), and for `total` when asked. @internal */
export const fetchOffsetPage = (
  setup: OffsetSetup,
  offset: number,
  pageSize: number,
  total: boolean
): Effect.Effect<Page, RestApiError> =>
  fetchPage(
    setup.core,
    setup.c,
    { ...setup.params, limit: offsetLimit(offset, pageSize), offset, ...(total ? { total: true } : {}) },
    setup.options,
    { operation: setup.operation, attributes: { "pagerduty.page.offset": offset } }
  )

/** The end of the stream at the ceiling: a warning (`onCeiling: "stop"`) or a `Pagination` error. */
const atCeiling = (setup: OffsetSetup, state: OffsetState): Effect.Effect<Stepped<OffsetState>, PDClientError> => {
  if (setup.onCeiling === "fail") {
    return Effect.fail(paginationError(
      setup.c,
      `${setup.c.endpoint} has more records than offset paging can reach: PagerDuty refuses offset + limit past ` +
        `${OFFSET_CEILING}; ${state.read} items were read. Narrow the query, or use iterHistory for a time-ranged ` +
        `collection`
    ))
  }
  return Effect.as(
    warn(
      setup.c,
      `Stopping ${setup.operation} on ${setup.c.endpoint} at offset ${state.offset}: PagerDuty's offset paging cannot ` +
        `read past ${OFFSET_CEILING} records, so the results are incomplete (${state.read} items read). Narrow the ` +
        `query, or use iterHistory for a time-ranged collection`,
      { read: state.read }
    ),
    [Chunk.empty<unknown>(), Option.none<OffsetState>()] as const
  )
}

/** The warning for an empty page that says `more`, the same in both offset modes. @internal */
export const warnEmptyPage = (c: Collection, offset: number): Effect.Effect<void> =>
  warn(c, emptyPageMessage(c.endpoint, offset), { offset })

const step = (setup: OffsetSetup) => (state: OffsetState): Effect.Effect<Stepped<OffsetState>, RestApiError> => {
  if (state.offset >= OFFSET_CEILING) return atCeiling(setup, state)
  return Effect.flatMap(fetchOffsetPage(setup, state.offset, setup.pageSize, false), (page) => {
    const received = page.items.length
    const chunk = Chunk.unsafeFromArray(page.items)
    const next = offsetStep({ offset: state.offset, received, more: page.body.more })
    switch (next._tag) {
      case "End":
        return Effect.succeed([chunk, Option.none()] as const)
      case "EmptyPage":
        return Effect.as(warnEmptyPage(setup.c, state.offset), [chunk, Option.none<OffsetState>()] as const)
      case "Next":
        return Effect.succeed([chunk, Option.some({ offset: next.offset, read: state.read + received })] as const)
    }
  })
}

/** Sequential offset paging from `state`. @internal */
export const sequentialOffset = (setup: OffsetSetup, state: OffsetState): Stream.Stream<unknown, RestApiError> =>
  Stream.paginateChunkEffect(state, step(setup))
