/**
 * What every paging style shares: resolving a URL to a paged collection, fetching one page, the collection's `total`,
 * and finishing a stream of raw items (`dedupe`, then the schema).
 *
 * @internal
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { PDClientError } from "../../PagerDutyError.js"
import type { PDHTTPError } from "../../PagerDutyError.js"
import type { PageOptions, RestApiError } from "../../RestApi.js"
import { isRecord, pageItems } from "../bodyShape.js"
import { isPathParam, lookupEndpoint } from "../endpoints.js"
import type { EndpointEntry, PaginationStyle } from "../endpointTypes.js"
import type { Params, ParamValue } from "../params.js"
import { httpError } from "../responses.js"
import type { CallContext, JsonResponse, RestCore } from "../restCore.js"
import { pageDecoder } from "../schemaDecode.js"
import type { ResourceUrl } from "../url.js"
import { relativePath } from "../url.js"
import type { PageSizeSource } from "./decisions.js"
import { resolvePageSize } from "./decisions.js"

/** A paged collection, resolved against the endpoint table. @internal */
export interface Collection {
  readonly method: "GET" | "POST"
  /** Absolute URL without its query string. */
  readonly url: string
  /** The parameters of the URL's own query string. */
  readonly query: Params
  readonly template: string
  /** `GET /users`: for messages and log annotations. */
  readonly endpoint: string
  readonly wrapper: string
  readonly style: PaginationStyle | null
}

/** @internal */
export interface Page {
  readonly response: JsonResponse
  readonly body: Record<string, unknown>
  readonly items: Array<unknown>
}

/** One step of `Stream.paginateChunkEffect`. @internal */
export type Stepped<S> = readonly [Chunk.Chunk<unknown>, Option.Option<S>]

/** @internal */
export const invalidInput = (description: string) => new PDClientError({ reason: "InvalidInput", description })

/** A collection that cannot be paged to its end (reason `Pagination`), naming the endpoint. @internal */
export const paginationError = (c: Collection, description: string) =>
  new PDClientError({ reason: "Pagination", description, method: c.method, url: c.url })

/** A warning annotated with the endpoint. @internal */
export const warn = (c: Collection, message: string, annotations: Record<string, unknown> = {}) =>
  Effect.annotateLogs(Effect.logWarning(message), { endpoint: c.endpoint, ...annotations })

const invalidUrl = (description: string, method: string, url: string) =>
  new PDClientError({ reason: "InvalidUrl", description, method, url })

/** Parses a query string into params: repeated and `[]` keys become arrays. */
const parseQuery = (search: string): Params => {
  const out: Record<string, string | Array<string>> = {}
  if (search === "") return out
  for (const [key, value] of new URLSearchParams(search)) {
    if (key.endsWith("[]")) {
      const previous = out[key]
      if (Array.isArray(previous)) previous.push(value)
      else out[key] = [value]
    } else {
      out[key] = value
    }
  }
  return out
}

/** @internal */
export const withoutKeys = (params: Params, keys: ReadonlyArray<string>): Record<string, ParamValue> => {
  const out: Record<string, ParamValue> = {}
  for (const [key, value] of Object.entries(params)) {
    if (!keys.includes(key)) out[key] = value
  }
  return out
}

/** A non-negative integer parameter (`offset`) given as a number or a numeric string. @internal */
export const integerParam = (
  params: Params,
  name: string,
  minimum: number
): Effect.Effect<number | undefined, PDClientError> => {
  const value = params[name]
  if (value === undefined || value === null) return Effect.succeed(undefined)
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN
  return Number.isInteger(n) && n >= minimum
    ? Effect.succeed(n)
    : Effect.fail(
      invalidInput(`The "${name}" parameter must be an integer of at least ${minimum}, not ${String(value)}`)
    )
}

/**
 * The page size of a stream, from `pageSize` and the other places a caller may have set it (see
 * {@link resolvePageSize}); a bad or contradictory one is a `PDClientError` (reason `InvalidInput`).
 *
 * @internal
 */
export const pageSizeOf = (
  c: Collection,
  options: PageOptions<unknown, unknown> | undefined,
  others: ReadonlyArray<PageSizeSource>
): Effect.Effect<number, PDClientError> => {
  const decided = resolvePageSize([
    { name: "pageSize", value: options?.pageSize },
    { name: "params.limit", value: options?.params?.limit },
    { name: "the URL's limit", value: c.query.limit },
    ...others
  ])
  return decided._tag === "Ok"
    ? Effect.succeed(decided.value)
    : Effect.fail(invalidInput(`${c.endpoint}: ${decided.description}`))
}

/** The id of an item, for `dedupe`: a string or number `id`, else `undefined` (such items always pass). @internal */
export const idOf = (item: unknown): string | undefined => {
  if (!isRecord(item)) return undefined
  const id = item.id
  return typeof id === "string" ? id : typeof id === "number" ? String(id) : undefined
}

