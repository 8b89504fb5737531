/**
 * Concurrent offset paging: the first page asks for `total`; the windows after it (up to the ceiling) are fetched with
 * at most `concurrency` requests in flight by `Stream.mapEffect`, which emits them in collection order and holds at
 * most `concurrency` pages. Each window is judged in order by the same rules as sequential paging ({@link windowStep}):
 * an empty page that says `more` ends the stream with the same warning; a page that says the collection ends, ends
 * it; a short page that says `more`, or a last window the collection goes past, hands over to sequential paging from
 * the items actually received, so nothing is skipped. Without a usable `total`, paging is sequential after the first
 * page.
 *
 * @internal
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type { RestApiError } from "../../RestApi.js"
import type { WindowStep } from "./decisions.js"
import { concurrentWindows, offsetLimit, offsetStep, windowStep } from "./decisions.js"
import type { OffsetSetup } from "./offset.js"
import { fetchOffsetPage, sequentialOffset, warnEmptyPage } from "./offset.js"

/** @internal */
export const concurrentOffset = (setup: OffsetSetup, concurrency: number): Stream.Stream<unknown, RestApiError> =>
  Stream.unwrap(Effect.map(fetchOffsetPage(setup, setup.start, setup.pageSize, true), (first) => {
    const received = first.items.length
    const head = Stream.fromChunk(Chunk.unsafeFromArray(first.items))
    const step = offsetStep({ offset: setup.start, received, more: first.body.more })
    if (step._tag === "End") return head
    if (step._tag === "EmptyPage") return Stream.concat(head, Stream.execute(warnEmptyPage(setup.c, setup.start)))
    // The windows are as wide as the first page turned out to be: PagerDuty may give fewer items than the limit asked
    // (it caps `limit`), and windows wider than its pages would leave gaps.
    const stride = Math.min(received, setup.pageSize)
    const windows = concurrentWindows(step.offset, first.body.total, stride)
    if (windows === undefined || windows.length === 0) {
      return Stream.concat(head, sequentialOffset(setup, { offset: step.offset, read: received }))
    }
    const lastIndex = windows.length - 1
    // Per run of the stream (this function runs once per run): how the windows ended, and the items read.
    let outcome: WindowStep = { _tag: "Continue" }
    let judged = setup.start
    let read = received
    const pages = Stream.fromIterable(windows.map((offset, index) => ({ offset, lastWindow: index === lastIndex })))
      .pipe(
        Stream.mapEffect(
          ({ lastWindow, offset }) =>
            Effect.map(fetchOffsetPage(setup, offset, stride, false), (page) => ({ offset, lastWindow, page })),
          { concurrency }
        ),
        // Judged in collection order; the first page that is not a plain "continue" is the last one taken, and the
        // windows still in flight after it are interrupted.
        Stream.takeUntil(({ lastWindow, offset, page }) => {
          judged = offset
          outcome = windowStep({
            offset,
            expected: offsetLimit(offset, stride),
            received: page.items.length,
            more: page.body.more,
            lastWindow
          })
          read += page.items.length
          return outcome._tag !== "Continue"
        }),
        Stream.mapConcatChunk(({ page }) => Chunk.unsafeFromArray(page.items))
      )
    const rest = Stream.suspend((): Stream.Stream<unknown, RestApiError> => {
      switch (outcome._tag) {
        case "EmptyPage":
          return Stream.execute(warnEmptyPage(setup.c, judged))
        case "Resume":
          return sequentialOffset(setup, { offset: outcome.offset, read })
        default:
          return Stream.empty
      }
    })
    return Stream.concat(head, Stream.concat(pages, rest))
  }))
