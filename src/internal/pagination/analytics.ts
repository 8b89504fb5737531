/**
 * Analytics paging, inside the POST body (`POST /analytics/raw/incidents`, …): `limit` and `starting_after`, the
 * answer's `more` and `last`. A page with `more: true` that cannot advance (empty, or a `last` already sent as
 * `starting_after`) fails the stream with a `PDClientError` (reason `Pagination`) naming the endpoint, after the items
 * already received; one without `last` ends it with a warning ({@link analyticsStep}).
 *
 * @internal
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type { IterAnalyticsOptions, RestApiError } from "../../RestApi.js"
import type { Params } from "../params.js"
import type { RestCore } from "../restCore.js"
import type { AnalyticsStep } from "./decisions.js"
import { analyticsKey, analyticsMissingLastMessage, analyticsStep, analyticsStuckMessage } from "./decisions.js"
import type { Collection, Stepped } from "./shared.js"
import { fetchPage, pageSizeOf, paginationError, warn, withoutKeys } from "./shared.js"

type Position =
  | { readonly _tag: "Page"; readonly after: Option.Option<unknown> }
  /** The page after the last one: a page that could not advance, reported after its items were emitted. */
  | { readonly _tag: "Stuck"; readonly step: Extract<AnalyticsStep, { readonly _tag: "EmptyPage" | "Stalled" }> }

/** @internal */
export const analyticsStream = (
  core: RestCore,
  c: Collection,
  options: IterAnalyticsOptions<unknown, unknown> | undefined
): Stream.Stream<unknown, RestApiError> =>
  Stream.unwrap(Effect.gen(function*() {
    const json = options?.json ?? {}
    const limit = yield* pageSizeOf(c, options, [{ name: "json.limit", value: json.limit }])
    // `limit` belongs in the body here: one given in `params` (or the URL) is the page size, not a query parameter.
    const params: Params = withoutKeys({ ...c.query, ...options?.params }, ["limit"])
    const { limit: _limit, starting_after: _startingAfter, ...body } = json
    const start = json.starting_after === undefined || json.starting_after === null
      ? Option.none<unknown>()
      : Option.some<unknown>(json.starting_after)
    return Stream.suspend(() => {
      // Every `starting_after` sent in this run of the stream (by key): one per page.
      const seen = new Set<string>()
      let pages = 0
      return Stream.paginateChunkEffect(
        { _tag: "Page", after: start } as Position,
        (position): Effect.Effect<Stepped<Position>, RestApiError> => {
          if (position._tag === "Stuck") {
            return Effect.fail(paginationError(c, analyticsStuckMessage(c.endpoint, position.step, pages)))
          }
          const after = position.after
          if (Option.isSome(after)) seen.add(analyticsKey(after.value))
          return Effect.flatMap(
            fetchPage(
              core,
              c,
              params,
              options,
              {
                operation: "RestApi.iterAnalytics",
                attributes: { "pagerduty.page.cursor": Option.isSome(after) ? String(after.value) : "" }
              },
              { ...body, limit, ...(Option.isSome(after) ? { starting_after: after.value } : {}) }
            ),
            (page): Effect.Effect<Stepped<Position>> => {
              pages += 1
              const chunk = Chunk.unsafeFromArray(page.items)
              const step = analyticsStep(seen, {
                received: page.items.length,
                more: page.body.more,
                last: page.body.last
              })
              switch (step._tag) {
                case "End":
                  return Effect.succeed([chunk, Option.none()])
                case "MissingLast":
                  return Effect.as(warn(c, analyticsMissingLastMessage(c.endpoint)), [chunk, Option.none()] as const)
                case "Next":
                  return Effect.succeed([chunk, Option.some({ _tag: "Page", after: Option.some(step.last) })])
                default:
                  return Effect.succeed([chunk, Option.some({ _tag: "Stuck", step })])
              }
            }
          )
        }
      )
    })
  }))
