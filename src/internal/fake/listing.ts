/**
 * Listing a collection in each of PagerDuty's pagination styles: classic (`limit`/`offset`/`more`/`total`), cursor
 * (`cursor` → `next_cursor`), `after` (`GET /alert_grouping_settings`), and the analytics body paging
 * (`starting_after` → `first`/`last`/`more`). Without a filter a page is a slice (O(page)); with one, a scan.
 *
 * @internal
 */
import type { FakeResponse } from "../../FakePagerDuty.js"
import { buildFilter, type Filter } from "./filters.js"
import { expandIncludes, includesOf } from "./include.js"
import { isObject, type JsonObject, parseTime } from "./json.js"
import { invalidInput, JSON_CONTENT_TYPE, jsonReply, notFound, offsetCeiling } from "./reply.js"
import type { ParsedRequest } from "./request.js"
import type { EngineState } from "./state.js"
import type { Collection } from "./store.js"

/** PagerDuty's classic-pagination ceiling: `offset + limit` may not pass it. @internal */
export const OFFSET_CEILING = 10_000

const DIGITS = /^\d+$/

const parseCount = (
  text: string | undefined,
  name: string,
  fallback: number,
  max: number,
  min: number
): number | string => {
  if (text === undefined || text === "") return fallback
  if (!DIGITS.test(text)) return `${name} must be a non-negative integer.`
  const value = Number(text)
  if (value < min) return `${name} must be at least ${min}.`
  return Math.min(value, max)
}

const isTrue = (text: string | undefined): boolean => text === "true" || text === "1" || text === "TRUE"

/** Opaque cursors: the position of a record in its collection. */
const encodeCursor = (position: number): string => btoa(`fake-cursor:${position}`)

const decodeCursor = (cursor: string): number | undefined => {
  try {
    const text = atob(cursor)
    if (!text.startsWith("fake-cursor:")) return undefined
    const position = Number(text.slice("fake-cursor:".length))
    return Number.isInteger(position) && position >= 0 ? position : undefined
  } catch {
    return undefined
  }
}

/** @internal */
export interface ListSource {
  readonly size: number
  readonly at: (index: number) => JsonObject
}

const emptySource: ListSource = { size: 0, at: () => ({}) }

const sourceOf = (collection: Collection | undefined): ListSource => collection ?? emptySource

/** The next index at or after `from` whose record passes the filter (`-1` when none). */
const nextMatch = (source: ListSource, filter: Filter | undefined, from: number): number => {
  if (filter === undefined) return from < source.size ? from : -1
  for (let i = from; i < source.size; i++) if (filter(source.at(i))) return i
  return -1
}

/** Collects up to `limit` matching records from `start`; returns them and the index after the last one taken. */
const collectForward = (
  source: ListSource,
  filter: Filter | undefined,
  start: number,
  limit: number,
  show: (record: JsonObject) => string
): { readonly page: Array<string>; readonly nextIndex: number } => {
  const page: Array<string> = []
  let i = start
  if (filter === undefined) {
    const end = Math.min(source.size, start + limit)
    for (; i < end; i++) page.push(show(source.at(i)))
    return { page, nextIndex: i }
  }
  for (; i < source.size && page.length < limit; i++) {
    const record = source.at(i)
    if (filter(record)) page.push(show(record))
  }
  return { page, nextIndex: i }
}

interface ListInput {
  readonly state: EngineState
  readonly request: ParsedRequest
  /** Collection key (`users`, `incidents/P1/alerts`). */
  readonly key: string
  readonly wrapper: string
  /** The records to list, when not the stored collection at `key` (computed on-calls). */
  readonly source?: ListSource | undefined
}

const filterFor = (input: ListInput): Filter | undefined | FakeResponse => {
  const result = buildFilter(input.key, input.request.query)
  return result._tag === "Invalid" ? invalidInput(result.message) : result.filter
}

const isResponse = (u: unknown): u is FakeResponse => typeof u === "object" && u !== null && "_tag" in u