/** Resolves a URL to a paged collection of the endpoint table, or says why it is not one. @internal */
export const resolveCollection = (
  core: RestCore,
  method: "GET" | "POST",
  resource: ResourceUrl,
  caller: string
): Effect.Effect<Collection, PDClientError> =>
  Effect.flatMap(core.resolve(resource, method), (absolute) => {
    const cut = absolute.search(/[?#]/)
    const url = cut === -1 ? absolute : absolute.slice(0, cut)
    const search = cut === -1 || absolute[cut] === "#" ? "" : absolute.slice(cut + 1).split("#")[0]
    const path = relativePath(core.base, url)
    const template = core.canonical(url)
    if (Option.isNone(template)) {
      return Effect.fail(invalidUrl(
        `${method} ${path} matches no documented endpoint of the PagerDuty REST API; ${caller} needs the ` +
          `endpoint table to know how the collection pages (use the JSON verbs for undocumented paths)`,
        method,
        url
      ))
    }
    const endpoint = `${method} ${template.value}`
    const segments = template.value.split("/")
    const last = segments[segments.length - 1]
    if (method === "GET" && isPathParam(last)) {
      return Effect.fail(invalidUrl(`${endpoint} is a single resource, not a paginated collection`, method, url))
    }
    const entry: Option.Option<EndpointEntry> = lookupEndpoint(method, template.value)
    if (Option.isNone(entry)) {
      const analytics = method === "GET" ? lookupEndpoint("POST", template.value) : Option.none()
      const hint = Option.isSome(analytics) && analytics.value.pagination === "analytics"
        ? ` (POST ${template.value} pages inside its body: use iterAnalytics)`
        : ""
      return Effect.fail(invalidUrl(
        `${endpoint} is not an operation of the PagerDuty REST API, so not a paginated collection${hint}`,
        method,
        url
      ))
    }
    if (entry.value.responseWrapper === null) {
      return Effect.fail(invalidUrl(
        `${endpoint} is not a paginated collection (its answer has no list to page through)`,
        method,
        url
      ))
    }
    return Effect.succeed({
      method,
      url,
      query: parseQuery(search),
      template: template.value,
      endpoint,
      wrapper: entry.value.responseWrapper,
      style: entry.value.pagination
    })
  })

/** One page of a collection: its body and the items under the collection's wrapper. @internal */
export const fetchPage = (
  core: RestCore,
  c: Collection,
  params: Params,
  options: PageOptions<unknown, unknown> | undefined,
  context: CallContext,
  json?: unknown
): Effect.Effect<Page, RestApiError> =>
  core.json(
    c.method,
    c.url,
    {
      params,
      headers: options?.headers,
      timeout: options?.timeout,
      ...(json !== undefined ? { json } : {})
    },
    context,
    (response): Effect.Effect<Page, PDHTTPError> => {
      const items = pageItems(response, response.json, c.wrapper)
      if (items._tag === "Left") return Effect.fail(items.error)
      return Effect.succeed({ response, body: response.json as Record<string, unknown>, items: items.value })
    }
  )

/** The collection's `total` (one request with `total=true&limit=1`). @internal */
export const totalOf = (
  core: RestCore,
  c: Collection,
  params: Params,
  options: PageOptions | undefined
): Effect.Effect<number, RestApiError> =>
  Effect.flatMap(
    core.json("GET", c.url, {
      params: { ...withoutKeys(params, ["limit", "offset", "total"]), total: true, limit: 1, offset: 0 },
      headers: options?.headers,
      timeout: options?.timeout
    }, { operation: "RestApi.total" }),
    (response): Effect.Effect<number, PDHTTPError> => {
      const body = response.json
      const total = isRecord(body) ? body.total : undefined
      if (typeof total === "number" && Number.isFinite(total) && total >= 0) return Effect.succeed(total)
      return Effect.fail(httpError(
        response,
        `the answer of ${c.endpoint} with total=true has no numeric "total" (the endpoint may not support ` +
          `offset paging)`
      ))
    }
  )

/** Dedupe (on the raw items), then the schema (one decode per page). @internal */
export const finish = <A, I>(
  c: Collection,
  stream: Stream.Stream<unknown, RestApiError>,
  options: PageOptions<A, I> | undefined
): Stream.Stream<A, RestApiError> => {
  let out = stream
  if (options?.dedupe === true) {
    const raw = out
    out = Stream.suspend(() => {
      // The ids already emitted, for this run of the stream: the one thing that grows with the collection.
      const seen = new Set<string>()
      return Stream.filter(raw, (item) => {
        const id = idOf(item)
        if (id === undefined) return true
        if (seen.has(id)) return false
        seen.add(id)
        return true
      })
    })
  }
  const schema = options?.schema
  if (schema === undefined) return out as Stream.Stream<A, RestApiError>
  const decode = pageDecoder(schema)
  const context = { method: c.method, url: c.url, what: `an item of ${c.endpoint}` }
  return Stream.mapChunksEffect(
    out,
    (chunk) => Effect.map(decode(Chunk.toReadonlyArray(chunk), context), (items) => Chunk.unsafeFromArray(items))
  )
}
