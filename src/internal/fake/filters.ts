/**
 * List filters, from query parameters: `query` (name/email substring), array parameters (`statuses[]`,
 * `urgencies[]`, `<entity>_ids[]`), `incident_key`, and `since`/`until` time windows.
 *
 * @internal
 */
import { idOf, isObject, type JsonObject, parseTime } from "./json.js"
import type { Query } from "./request.js"

/** @internal */
export type Filter = (record: JsonObject) => boolean

/** A filter, or an error message for a bad parameter. @internal */
export type FilterResult =
  | { readonly _tag: "Filter"; readonly filter: Filter | undefined }
  | { readonly _tag: "Invalid"; readonly message: string }

const valueFields: Readonly<Record<string, string>> = {
  statuses: "status",
  urgencies: "urgency",
  types: "type",
  roles: "role"
}

const referenceMatches = (record: JsonObject, field: string, ids: ReadonlySet<string>): boolean => {
  const single = idOf(record[field])
  if (single !== undefined && ids.has(single)) return true
  const many = record[`${field}s`] ?? (field.endsWith("y") ? record[`${field.slice(0, -1)}ies`] : undefined)
  if (Array.isArray(many)) {
    for (const item of many) {
      const id = idOf(item)
      if (id !== undefined && ids.has(id)) return true
    }
  }
  if (field === "user" && Array.isArray(record.assignments)) {
    for (const assignment of record.assignments) {
      const id = isObject(assignment) ? idOf(assignment.assignee) : undefined
      if (id !== undefined && ids.has(id)) return true
    }
  }
  return false
}

const textOf = (value: unknown): string | undefined => typeof value === "string" ? value.toLowerCase() : undefined

/** Which collections filter by time, and on which field. */
const timeField = (key: string): "created_at" | "execution_time" | "timestamp" | "window" | undefined => {
  if (key === "incidents" || key === "log_entries" || key.endsWith("/log_entries")) return "created_at"
  if (key === "change_events" || key.endsWith("/change_events") || key.endsWith("/related_change_events")) {
    return "timestamp"
  }
  if (key === "oncalls") return "window"
  if (key === "audit/records" || key.endsWith("/audit/records")) return "execution_time"
  return undefined
}

/**
 * The filter a list request asks for; `undefined` when it asks for none (the fast path: paging is a slice).
 *
 * @internal
 */
export const buildFilter = (key: string, query: Query): FilterResult => {
  const filters: Array<Filter> = []

  const text = query.get("query")
  if (text !== undefined && text.length > 0) {
    const needle = text.toLowerCase()
    filters.push((record) => {
      const name = textOf(record.name)
      const email = textOf(record.email)
      if (name === undefined && email === undefined) return textOf(record.summary)?.includes(needle) ?? false
      return (name?.includes(needle) ?? false) || (email?.includes(needle) ?? false)
    })
  }

  for (const [rawKey, values] of query.entries) {
    const param = rawKey.endsWith("[]") ? rawKey.slice(0, -2) : rawKey
    const set = new Set(values)
    const field = valueFields[param]
    if (field !== undefined) {
      filters.push((record) => set.has(String(record[field])))
    } else if (param === "ids" && rawKey.endsWith("[]")) {
      filters.push((record) => set.has(String(record.id)))
    } else if (param.endsWith("_ids")) {
      const reference = param.slice(0, -4)
      filters.push((record) => referenceMatches(record, reference, set))
    }
  }

  const incidentKey = query.get("incident_key")
  if (incidentKey !== undefined) filters.push((record) => record.incident_key === incidentKey)

  const sinceText = query.get("since")
  const untilText = query.get("until")
  const field = timeField(key)
  if (field !== undefined && (sinceText !== undefined || untilText !== undefined)) {
    const since = sinceText === undefined ? -Infinity : parseTime(sinceText)
    const until = untilText === undefined ? Infinity : parseTime(untilText)
    if (since === undefined) return { _tag: "Invalid", message: `Invalid 'since' parameter value: ${sinceText}` }
    if (until === undefined) return { _tag: "Invalid", message: `Invalid 'until' parameter value: ${untilText}` }
    if (since > until) return { _tag: "Invalid", message: "'since' must be before 'until'." }
    if (field === "window") {
      // On-calls overlapping the window.
      filters.push((record) => {
        const start = parseTime(record.start)
        const end = parseTime(record.end)
        return (end === undefined || end > since) && (start === undefined || start < until)
      })
    } else {
      filters.push((record) => {
        const at = parseTime(record[field] ?? record.created_at)
        return at !== undefined && at >= since && at < until
      })
    }
  }

  if (filters.length === 0) return { _tag: "Filter", filter: undefined }
  if (filters.length === 1) return { _tag: "Filter", filter: filters[0] }
  return {
    _tag: "Filter",
    filter: (record) => {
      for (const filter of filters) if (!filter(record)) return false
      return true
    }
  }
}
