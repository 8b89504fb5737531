/**
 * The thin Effect code of the typed operations: a generated `OperationDescriptor` becomes a function that calls
 * `RestApi` (entity verbs for single calls, `iterAll` / `iterAnalytics` for paged lists) and decodes the result with
 * the generated schema.
 *
 * @internal
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type { CallOptions, StreamOptions } from "../../api/TypedDecoding.js"
import { TypedDecoding } from "../../api/TypedDecoding.js"
import { PDClientError } from "../../PagerDutyError.js"
import type { RestApiError } from "../../RestApi.js"
import { RestApi } from "../../RestApi.js"
import type { Params } from "../params.js"
import { decodeError } from "../schemaDecode.js"
import type { Descriptor, OperationDescriptor } from "./descriptor.js"
import { decodeOptions, schema } from "./schema.js"
import { type Check, check } from "./validate.js"

type Input = Readonly<Record<string, unknown>> | undefined

interface Prepared {
  readonly url: string
  readonly params: Params
  readonly headers: Record<string, string>
  readonly json: unknown
}

const prepare = (op: OperationDescriptor, input: Input, options: CallOptions | undefined) =>
  Effect.suspend((): Effect.Effect<Prepared, PDClientError> => {
    const values = input ?? {}
    const pathParams = new Set(op.pathParams)
    let missing: string | undefined
    const url = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
      const value = values[name]
      // "." and ".." would change the path once the URL is normalized.
      if ((typeof value !== "string" && typeof value !== "number") || value === "" || value === "." || value === "..") {
        missing ??= name
        return ""
      }
      return encodeURIComponent(String(value))
    })
    if (missing !== undefined) {
      return Effect.fail(
        new PDClientError({
          reason: "InvalidInput",
          description:
            `${op.name}: the path parameter "${missing}" must be a number or a non-empty string other than "." and ".."`,
          field: missing
        })
      )
    }
    const params: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(values)) {
      if (key === "body" || key === "from" || key === "headers" || pathParams.has(key)) continue
      params[key] = value
    }
    const headers: Record<string, string> = { ...(values.headers as Record<string, string> | undefined) }
    if (typeof values.from === "string") headers.From = values.from
    Object.assign(headers, options?.headers)
    return Effect.succeed({ url, params: params as Params, headers, json: values.body })
  })

/**
 * A lazily built decoder of one result value: the fast check (`validate.ts`), which returns the value as it is; on a
 * mismatch, the `Schema` of the same descriptor, for its error (the same semantics, so it fails too).
 */
const makeDecoder = (result: Descriptor) => {
  let fast: Check | undefined
  let decode: ((value: unknown) => Either.Either<unknown, ParseResult.ParseError>) | undefined
  return (value: unknown): Either.Either<unknown, ParseResult.ParseError> => {
    if (fast === undefined) fast = check(result)
    if (fast(value)) return Either.right(value)
    if (decode === undefined) decode = Schema.decodeUnknownEither(schema<unknown>(result), decodeOptions)
    return decode(value)
  }
}

const decodingEnabled = (options: CallOptions | undefined): Effect.Effect<boolean> =>
  options?.decode !== undefined ? Effect.succeed(options.decode) : Effect.map(TypedDecoding, (d) => d.enabled)

const verbs = {
  GET: "rget",
  POST: "rpost",
  PUT: "rput",
  PATCH: "rpatch",
  DELETE: "rdelete"
} as const

/**
 * A single-call operation: the entity verb of its method (the body wrapped and the answer unwrapped as the endpoint
 * table says), then the generated schema.
 *
 * @internal
 */
export const call = <I, A>(op: OperationDescriptor) => {
  const fn = callOf<I, A>(op)
  return describe(fn, op)
}

/**
 * The descriptor a generated function was made from (for tests and tools), or `undefined`.
 *
 * @internal
 */
export const operationOf = (fn: unknown): OperationDescriptor | undefined =>
  typeof fn === "function" ? descriptors.get(fn) : undefined

const descriptors = new WeakMap<object, OperationDescriptor>()
const describe = <F extends object>(fn: F, op: OperationDescriptor): F => {
  descriptors.set(fn, op)
  return fn
}

const callOf = <I, A>(op: OperationDescriptor) => {
  const decode = op.result === null ? undefined : makeDecoder(op.result)
  const what = `the result of ${op.name} (${op.method} ${op.path})`
  return (input?: I, options?: CallOptions): Effect.Effect<A, RestApiError, RestApi> =>
    Effect.gen(function*() {
      const api = yield* RestApi
      const request = yield* prepare(op, input as Input, options)
      const value = yield* api[verbs[op.method]](request.url, {
        params: request.params,
        headers: request.headers,
        json: request.json,
        timeout: options?.timeout
      })
      if (decode === undefined || value === undefined || !(yield* decodingEnabled(options))) return value as A
      const decoded = decode(value)
      if (Either.isLeft(decoded)) {
        return yield* decodeError(decoded.left, { method: op.method, url: request.url, what })
      }
      return decoded.right as A
    })
}

/**
 * A paged list: `RestApi.iterAll` (offset, cursor and `after` paging, as the endpoint table says) or
 * `RestApi.iterAnalytics` (paging inside the POST body), each page's items decoded in one step.
 *
 * @internal
 */
export const list = <I, A>(op: OperationDescriptor) => describe(listOf<I, A>(op), op)

const listOf = <I, A>(op: OperationDescriptor) => {
  const decode = op.result === null ? undefined : makeDecoder(op.result)
  const what = `an item of ${op.name} (${op.method} ${op.path})`
  return (input?: I, options?: StreamOptions): Stream.Stream<A, RestApiError, RestApi> =>
    Stream.unwrap(Effect.gen(function*() {
      const api = yield* RestApi
      const request = yield* prepare(op, input as Input, options)
      const common = {
        params: request.params,
        headers: request.headers,
        pageSize: options?.pageSize,
        dedupe: options?.dedupe,
        timeout: options?.timeout
      }
      const items: Stream.Stream<unknown, RestApiError> = op.pagination === "analytics"
        ? api.iterAnalytics(request.url, {
          ...common,
          json: request.json as Readonly<Record<string, unknown>> | undefined
        })
        : api.iterAll(request.url, { ...common, concurrency: options?.concurrency, onCeiling: options?.onCeiling })
      if (decode === undefined || !(yield* decodingEnabled(options))) return items as Stream.Stream<A, RestApiError>
      return Stream.mapChunksEffect(items, (chunk) => {
        // The usual case: every item matches and is kept as it is, so the page's chunk is passed on unchanged.
        let out: Array<unknown> | undefined
        let index = 0
        for (const item of chunk) {
          const decoded = decode(item)
          if (Either.isLeft(decoded)) {
            return Effect.fail(decodeError(decoded.left, { method: op.method, url: request.url, what }))
          }
          if (decoded.right !== item && out === undefined) out = Chunk.toArray(chunk).slice(0, index)
          if (out !== undefined) out.push(decoded.right)
          index++
        }
        return Effect.succeed((out === undefined ? chunk : Chunk.unsafeFromArray(out)) as Chunk.Chunk<A>)
      })
    }))
}
