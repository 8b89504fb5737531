/**
 * The fields PagerDuty fills in on a record created through the API, from the generated facts
 * (`createdDefaults` in `facts.generated.ts`): `"$now"` stands for the creation time.
 *
 * @internal
 */
import { createdDefaults } from "./facts.generated.js"
import { isoSeconds, type JsonObject } from "./json.js"

/** The defaults of a create operation (`"POST /services"`), as fresh values; `{}` when the spec shows none. @internal */
export const createdDefaultsFor = (operation: string, now: number): JsonObject => {
  const defaults = createdDefaults[operation]
  if (defaults === undefined) return {}
  const out: JsonObject = {}
  for (const field in defaults) {
    const value = defaults[field]
    // Fresh copies: records are never mutated in place, but callers may hold on to what they were given.
    out[field] = value === "$now" ? isoSeconds(now) : typeof value === "object" && value !== null ?
      structuredClone(value) :
      value
  }
  return out
}
