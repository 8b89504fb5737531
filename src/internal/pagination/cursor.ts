/**
 * Cursor paging: `cursor` / `next_cursor` (the cursor style: `/audit/records`, …) and `after` / `after`
 * (`GET /alert_grouping_settings`). A missing, null or empty next cursor ends the stream; a cursor already sent in
 * this run (the same one again, or A, B, A, …) fails it with a `PDClientError` (reason `Pagination`) naming the
 * endpoint, after the items already received ({@link cursorStep}).
 *
 * @internal
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type { PageOptions, RestApiError } from "../../RestApi.js"
import type { Params } from "../params.js"
import type { RestCore } from "../restCore.js"
import { cursorCycleMessage, cursorStep } from "./decisions.js"
import type { Collection } from "./shared.js"
import { fetchPage, pageSizeOf, paginationError, withoutKeys } from "./shared.js"

/** The request parameter and the answer's field of a cursor style. @internal */
export interface CursorNames {
  readonly param: string
  readonly next: string
}

/** `cursor` / `next_cursor`. @internal */
export const CURSOR: CursorNames = { param: "cursor", next: "next_cursor" }

/** `after` / `after` (`GET /alert_grouping_settings`). @internal */
export const AFTER: CursorNames = { param: "after", next: "after" }

type Position =
  | { readonly _tag: "Page"; readonly cursor: string | undefined }
  /** The page after the last one: a cursor cycle, reported after the last page's items were emitted. */
  | { readonly _tag: "Cycle"; readonly cursor: string }

/** @internal */
export const cursorStream = (
  core: RestCore,
  c: Collection,
  options: PageOptions<unknown, unknown> | undefined,
  extra: Params,
  names: CursorNames,
  operation: string
): Stream.Stream<unknown, RestApiError> =>
  Stream.unwrap(Effect.gen(function*() {
    const pageSize = yield* pageSizeOf(c, options, [])
    const merged: Params = { ...c.query, ...options?.params, ...extra, limit: pageSize }
    const startValue = merged[names.param]
    const start = typeof startValue === "string" && startValue !== "" ? startValue : undefined
    const params = withoutKeys(merged, [names.param])
    return Stream.suspend(() => {
      // Every cursor sent in this run of the stream: the one thing that grows with the pages (a cursor per page).
      const seen = new Set<string>()
      let pages = 0
      return Stream.paginateChunkEffect(
        { _tag: "Page", cursor: start } as Position,
        (position) => {
          if (position._tag === "Cycle") {
            return Effect.fail(
              paginationError(c, cursorCycleMessage(c.endpoint, names.param, position.cursor, pages))
            )
          }
          const cursor = position.cursor
          if (cursor !== undefined) seen.add(cursor)
          return Effect.map(
            fetchPage(core, c, cursor === undefined ? params : { ...params, [names.param]: cursor }, options, {
              operation,
              attributes: { "pagerduty.page.cursor": cursor ?? "" }
            }),
            (page) => {
              pages += 1
              const chunk = Chunk.unsafeFromArray(page.items)
              const step = cursorStep(seen, page.body[names.next])
              return step._tag === "End"
                ? [chunk, Option.none<Position>()] as const
                : [
                  chunk,
                  Option.some<Position>(step._tag === "Next" ? { _tag: "Page", cursor: step.cursor } : step)
                ] as const
            }
          )
        }
      )
    })
  }))