const shower = (input: ListInput) => {
  const includes = includesOf(input.request.query.getAll("include"))
  const { key, request, state } = input
  if (includes.length === 0) return (record: JsonObject): string => state.presentJson(key, record, request.origin)
  return (record: JsonObject): string =>
    JSON.stringify(expandIncludes(state, state.present(key, record, request.origin), includes, request.origin))
}

/**
 * A page as JSON text, built from the records' (cached) JSON: `{"<wrapper>":[...],<fields>}`. Records are not copied
 * to add their `self`, nor serialized again when listed again.
 */
const pageReply = (wrapper: string, records: ReadonlyArray<string>, fields: JsonObject): FakeResponse => {
  const rest = JSON.stringify(fields)
  return {
    _tag: "Response",
    status: 200,
    headers: { "content-type": JSON_CONTENT_TYPE },
    body: `{${JSON.stringify(wrapper)}:[${records.join(",")}]${rest === "{}" ? "" : `,${rest.slice(1, -1)}`}}`
  }
}

/**
 * Classic pagination: `limit` (default 25, capped at 100), `offset`, `total=true`; `offset + limit` past 10,000 is a
 * 400.
 *
 * @internal
 */
export const listOffset = (input: ListInput): FakeResponse => {
  const query = input.request.query
  const limit = parseCount(query.get("limit"), "limit", 25, 100, 1)
  if (typeof limit === "string") return invalidInput(limit)
  const offset = parseCount(query.get("offset"), "offset", 0, Number.MAX_SAFE_INTEGER, 0)
  if (typeof offset === "string") return invalidInput(offset)
  if (offset + limit > OFFSET_CEILING) return offsetCeiling()
  const filter = filterFor(input)
  if (isResponse(filter)) return filter
  const wantTotal = isTrue(query.get("total"))
  const source = input.source ?? sourceOf(input.state.store.peek(input.key))
  const show = shower(input)
  let page: Array<string>
  let more: boolean
  let total: number | null = null
  if (filter === undefined) {
    page = collectForward(source, undefined, offset, limit, show).page
    more = offset + page.length < source.size
    if (wantTotal) total = source.size
  } else {
    page = []
    let matched = 0
    more = false
    for (let i = 0; i < source.size; i++) {
      const record = source.at(i)
      if (!filter(record)) continue
      if (matched >= offset && matched < offset + limit) page.push(show(record))
      matched++
      if (!wantTotal && matched > offset + limit) {
        more = true
        break
      }
    }
    if (wantTotal) {
      total = matched
      more = offset + page.length < matched
    }
  }
  return pageReply(input.wrapper, page, { limit, offset, more, total })
}

/**
 * Cursor pagination: `limit` (default and maximum 100), `cursor`; `next_cursor` is `null` on the last page.
 *
 * @internal
 */
export const listCursor = (input: ListInput): FakeResponse => {
  const query = input.request.query
  const limit = parseCount(query.get("limit"), "limit", 100, 100, 1)
  if (typeof limit === "string") return invalidInput(limit)
  const cursorText = query.get("cursor")
  const start = cursorText === undefined || cursorText === "" ? 0 : decodeCursor(cursorText)
  if (start === undefined) return invalidInput("Invalid cursor.")
  const filter = filterFor(input)
  if (isResponse(filter)) return filter
  const source = input.source ?? sourceOf(input.state.store.peek(input.key))
  const { nextIndex, page } = collectForward(source, filter, start, limit, shower(input))
  const next = nextMatch(source, filter, nextIndex)
  return pageReply(input.wrapper, page, { limit, next_cursor: next < 0 ? null : encodeCursor(next) })
}

/**
 * `after`/`before` cursor pagination (`GET /alert_grouping_settings`): `after` in the response is the cursor of the
 * next page, `null` on the last one.
 *
 * @internal
 */
