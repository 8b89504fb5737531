/**
 * The pure decisions of paging (`src/internal/pagination/decisions.ts`), as plain tables: the page size, the offset
 * windows, and the guards that keep each paging style from looping forever.
 */
import { describe, expect, it } from "@effect/vitest"
import {
  analyticsStep,
  concurrentWindows,
  cursorStep,
  DEFAULT_PAGE_SIZE,
  historyWindow,
  OFFSET_CEILING,
  offsetLimit,
  offsetStep,
  resolvePageSize,
  windowStep
} from "../src/internal/pagination/decisions.js"

describe("resolvePageSize", () => {
  const cases: ReadonlyArray<
    readonly [string, ReadonlyArray<{ name: string; value: unknown }>, number | RegExp]
  > = [
    ["nothing given: the default", [], DEFAULT_PAGE_SIZE],
    [
      "undefined and null are not given",
      [{ name: "pageSize", value: undefined }, { name: "json.limit", value: null }],
      100
    ],
    ["pageSize alone", [{ name: "pageSize", value: 25 }], 25],
    ["params.limit alone (compatibility), as a numeric string", [{ name: "params.limit", value: "40" }], 40],
    ["json.limit alone (compatibility)", [{ name: "json.limit", value: 20 }], 20],
    ["two that agree", [{ name: "pageSize", value: 20 }, { name: "json.limit", value: "20" }], 20],
    [
      "two that disagree: both named, pageSize recommended",
      [{ name: "pageSize", value: 10 }, { name: "json.limit", value: 20 }],
      /^pageSize \(10\) and json\.limit \(20\) set two different page sizes; set it once, with pageSize$/
    ],
    [
      "a disagreement between the other two sources",
      [{ name: "params.limit", value: 10 }, { name: "the URL's limit", value: "30" }],
      /params\.limit \(10\) and the URL's limit \(30\)/
    ],
    ["zero", [{ name: "pageSize", value: 0 }], /^pageSize must be a positive integer, not 0$/],
    ["negative", [{ name: "params.limit", value: -5 }], /params\.limit must be a positive integer/],
    ["a fraction", [{ name: "pageSize", value: 2.5 }], /not 2\.5/],
    ["NaN", [{ name: "pageSize", value: Number.NaN }], /not NaN/],
    ["not numeric", [{ name: "json.limit", value: "abc" }], /json\.limit must be a positive integer, not abc/],
    ["blank", [{ name: "params.limit", value: " " }], /must be a positive integer/],
    ["a boolean", [{ name: "json.limit", value: true }], /not true/]
  ]
  for (const [name, sources, expected] of cases) {
    it(name, () => {
      const decided = resolvePageSize(sources)
      if (typeof expected === "number") {
        expect(decided).toEqual({ _tag: "Ok", value: expected })
      } else {
        expect(decided._tag).toBe("Invalid")
        if (decided._tag === "Invalid") expect(decided.description).toMatch(expected)
      }
    })
  }
})

describe("offset decisions", () => {
  it("offsetLimit shrinks the last page so that offset + limit never passes the ceiling", () => {
    const table: ReadonlyArray<readonly [number, number, number]> = [
      [0, 100, 100],
      [9_850, 100, 100],
      [9_950, 100, 50],
      [9_999, 100, 1],
      [OFFSET_CEILING, 100, 0],
      [10_500, 100, 0]
    ]
    for (const [offset, pageSize, limit] of table) expect(offsetLimit(offset, pageSize)).toBe(limit)
  })

  it("offsetStep: more false ends, an empty page with more stops, otherwise advance by the items received", () => {
    expect(offsetStep({ offset: 0, received: 100, more: false })).toEqual({ _tag: "End" })
    expect(offsetStep({ offset: 0, received: 0, more: false })).toEqual({ _tag: "End" })
    expect(offsetStep({ offset: 100, received: 100, more: undefined })).toEqual({ _tag: "End" })
    expect(offsetStep({ offset: 100, received: 100, more: "true" })).toEqual({ _tag: "End" })
    expect(offsetStep({ offset: 500, received: 0, more: true })).toEqual({ _tag: "EmptyPage" })
    expect(offsetStep({ offset: 500, received: 7, more: true })).toEqual({ _tag: "Next", offset: 507 })
  })

  it("concurrentWindows: stride apart up to total and the ceiling; undefined without a usable total", () => {
    expect(concurrentWindows(100, 450, 100)).toEqual([100, 200, 300, 400])
    expect(concurrentWindows(100, 400, 100)).toEqual([100, 200, 300])
    expect(concurrentWindows(100, 100, 100)).toEqual([])
    expect(concurrentWindows(100, 50, 100)).toEqual([])
    expect(concurrentWindows(7, 30, 7)).toEqual([7, 14, 21, 28])
    expect(concurrentWindows(100, 1_000_000, 100)?.at(-1)).toBe(9_900)
    expect(concurrentWindows(100, 1_000_000, 100)).toHaveLength(99)
    for (const total of [null, undefined, "1000", Number.NaN, Number.POSITIVE_INFINITY, -1]) {
      expect(concurrentWindows(100, total, 100)).toBeUndefined()
    }
    expect(concurrentWindows(0, 1000, 0)).toBeUndefined()
  })

  it("windowStep: the sequential rules, plus a hand-over to sequential paging where windows cannot be trusted", () => {
    const page = { offset: 500, expected: 100, received: 100, more: true, lastWindow: false }
    expect(windowStep(page)).toEqual({ _tag: "Continue" })
    expect(windowStep({ ...page, more: false })).toEqual({ _tag: "End" })
    expect(windowStep({ ...page, received: 0 })).toEqual({ _tag: "EmptyPage" })
    expect(windowStep({ ...page, received: 0, lastWindow: true })).toEqual({ _tag: "EmptyPage" })
    expect(windowStep({ ...page, received: 50 })).toEqual({ _tag: "Resume", offset: 550 })
    expect(windowStep({ ...page, lastWindow: true })).toEqual({ _tag: "Resume", offset: 600 })
    expect(windowStep({ ...page, lastWindow: true, more: false })).toEqual({ _tag: "End" })
    expect(windowStep({ ...page, received: 50, more: false })).toEqual({ _tag: "End" })
  })
})

