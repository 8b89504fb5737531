/**
 * `iterHistory`: every record of a time-ranged collection between `since` and `until`, past the 10,000 ceiling of
 * offset paging: a window whose `total` is at the ceiling is split in halves, recursively; each leaf window is paged
 * sequentially ({@link sequentialOffset}, with its guards). Cursor-paged collections are paged once, by cursor, with
 * the window as parameters.
 *
 * @internal
 */
import * as Chunk from "effect/Chunk"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type { PDClientError } from "../../PagerDutyError.js"
import type { IterHistoryOptions, RestApiError } from "../../RestApi.js"
import type { Params } from "../params.js"
import type { RestCore } from "../restCore.js"
import { CURSOR, cursorStream } from "./cursor.js"
import { historyWindow, OFFSET_CEILING } from "./decisions.js"
import { offsetSetup, sequentialOffset } from "./offset.js"
import type { Collection } from "./shared.js"
import { idOf, invalidInput, pageSizeOf, totalOf, warn, withoutKeys } from "./shared.js"

/** @internal */
export const historyStream = (
  core: RestCore,
  c: Collection,
  options: IterHistoryOptions<unknown, unknown>
): Effect.Effect<Stream.Stream<unknown, RestApiError>, PDClientError> =>
  Effect.gen(function*() {
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
    // Checked before the first request (the leaves check it again, on the same options).
    yield* pageSizeOf(c, options, [])
    const iso = (millis: number) => DateTime.formatIso(DateTime.unsafeMake(millis))
    const window = (s: number, u: number): Params => ({ since: iso(s), until: iso(u) })
    if (c.style === "cursor") return cursorStream(core, c, options, window(from, to), CURSOR, "RestApi.iterHistory")
    if (c.style !== "offset" && c.style !== null) {
      return yield* invalidInput(`${c.endpoint} pages by its "${c.style}" cursor: iterHistory cannot page it`)
    }
    const userParams: Params = withoutKeys({ ...c.query, ...options.params }, ["offset", "total", "since", "until"])
    const windowTotal = (s: number, u: number) => totalOf(core, c, { ...userParams, ...window(s, u) }, options)

    // The ids emitted by the previous leaf window and by the current one: windows are consecutive and share only
    // their boundary instant, so a record PagerDuty returns in both (were `until` inclusive) is dropped the second
    // time. Bounded: a leaf window has fewer than OFFSET_CEILING records.
    let previous = new Set<string>()
    let current = new Set<string>()
    const leaf = (s: number, u: number, incomplete: boolean): Stream.Stream<unknown, RestApiError> =>
      Stream.unwrap(Effect.gen(function*() {
        if (incomplete) {
          yield* warn(
            c,
            `iterHistory on ${c.endpoint}: the window ${iso(s)}/${iso(u)} cannot be split further and holds at ` +
              `least ${OFFSET_CEILING} records; only what offset paging reaches is returned (incomplete)`
          )
        }
        previous = current
        current = new Set()
        const setup = yield* offsetSetup(
          core,
          c,
          { ...options, params: userParams, onCeiling: "stop" },
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
      const decided = historyWindow(s, u, t)
      switch (decided._tag) {
        case "Empty":
          return Stream.empty
        case "Page":
          return leaf(s, u, false)
        case "PageIncomplete":
          return leaf(s, u, true)
      }
      const mid = decided.mid
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

    return Stream.suspend(() => {
      previous = new Set()
      current = new Set()
      return Stream.unwrap(Effect.map(windowTotal(from, to), (t) => split(from, to, t)))
    })
  })
