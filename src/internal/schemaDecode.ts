/**
 * Decoding answers with a user `Schema`: a failure becomes a `PDClientError` (reason `Decode`) that names the field
 * (the path of the first issue, e.g. `email` or `[3].teams[0].id`).
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { PDClientError } from "../PagerDutyError.js"

/** Where the decoded value came from, for the error. @internal */
export interface DecodeContext {
  readonly method: string
  readonly url: string
  /** What was decoded, e.g. `the entity` or `an item of the page at offset 200`. */
  readonly what: string
}

/**
 * A path as a field name: `["teams", 0, "id"]` → `teams[0].id`; `[]` → `""`.
 *
 * @internal
 */
export const formatPath = (path: ReadonlyArray<PropertyKey>): string => {
  let out = ""
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`
    else out += out === "" ? String(key) : `.${String(key)}`
  }
  return out
}

const maxDescription = 1000

/**
 * Maps a `ParseError` to a `PDClientError` naming the field of the first issue.
 *
 * @internal
 */
export const decodeError = (error: ParseResult.ParseError, context: DecodeContext): PDClientError => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  const first = issues[0]
  const field = first === undefined ? "" : formatPath(first.path)
  const where = field === "" ? "" : ` at ${field}`
  const detail = first === undefined ? ParseResult.TreeFormatter.formatErrorSync(error) : first.message
  const text = `${context.what} does not match the schema${where}: ${detail}`
  return new PDClientError({
    reason: "Decode",
    description: text.length > maxDescription ? `${text.slice(0, maxDescription)}…` : text,
    method: context.method,
    url: context.url,
    ...(field !== "" ? { field } : {}),
    cause: error
  })
}

/**
 * Decodes one value with a schema.
 *
 * @internal
 */
export const decodeOne = <A, I>(
  schema: Schema.Schema<A, I>,
  value: unknown,
  context: DecodeContext
): Effect.Effect<A, PDClientError> =>
  Effect.mapError(Schema.decodeUnknown(schema)(value), (error) => decodeError(error, context))

/**
 * A decoder of whole pages (one `Effect` per page, not per item): `Schema.Array(schema)`, built once per call of
 * this function (once per stream). A failing item is named by its index in the page (`[3].email`).
 *
 * @internal
 */
export const pageDecoder = <A, I>(
  schema: Schema.Schema<A, I>
): (items: ReadonlyArray<unknown>, context: DecodeContext) => Effect.Effect<ReadonlyArray<A>, PDClientError> => {
  const decode = Schema.decodeUnknown(Schema.Array(schema))
  return (items, context) => Effect.mapError(decode(items), (error) => decodeError(error, context))
}
