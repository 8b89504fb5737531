/**
 * Small JSON helpers shared by the fake's modules.
 *
 * @internal
 */

/** @internal */
export type JsonObject = Record<string, unknown>

/** @internal */
export const isObject = (u: unknown): u is JsonObject => typeof u === "object" && u !== null && !Array.isArray(u)

/** @internal */
export const asString = (u: unknown): string | undefined => typeof u === "string" ? u : undefined

/** @internal */
export const idOf = (u: unknown): string | undefined => isObject(u) ? asString(u.id) : undefined

/** The outcome of parsing a request body: absent (empty), a JSON value, or text that is not JSON. @internal */
export type ParsedBody =
  | { readonly _tag: "Empty" }
  | { readonly _tag: "Json"; readonly value: unknown }
  | { readonly _tag: "Invalid"; readonly text: string }

const emptyBody: ParsedBody = { _tag: "Empty" }

/** @internal */
export const parseBody = (text: string): ParsedBody => {
  if (text.length === 0 || text.trim().length === 0) return emptyBody
  try {
    return { _tag: "Json", value: JSON.parse(text) }
  } catch {
    return { _tag: "Invalid", text }
  }
}

/**
 * PagerDuty-style timestamp (`2024-01-02T03:04:05Z`: ISO 8601 UTC, whole seconds).
 *
 * @internal
 */
export const isoSeconds = (millis: number): string => {
  const iso = new Date(millis).toISOString()
  return iso.slice(0, 19) + "Z"
}

/**
 * Parses an ISO 8601 date-time; `undefined` when it is not one.
 *
 * @internal
 */
export const parseTime = (value: unknown): number | undefined => {
  if (typeof value !== "string" || value.length === 0) return undefined
  const millis = Date.parse(value)
  return Number.isNaN(millis) ? undefined : millis
}

/**
 * The singular of a collection name, by the orthodox PagerDuty conventions (`escalation_policies` →
 * `escalation_policy`, `log_entries` → `log_entry`, `statuses` → `status`, `users` → `user`).
 *
 * @internal
 */
export const singular = (name: string): string => {
  if (name.endsWith("ies")) return name.slice(0, -3) + "y"
  if (name.endsWith("sses") || name.endsWith("uses")) return name.slice(0, -2)
  if (name.endsWith("s") && !name.endsWith("ss")) return name.slice(0, -1)
  return name
}

/**
 * Whether a wrapper name reads as a plural (a list) rather than a single entity.
 *
 * @internal
 */
export const isPlural = (name: string): boolean => singular(name) !== name
