/**
 * Checks of the shape of a decoded JSON body (the entity wrapper, a page's list), and the `UnexpectedShape` errors
 * they give.
 *
 * @internal
 */
import type { PDHTTPError } from "../PagerDutyError.js"
import type { ResponseFacts } from "./responses.js"
import { httpError } from "./responses.js"

/** @internal */
export const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/**
 * A plain object (`{...}` literal or `JSON.parse` output), not an array, a class instance or `null`.
 *
 * @internal
 */
export const isPlainObject = (u: unknown): u is Record<string, unknown> => {
  if (!isRecord(u)) return false
  const proto: unknown = Object.getPrototypeOf(u)
  return proto === Object.prototype || proto === null
}

const typeName = (u: unknown): string => u === null ? "null" : Array.isArray(u) ? "array" : typeof u

/**
 * What a value is, for an error: `its keys are: "user", "meta"` (truncated to 100 characters) or `its type is array`.
 *
 * @internal
 */
export const describeShape = (u: unknown): string => {
  if (!isRecord(u)) return `its type is ${typeName(u)}`
  const keys = Object.keys(u).map((key) => JSON.stringify(key)).join(", ")
  if (keys === "") return "it is an empty object"
  return `its keys are: ${keys.length > 100 ? `${keys.slice(0, 100)}…` : keys}`
}

/**
 * The value under `wrapper`, or a `PDHTTPError` (reason `UnexpectedShape`, body attached) when the body is not an
 * object with that key.
 *
 * @internal
 */
export const unwrapBody = (
  facts: ResponseFacts,
  body: unknown,
  wrapper: string
): { readonly _tag: "Right"; readonly value: unknown } | { readonly _tag: "Left"; readonly error: PDHTTPError } => {
  if (isRecord(body) && Object.prototype.hasOwnProperty.call(body, wrapper)) {
    return { _tag: "Right", value: body[wrapper] }
  }
  return {
    _tag: "Left",
    error: httpError(
      facts,
      `expected the body to be an object with the key ${JSON.stringify(wrapper)}, but ${describeShape(body)}`
    )
  }
}

/**
 * A page's list under `wrapper`: a `PDHTTPError` (`UnexpectedShape`) when the key is missing or not an array.
 *
 * @internal
 */
export const pageItems = (
  facts: ResponseFacts,
  body: unknown,
  wrapper: string
): { readonly _tag: "Right"; readonly value: Array<unknown> } | {
  readonly _tag: "Left"
  readonly error: PDHTTPError
} => {
  const unwrapped = unwrapBody(facts, body, wrapper)
  if (unwrapped._tag === "Left") return unwrapped
  if (Array.isArray(unwrapped.value)) return { _tag: "Right", value: unwrapped.value }
  return {
    _tag: "Left",
    error: httpError(
      facts,
      `expected ${JSON.stringify(wrapper)} to be the page's list (an array), but its type is ${
        typeName(unwrapped.value)
      }`
    )
  }
}

/**
 * Structural equality of JSON values (objects compared key by key, arrays element by element).
 *
 * @internal
 */
export const jsonEqual = (a: unknown, b: unknown): boolean => {
  if (a === b) return true
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    return typeof a === "number" && typeof b === "number" && Number.isNaN(a) && Number.isNaN(b)
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false
    return true
  }
  const ra = a as Record<string, unknown>
  const rb = b as Record<string, unknown>
  const ka = Object.keys(ra).filter((key) => ra[key] !== undefined)
  const kb = Object.keys(rb).filter((key) => rb[key] !== undefined)
  if (ka.length !== kb.length) return false
  for (const key of ka) {
    if (!Object.prototype.hasOwnProperty.call(rb, key) || !jsonEqual(ra[key], rb[key])) return false
  }
  return true
}
