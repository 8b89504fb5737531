/**
 * The decisions of paging, as pure functions over plain values (no Effect): the page size a caller asked for, the next
 * offset window, and the guards that keep every paging style from looping forever on a server that does not advance
 * (an empty page that says `more`, a cursor seen before, an analytics `last` that repeats). The streams in the sibling
 * modules carry these decisions out; the messages are built here so both offset modes say the same thing.
 *
 * @internal
 */

/**
 * PagerDuty's ceiling of offset paging: `offset + limit` may not pass it (reaching it exactly is allowed).
 *
 * @internal
 */
export const OFFSET_CEILING = 10_000

/** The default page size (`limit`). @internal */
export const DEFAULT_PAGE_SIZE = 100

// ---------------------------------------------------------------------------------------------------------------------
// Page size
// ---------------------------------------------------------------------------------------------------------------------

/** One place a caller may have set the page size: `pageSize`, `params.limit`, `json.limit`, the URL's `?limit=`. */
export interface PageSizeSource {
  readonly name: string
  readonly value: unknown
}

/** @internal */
export type Decided<A> =
  | { readonly _tag: "Ok"; readonly value: A }
  | { readonly _tag: "Invalid"; readonly description: string }

const positiveInteger = (value: unknown): number | undefined => {
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN
  return Number.isInteger(n) && n >= 1 ? n : undefined
}

/**
 * The page size: every source given (not `undefined` or `null`) must be a positive integer (a number or a numeric
 * string), and all of them must agree; none given is {@link DEFAULT_PAGE_SIZE}. `pageSize` is the one documented way;
 * the others are accepted alone for compatibility, and refused when they contradict it or each other.
 *
 * @internal
 */
export const resolvePageSize = (sources: ReadonlyArray<PageSizeSource>): Decided<number> => {
  let chosen: { readonly name: string; readonly size: number } | undefined
  for (const { name, value } of sources) {
    if (value === undefined || value === null) continue
    const size = positiveInteger(value)
    if (size === undefined) {
      return { _tag: "Invalid", description: `${name} must be a positive integer, not ${String(value)}` }
    }
    if (chosen !== undefined && chosen.size !== size) {
      return {
        _tag: "Invalid",
        description: `${chosen.name} (${chosen.size}) and ${name} (${size}) set two different page sizes; set it ` +
          `once, with pageSize`
      }
    }
    chosen ??= { name, size }
  }
  return { _tag: "Ok", value: chosen?.size ?? DEFAULT_PAGE_SIZE }
}

// ---------------------------------------------------------------------------------------------------------------------
// Offset paging
// ---------------------------------------------------------------------------------------------------------------------

/** The `limit` to send at `offset`: the page size, shrunk so that `offset + limit` never passes the ceiling. */
export const offsetLimit = (offset: number, pageSize: number): number =>
  Math.max(0, Math.min(pageSize, OFFSET_CEILING - offset))

/** What one offset page means for the stream. @internal */
export type OffsetStep =
  /** `more` is not `true`: the collection ends with this page. */
  | { readonly _tag: "End" }
  /** An empty page that still says `more`: asking again would never end; stop with a warning. */
  | { readonly _tag: "EmptyPage" }
  /** Go on at this offset (advanced by the items actually received). */
  | { readonly _tag: "Next"; readonly offset: number }

/** Sequential offset paging: what to do after the page at `offset` gave `received` items and `more`. @internal */
export const offsetStep = (page: { readonly offset: number; readonly received: number; readonly more: unknown }) =>
  page.more !== true
    ? { _tag: "End" } as const
    : page.received === 0
    ? { _tag: "EmptyPage" } as const
    : { _tag: "Next", offset: page.offset + page.received } as const

/**
 * The offsets of the windows concurrent paging fetches after its first page: from `next` up to the smaller of `total`
 * and the ceiling, `stride` apart. `undefined` when `total` is not a usable number (the endpoint ignored
 * `total=true`): the caller pages sequentially instead.
 *
 * @internal
 */
export const concurrentWindows = (
  next: number,
  total: unknown,
  stride: number
): ReadonlyArray<number> | undefined => {
  if (typeof total !== "number" || !Number.isFinite(total) || total < 0 || stride < 1) return undefined
  const end = Math.min(total, OFFSET_CEILING)
  const offsets: Array<number> = []
  for (let offset = next; offset < end; offset += stride) offsets.push(offset)
  return offsets
}

/** What one window of concurrent offset paging means for the stream. @internal */
export type WindowStep =
  /** A full page, and more windows follow. */
  | { readonly _tag: "Continue" }
  | { readonly _tag: "End" }
  | { readonly _tag: "EmptyPage" }
  /**
   * The windows cannot be trusted past this page (it was short but said `more`, or it was the last window and the
   * collection goes on): drop the windows after it and page sequentially from `offset`.
   */
  | { readonly _tag: "Resume"; readonly offset: number }

/**
 * Concurrent offset paging, one window (taken in collection order): the same rules as {@link offsetStep}, so the two
 * modes end, warn and continue alike, plus a short page with `more` (which would leave a gap before the next window).
 *
 * @internal
 */
export const windowStep = (page: {
  readonly offset: number
  readonly expected: number
  readonly received: number
  readonly more: unknown
  readonly lastWindow: boolean
}): WindowStep => {
  const step = offsetStep(page)
  if (step._tag !== "Next") return step
  return page.lastWindow || page.received < page.expected
    ? { _tag: "Resume", offset: step.offset }
    : { _tag: "Continue" }
}