export const listAfter = (input: ListInput): FakeResponse => {
  const query = input.request.query
  const limit = parseCount(query.get("limit"), "limit", 25, 100, 1)
  if (typeof limit === "string") return invalidInput(limit)
  const filter = filterFor(input)
  if (isResponse(filter)) return filter
  const source = input.source ?? sourceOf(input.state.store.peek(input.key))
  const show = shower(input)
  const afterText = query.get("after")
  const beforeText = query.get("before")
  let start = 0
  if (afterText !== undefined && afterText !== "") {
    const position = decodeCursor(afterText)
    if (position === undefined) return invalidInput("Invalid 'after' cursor.")
    start = position
  } else if (beforeText !== undefined && beforeText !== "") {
    const end = decodeCursor(beforeText)
    if (end === undefined) return invalidInput("Invalid 'before' cursor.")
    // The page that ends just before `end`.
    let found = 0
    start = Math.min(end, source.size)
    while (start > 0 && found < limit) {
      start--
      if (filter === undefined || filter(source.at(start))) found++
    }
  }
  const first = nextMatch(source, filter, start)
  const { nextIndex, page } = collectForward(source, filter, start, limit, show)
  const next = nextMatch(source, filter, nextIndex)
  return pageReply(input.wrapper, page, {
    after: next < 0 ? null : encodeCursor(next),
    before: first > 0 && page.length > 0 ? encodeCursor(first) : null,
    limit,
    total: null
  })
}

/**
 * A list that does not page: every (matching) record, or the single record of a singular wrapper.
 *
 * @internal
 */
export const listAll = (input: ListInput, singleton: boolean): FakeResponse => {
  const filter = filterFor(input)
  if (isResponse(filter)) return filter
  const source = input.source ?? sourceOf(input.state.store.peek(input.key))
  if (singleton) {
    const index = nextMatch(source, filter, 0)
    return index < 0 ?
      notFound() :
      jsonReply(200, { [input.wrapper]: JSON.parse(shower(input)(source.at(index))) })
  }
  return pageReply(input.wrapper, collectForward(source, filter, 0, source.size, shower(input)).page, {})
}

// ---------------------------------------------------------------------------------------------------------------------
// Analytics (POST /analytics/raw/*): paging inside the JSON body
// ---------------------------------------------------------------------------------------------------------------------

const stringSet = (value: unknown): ReadonlySet<string> | undefined =>
  Array.isArray(value) ? new Set(value.filter((item): item is string => typeof item === "string")) : undefined

const analyticsFilter = (filters: JsonObject): Filter | string | undefined => {
  const checks: Array<Filter> = []
  const start = filters.created_at_start
  const end = filters.created_at_end
  if (start !== undefined || end !== undefined) {
    const since = start === undefined ? -Infinity : parseTime(start)
    const until = end === undefined ? Infinity : parseTime(end)
    if (since === undefined || until === undefined) return "created_at_start and created_at_end must be ISO 8601."
    checks.push((record) => {
      const at = parseTime(record.created_at)
      return at !== undefined && at >= since && at < until
    })
  }
  if (typeof filters.urgency === "string") {
    const urgency = filters.urgency
    checks.push((record) => record.urgency === urgency)
  }
  if (typeof filters.major === "boolean") {
    const major = filters.major
    checks.push((record) => (record.major === true) === major)
  }
  for (const [field, column] of [["service_ids", "service_id"], ["team_ids", "team_id"]] as const) {
    const set = stringSet(filters[field])
    if (set !== undefined && set.size > 0) checks.push((record) => set.has(String(record[column])))
  }
  if (checks.length === 0) return undefined
  return (record) => checks.every((check) => check(record))
}

/** The analytics row of an incident, for `POST /analytics/raw/incidents` when no rows were seeded. */
const analyticsRow = (incident: JsonObject): JsonObject => {
  const service = isObject(incident.service) ? incident.service : {}
  const policy = isObject(incident.escalation_policy) ? incident.escalation_policy : {}
  const priority = isObject(incident.priority) ? incident.priority : {}
  const created = parseTime(incident.created_at)
  const resolved = incident.status === "resolved" ? parseTime(incident.last_status_change_at) : undefined
  return {
    id: incident.id,
    incident_number: incident.incident_number ?? null,
    description: incident.title ?? incident.summary ?? null,
    created_at: incident.created_at ?? null,
    resolved_at: resolved === undefined ? null : incident.last_status_change_at,
    seconds_to_resolve: created !== undefined && resolved !== undefined
      ? Math.round((resolved - created) / 1000)
      : null,
    status: incident.status ?? null,
    urgency: incident.urgency ?? null,
    major: false,
    priority_name: priority.summary ?? null,
    service_id: service.id ?? null,
    service_name: service.summary ?? null,
    escalation_policy_id: policy.id ?? null,
    escalation_policy_name: policy.summary ?? null,
    team_id: null,
    team_name: null
  }
}

