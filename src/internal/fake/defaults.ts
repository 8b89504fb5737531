/**
 * The fields PagerDuty fills in on a record created through the API, from the generated facts
 * (`createdDefaults` in `facts.generated.ts`): `"$now"` stands for the creation time.
 *
 * @internal
 */
import { createdDefaults } from "./facts.generated.js"
import { isoSeconds, type JsonObject } from "./json.js"

/**
 * Defaults the spec's examples do not show: a ruleset created through the API is a `global` one (the document's
 * `type` enum is `global` or `default_global`, the account's own).
 */
const extraDefaults: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  "POST /rulesets": { type: "global" }
}

/** The defaults of a create operation (`"POST /services"`), as fresh values; `{}` when the spec shows none. @internal */
export const createdDefaultsFor = (operation: string, now: number): JsonObject => {
  const generated = createdDefaults[operation]
  const extra = extraDefaults[operation]
  if (generated === undefined && extra === undefined) return {}
  const defaults = { ...generated, ...extra }
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