describe("cursor decisions", () => {
  const seen = new Set(["A", "B"])
  const table: ReadonlyArray<readonly [unknown, ReturnType<typeof cursorStep>]> = [
    [undefined, { _tag: "End" }],
    [null, { _tag: "End" }],
    ["", { _tag: "End" }],
    [42, { _tag: "End" }],
    ["C", { _tag: "Next", cursor: "C" }],
    ["A", { _tag: "Cycle", cursor: "A" }],
    ["B", { _tag: "Cycle", cursor: "B" }]
  ]
  for (const [next, expected] of table) {
    it(`next cursor ${JSON.stringify(next)} after A, B: ${expected._tag}`, () => {
      expect(cursorStep(seen, next)).toEqual(expected)
    })
  }
})

describe("analytics decisions", () => {
  const seen = new Set([JSON.stringify("A2"), JSON.stringify(7)])
  const table: ReadonlyArray<
    readonly [string, { received: number; more: unknown; last: unknown }, ReturnType<typeof analyticsStep>]
  > = [
    ["more false ends", { received: 3, more: false, last: "A3" }, { _tag: "End" }],
    ["more missing ends", { received: 3, more: undefined, last: "A3" }, { _tag: "End" }],
    ["an empty last page ends", { received: 0, more: false, last: null }, { _tag: "End" }],
    ["an empty page with more cannot advance", { received: 0, more: true, last: "A9" }, { _tag: "EmptyPage" }],
    ["more without last", { received: 2, more: true, last: null }, { _tag: "MissingLast" }],
    ["a new last", { received: 2, more: true, last: "A3" }, { _tag: "Next", last: "A3", key: "\"A3\"" }],
    ["the same last again", { received: 2, more: true, last: "A2" }, { _tag: "Stalled", last: "A2" }],
    ["a numeric last seen before", { received: 2, more: true, last: 7 }, { _tag: "Stalled", last: 7 }],
    ["\"7\" is not 7", { received: 2, more: true, last: "7" }, { _tag: "Next", last: "7", key: "\"7\"" }]
  ]
  for (const [name, page, expected] of table) {
    it(name, () => {
      expect(analyticsStep(seen, page)).toEqual(expected)
    })
  }
})

describe("history decisions", () => {
  const day = 86_400_000
  const table: ReadonlyArray<readonly [string, number, number, number, ReturnType<typeof historyWindow>]> = [
    ["no records", 0, day, 0, { _tag: "Empty" }],
    ["under the ceiling: page it", 0, day, 9_999, { _tag: "Page" }],
    ["at the ceiling: split on a whole second", 0, day, 10_000, { _tag: "Split", mid: day / 2 }],
    ["an odd number of seconds: the first half is the shorter", 0, 3_000, 20_000, { _tag: "Split", mid: 1_000 }],
    ["between one and two seconds: split in the middle", 0, 1_500, 10_000, { _tag: "Split", mid: 750 }],
    ["a second or less: page what can be reached", 5_000, 6_000, 12_000, { _tag: "PageIncomplete" }]
  ]
  for (const [name, since, until, total, expected] of table) {
    it(name, () => {
      expect(historyWindow(since, until, total)).toEqual(expected)
    })
  }
})