/**
 * `POST /analytics/raw/...`: `limit` (default 20, maximum 1000), `order` (`desc` by default: newest first, taking the
 * collection's order as creation order), `starting_after`/`ending_before` cursors; response `first`, `last`, `more`.
 * Rows come from the collection at the same path (seed `analytics/raw/incidents`); for raw incidents, when none
 * were seeded, from the `incidents` collection.
 *
 * @internal
 */
export const listAnalytics = (
  state: EngineState,
  request: ParsedRequest,
  key: string,
  wrapper: string
): FakeResponse => {
  const parsed = request.body()
  if (parsed._tag === "Invalid") return invalidInput("The request body is not valid JSON.")
  const body: JsonObject = parsed._tag === "Json" && isObject(parsed.value) ? parsed.value : {}
  const limitValue = body.limit === undefined ? 20 : body.limit
  if (typeof limitValue !== "number" || !Number.isInteger(limitValue) || limitValue < 1) {
    return invalidInput("limit must be a positive integer.")
  }
  const limit = Math.min(limitValue, 1000)
  const order = body.order === "asc" ? "asc" : "desc"
  const filters = isObject(body.filters) ? body.filters : {}
  const filter = analyticsFilter(filters)
  if (typeof filter === "string") return invalidInput(filter)

  const own = state.store.peek(key)
  let source: ListSource = sourceOf(own)
  if ((own === undefined || own.size === 0) && key === "analytics/raw/incidents") {
    const incidents = sourceOf(state.store.peek("incidents"))
    source = { size: incidents.size, at: (i) => analyticsRow(incidents.at(i)) }
  }

  // Iterate over positions in the requested order.
  const positionAt = (n: number): number => order === "asc" ? n : source.size - 1 - n
  const ordinalOf = (position: number): number => order === "asc" ? position : source.size - 1 - position
  let startOrdinal = 0
  const startingAfter = body.starting_after
  const endingBefore = body.ending_before
  if (typeof startingAfter === "string" && startingAfter !== "") {
    const position = decodeCursor(startingAfter)
    if (position === undefined) return invalidInput("Invalid starting_after cursor.")
    startOrdinal = ordinalOf(position) + 1
  } else if (typeof endingBefore === "string" && endingBefore !== "") {
    const position = decodeCursor(endingBefore)
    if (position === undefined) return invalidInput("Invalid ending_before cursor.")
    let found = 0
    startOrdinal = ordinalOf(position)
    while (startOrdinal > 0 && found < limit) {
      startOrdinal--
      if (filter === undefined || filter(source.at(positionAt(startOrdinal)))) found++
    }
  }
  const data: Array<JsonObject> = []
  let firstPosition = -1
  let lastPosition = -1
  let n = Math.max(0, startOrdinal)
  for (; n < source.size && data.length < limit; n++) {
    const position = positionAt(n)
    const row = source.at(position)
    if (filter !== undefined && !filter(row)) continue
    if (firstPosition < 0) firstPosition = position
    lastPosition = position
    data.push(row)
  }
  let more = false
  for (; n < source.size; n++) {
    if (filter === undefined || filter(source.at(positionAt(n)))) {
      more = true
      break
    }
  }
  const response: JsonObject = {
    [wrapper]: data,
    first: firstPosition < 0 ? null : encodeCursor(firstPosition),
    last: lastPosition < 0 ? null : encodeCursor(lastPosition),
    limit,
    more,
    order,
    order_by: typeof body.order_by === "string" ? body.order_by : "created_at",
    filters,
    time_zone: typeof body.time_zone === "string" ? body.time_zone : "Etc/UTC"
  }
  if (typeof startingAfter === "string") response.starting_after = startingAfter
  if (typeof endingBefore === "string") response.ending_before = endingBefore
  return jsonReply(200, response)
}
