/**
 * Turns a generated `Descriptor` into an Effect `Schema`, once per descriptor (memoized by identity, so
 * `Schemas.Incident` is the same `Schema` wherever it is referenced).
 *
 * @internal
 */
import * as Schema from "effect/Schema"
import type { Descriptor } from "./descriptor.js"

/** What every generated schema decodes with: unknown keys kept; the first issue is enough. */
const parseOptions = { onExcessProperty: "preserve", errors: "first" } as const

const orNull = (descriptor: Descriptor): Schema.Schema.Any =>
  descriptor === "unknown" || descriptor === "null" || (typeof descriptor === "object" && "nullable" in descriptor)
    ? build(descriptor)
    : Schema.NullOr(build(descriptor))

const cache = new WeakMap<object, Schema.Schema.Any>()

const build = (descriptor: Descriptor): Schema.Schema.Any => {
  switch (descriptor) {
    case "string":
      return Schema.String
    case "number":
      return Schema.Number
    case "boolean":
      return Schema.Boolean
    case "null":
      return Schema.Null
    case "unknown":
      return Schema.Unknown
  }
  const cached = cache.get(descriptor)
  if (cached !== undefined) return cached
  let result: Schema.Schema.Any
  if ("ref" in descriptor) {
    const target = descriptor.ref
    result = Schema.suspend(() => build(target()))
  } else if ("array" in descriptor) {
    result = Schema.Array(build(descriptor.array))
  } else if ("nullable" in descriptor) {
    result = Schema.NullOr(build(descriptor.nullable))
  } else if ("anyOf" in descriptor) {
    result = Schema.Union(...descriptor.anyOf.map(build))
  } else {
    const required = new Set(descriptor.required ?? [])
    const fields: Record<string, Schema.Schema.Any | Schema.PropertySignature.Any> = {}
    for (const [name, value] of Object.entries(descriptor.object)) {
      // PagerDuty sends `null` for absent values, nullable in its document or not: an optional property may be null.
      fields[name] = required.has(name) ? build(value) : Schema.optional(orNull(value))
    }
    result = descriptor.rest === undefined
      ? Schema.Struct(fields)
      : Schema.Struct(fields, Schema.Record({ key: Schema.String, value: build(descriptor.rest) }))
  }
  cache.set(descriptor, result)
  return result
}

const annotated = new WeakMap<object, Schema.Schema.Any>()

/**
 * The `Schema` of a descriptor, annotated to keep unknown keys wherever it is used (also with `RestApi`'s `schema`
 * options). The type parameter is the generated interface of the same descriptor.
 *
 * @internal
 */
export const schema = <A>(descriptor: Descriptor): Schema.Schema<A> => {
  if (typeof descriptor === "string") return build(descriptor) as unknown as Schema.Schema<A>
  let found = annotated.get(descriptor)
  if (found === undefined) {
    found = build(descriptor).annotations({ parseOptions })
    annotated.set(descriptor, found)
  }
  return found as unknown as Schema.Schema<A>
}

/** The decoding options of the typed operations. @internal */
export const decodeOptions = parseOptions