/** The warning of an empty page with `more: true`, the same in sequential and concurrent paging. @internal */
export const emptyPageMessage = (endpoint: string, offset: number): string =>
  `${endpoint} answered an empty page with "more": true at offset ${offset}; stopping (PagerDuty's answer is ` +
  `inconsistent, and asking again would never end)`

// ---------------------------------------------------------------------------------------------------------------------
// History (time-window bisection)
// ---------------------------------------------------------------------------------------------------------------------

/** What `iterHistory` does with a window `[since, until)` (epoch millis) that holds `total` records. @internal */
export type HistoryWindow =
  | { readonly _tag: "Empty" }
  /** Under the ceiling: page it. */
  | { readonly _tag: "Page" }
  /** At the ceiling but a second or less wide: page what offset paging reaches, and warn that it is incomplete. */
  | { readonly _tag: "PageIncomplete" }
  /** At the ceiling: split at `mid` (on a whole second from `since` when the window spans two seconds or more). */
  | { readonly _tag: "Split"; readonly mid: number }

/** @internal */
export const historyWindow = (since: number, until: number, total: number): HistoryWindow => {
  if (total === 0) return { _tag: "Empty" }
  if (total < OFFSET_CEILING) return { _tag: "Page" }
  const span = until - since
  if (span <= 1000) return { _tag: "PageIncomplete" }
  const mid = span >= 2000 ? since + Math.floor(span / 2000) * 1000 : since + Math.floor(span / 2)
  return { _tag: "Split", mid }
}

// ---------------------------------------------------------------------------------------------------------------------
// Cursor and `after` paging
// ---------------------------------------------------------------------------------------------------------------------

/** What the next cursor of a page means for the stream. @internal */
export type CursorStep =
  /** No next cursor (missing, null, empty): the collection ends with this page. */
  | { readonly _tag: "End" }
  | { readonly _tag: "Next"; readonly cursor: string }
  /** A cursor already sent (A, B, A, … or the same one again): following it would never end. */
  | { readonly _tag: "Cycle"; readonly cursor: string }

/** `seen`: every cursor sent so far in this run of the stream, the starting one included. @internal */
export const cursorStep = (seen: ReadonlySet<string>, next: unknown): CursorStep =>
  typeof next !== "string" || next === ""
    ? { _tag: "End" }
    : seen.has(next)
    ? { _tag: "Cycle", cursor: next }
    : { _tag: "Next", cursor: next }

/** The error's description when a cursor comes back. @internal */
export const cursorCycleMessage = (endpoint: string, param: string, cursor: string, pages: number): string =>
  `${endpoint} answered a "${param}" cursor it had already given (${JSON.stringify(cursor)}) after ${pages} ` +
  `page${pages === 1 ? "" : "s"}: its cursors go round in a cycle, so paging stops here rather than never ending ` +
  `(the items before it were emitted)`

// ---------------------------------------------------------------------------------------------------------------------
// Analytics paging
// ---------------------------------------------------------------------------------------------------------------------

/** What an analytics page (`data`, `more`, `last`) means for the stream. @internal */
export type AnalyticsStep =
  | { readonly _tag: "End" }
  | { readonly _tag: "Next"; readonly last: unknown; readonly key: string }
  /** `more: true` with no `last`: there is no way to ask for the next page; stop with a warning. */
  | { readonly _tag: "MissingLast" }
  /** `more: true` on an empty page: it cannot advance. */
  | { readonly _tag: "EmptyPage" }
  /** `more: true` with a `last` already sent as `starting_after`: it does not advance. */
  | { readonly _tag: "Stalled"; readonly last: unknown }

/** The key by which analytics `last` values are compared (they may be strings, numbers or objects). @internal */
export const analyticsKey = (last: unknown): string => JSON.stringify(last) ?? String(last)

/** `seen`: the keys ({@link analyticsKey}) of every `starting_after` sent so far in this run of the stream. @internal */
export const analyticsStep = (
  seen: ReadonlySet<string>,
  page: { readonly received: number; readonly more: unknown; readonly last: unknown }
): AnalyticsStep => {
  if (page.more !== true) return { _tag: "End" }
  if (page.received === 0) return { _tag: "EmptyPage" }
  if (page.last === undefined || page.last === null) return { _tag: "MissingLast" }
  const key = analyticsKey(page.last)
  return seen.has(key) ? { _tag: "Stalled", last: page.last } : { _tag: "Next", last: page.last, key }
}

/** The error's description for an analytics page that cannot advance. @internal */
export const analyticsStuckMessage = (
  endpoint: string,
  step: { readonly _tag: "EmptyPage" } | { readonly _tag: "Stalled"; readonly last: unknown },
  pages: number
): string =>
  step._tag === "EmptyPage"
    ? `${endpoint} answered an empty page with "more": true after ${pages} page${pages === 1 ? "" : "s"}: it ` +
      `cannot advance, so paging stops here rather than never ending (the items before it were emitted)`
    : `${endpoint} answered "last": ${analyticsKey(step.last)}, a position it had already been asked to start ` +
      `after, with "more": true after ${pages} page${pages === 1 ? "" : "s"}: it does not advance, so paging stops ` +
      `here rather than never ending (the items before it were emitted)`

/** The warning of an analytics page with `more: true` and no `last`. @internal */
export const analyticsMissingLastMessage = (endpoint: string): string =>
  `${endpoint} answered "more": true without "last", so the next page cannot be asked for; stopping (the results ` +
  `may be incomplete)`
