/**
 * A fast check of a value against a generated `Descriptor`, used by the typed operations on every answer: it walks
 * the value once and allocates nothing when the value matches, and the value is returned as it is (unknown keys kept,
 * nothing copied). The semantics are those of the `Schema` that `schema.ts` builds from the same descriptor (which
 * has no transformations, so checking is decoding); on a mismatch the operation runs that `Schema` for the error, so
 * the error is the `Schema`'s.
 *
 * @internal
 */
import type { Descriptor } from "./descriptor.js"

/** Whether the value matches. @internal */
export type Check = (value: unknown) => boolean

const isString: Check = (u) => typeof u === "string"
const isNumber: Check = (u) => typeof u === "number"
const isBoolean: Check = (u) => typeof u === "boolean"
const isNull: Check = (u) => u === null
const any: Check = () => true

const cache = new WeakMap<object, Check>()

const hasOwn = Object.prototype.hasOwnProperty

const orNull = (descriptor: Descriptor): Check => {
  const inner = check(descriptor)
  return descriptor === "unknown" || descriptor === "null" ||
      (typeof descriptor === "object" && "nullable" in descriptor)
    ? inner
    : (u) => u === null || inner(u)
}

const build = (descriptor: Exclude<Descriptor, string>): Check => {
  if ("ref" in descriptor) {
    const target = descriptor.ref
    let resolved: Check | undefined
    return (u) => (resolved ??= check(target()))(u)
  }
  if ("array" in descriptor) {
    const item = check(descriptor.array)
    return (u) => {
      if (!Array.isArray(u)) return false
      for (let i = 0; i < u.length; i++) if (!item(u[i])) return false
      return true
    }
  }
  if ("nullable" in descriptor) {
    const inner = check(descriptor.nullable)
    return (u) => u === null || inner(u)
  }
  if ("anyOf" in descriptor) {
    const members = descriptor.anyOf.map(check)
    return (u) => members.some((member) => member(u))
  }
  const required = new Set(descriptor.required ?? [])
  const keys = Object.keys(descriptor.object)
  // Optional properties may be null (as in `schema.ts`); `undefined` counts as absent.
  const checks = keys.map((key) => (required.has(key) ? check(descriptor.object[key]) : orNull(descriptor.object[key])))
  const isRequired = keys.map((key) => required.has(key))
  const rest = descriptor.rest === undefined ? undefined : check(descriptor.rest)
  return (u) => {
    if (typeof u !== "object" || u === null || Array.isArray(u)) return false
    const record = u as Record<string, unknown>
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]
      if (!hasOwn.call(record, key)) {
        if (isRequired[i]) return false
        continue
      }
      const value = record[key]
      if (value === undefined ? isRequired[i] && !checks[i](value) : !checks[i](value)) return false
    }
    if (rest !== undefined) {
      for (const key in record) if (hasOwn.call(record, key) && !rest(record[key])) return false
    }
    return true
  }
}

/**
 * The check of a descriptor, built once per descriptor.
 *
 * @internal
 */
export const check = (descriptor: Descriptor): Check => {
  switch (descriptor) {
    case "string":
      return isString
    case "number":
      return isNumber
    case "boolean":
      return isBoolean
    case "null":
      return isNull
    case "unknown":
      return any
  }
  let found = cache.get(descriptor)
  if (found === undefined) {
    found = build(descriptor)
    cache.set(descriptor, found)
  }
  return found
}
