/**
 * Entity verbs (`rget`, `rpost`, `rput`, `rpatch`, `rdelete`), `find`, `persist` and `subdomain`: the request body
 * wrapped and the answer unwrapped as the endpoint table says, and an optional schema decode.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { PDClientError } from "../PagerDutyError.js"
import type { EntityOptions, FindOptions, PersistOptions, RestApiError, RestApiService } from "../RestApi.js"
import { isPlainObject, isRecord, jsonEqual, unwrapBody } from "./bodyShape.js"
import { entityWrappers } from "./endpoints.js"
import { makePaginationCore } from "./pagination.js"
import type { RestCore, RestMethod } from "./restCore.js"
import { decodeOne } from "./schemaDecode.js"
import type { ResourceUrl } from "./url.js"
import { relativePath } from "./url.js"

/** @internal */
export type EntityMethods = Pick<
  RestApiService,
  "rget" | "rpost" | "rput" | "rpatch" | "rdelete" | "find" | "persist" | "subdomain"
>

/**
 * The implementation's shape of an entity verb: the result is what the schema decodes to, `unknown` without one
 * (the public `EntityVerb` overloads say so; this generic signature satisfies both).
 */
type LooseEntityVerb = <A = unknown, I = unknown>(
  url: ResourceUrl,
  options?: EntityOptions<A, I>
) => Effect.Effect<A, RestApiError>

/**
 * The request body as the endpoint expects it: wrapped in `wrapper`, unless it already is `{ <wrapper>: ... }` (a
 * plain object whose only key is the wrapper). An array (multi-update) is always wrapped.
 *
 * @internal
 */
export const wrapRequest = (json: unknown, wrapper: string): unknown => {
  if (isPlainObject(json)) {
    const keys = Object.keys(json)
    if (keys.length === 1 && keys[0] === wrapper) return json
  }
  return { [wrapper]: json }
}

const bodyMethods: ReadonlySet<RestMethod> = new Set(["POST", "PUT", "PATCH"])

/** The comparable text of an attribute for `find`: strings, numbers and booleans; anything else never matches. */
const attributeText = (value: unknown): string | undefined =>
  typeof value === "string"
    ? value
    : typeof value === "number" || typeof value === "boolean" || typeof value === "bigint"
    ? String(value)
    : undefined

/** @internal */
export const makeEntityMethods = (core: RestCore): Effect.Effect<EntityMethods> =>
  Effect.gen(function*() {
    const pagination = makePaginationCore(core)

    const entityVerb =
      (method: RestMethod): LooseEntityVerb =>
      <A = unknown, I = unknown>(url: ResourceUrl, options?: EntityOptions<A, I>): Effect.Effect<A, RestApiError> =>
        Effect.gen(function*() {
          const absolute = yield* core.resolve(url, method)
          const template = core.canonical(absolute)
          if (Option.isNone(template)) {
            return yield* new PDClientError({
              reason: "InvalidUrl",
              description:
                `${method} ${
                  relativePath(core.base, absolute)
                } matches no documented endpoint of the PagerDuty REST API, so its entity wrapper is unknown; ` +
                `use the raw or JSON verbs (${method.toLowerCase()}, j${method.toLowerCase()}) for undocumented paths`,
              method,
              url: absolute
            })
          }
          const wrappers = entityWrappers(method, template.value)
          const json = options?.json
          const body = json !== undefined && bodyMethods.has(method) && Option.isSome(wrappers.request)
            ? wrapRequest(json, wrappers.request.value)
            : json
          // Unwrapping and decoding run inside the call's span (`finish`), so their failures are the span's.
          return yield* core.json(
            method,
            absolute,
            {
              params: options?.params,
              headers: options?.headers,
              timeout: options?.timeout,
              json: body
            },
            { operation: `RestApi.r${method.toLowerCase()}` },
            (response): Effect.Effect<A, RestApiError> => {
              // 204 or an empty body: `undefined` (still decoded when a schema is given: the result is what it claims).
              let value: unknown = response.json
              if (value !== undefined && Option.isSome(wrappers.response)) {
                const unwrapped = unwrapBody(response, response.json, wrappers.response.value)
                if (unwrapped._tag === "Left") return Effect.fail(unwrapped.error)
                value = unwrapped.value
              }
              const schema = options?.schema
              if (schema === undefined) return Effect.succeed(value as A)
              return decodeOne(schema, value, {
                method,
                url: response.url,
                what: `the entity of ${method} ${template.value}`
              })
            }
          )
        })

    const rget = entityVerb("GET")
    const rpost = entityVerb("POST")
    const rput = entityVerb("PUT")
    const rpatch = entityVerb("PATCH")
    const rdelete = entityVerb("DELETE")

    /** The first raw entity matching, without decoding. */
    const findRaw = (
      resource: ResourceUrl,
      query: string | number,
      options: FindOptions<unknown, unknown> | undefined
    ): Effect.Effect<Option.Option<Record<string, unknown>>, RestApiError> => {
      const attribute = options?.attribute ?? "name"
      const needle = String(query).toLowerCase()
      const stream = pagination.iterAll(resource, {
        params: { ...options?.params, query: String(query) },
        headers: options?.headers,
        timeout: options?.timeout,
        pageSize: options?.pageSize,
        dedupe: options?.dedupe
      })
      return Stream.runHead(
        Stream.filterMap(stream, (item) => {
          if (!isRecord(item) || !Object.prototype.hasOwnProperty.call(item, attribute)) return Option.none()
          const text = attributeText(item[attribute])
          return text !== undefined && text.toLowerCase() === needle ? Option.some(item) : Option.none()
        })
      )
    }

    const decodeFound = <A, I>(
      value: Record<string, unknown>,
      options: { readonly schema?: Schema.Schema<A, I> | undefined } | undefined,
      resource: ResourceUrl
    ): Effect.Effect<A, PDClientError> =>
      options?.schema === undefined
        ? Effect.succeed(value as A)
        : decodeOne(options.schema, value, {
          method: "GET",
          url: typeof resource === "string" ? resource : resource.self,
          what: "the entity found"
        })

    const find = <A, I>(
      resource: ResourceUrl,
      query: string | number,
      options?: FindOptions<A, I>
    ): Effect.Effect<Option.Option<A>, RestApiError> =>
      Effect.flatMap(
        findRaw(resource, query, options as FindOptions<unknown, unknown> | undefined),
        Option.match({
          onNone: () => Effect.succeed(Option.none<A>()),
          onSome: (found) => Effect.map(decodeFound(found, options, resource), Option.some)
        })
      )

    const entityUrl = (
      resource: ResourceUrl,
      existing: Record<string, unknown>
    ): Effect.Effect<ResourceUrl, PDClientError> => {
      if (typeof existing.self === "string" && existing.self !== "") return Effect.succeed(existing.self)
      const id = existing.id
      if (typeof id === "string" || typeof id === "number") {
        const base = (typeof resource === "string" ? resource : resource.self).split(/[?#]/)[0].replace(/\/+$/, "")
        return Effect.succeed(`${base}/${encodeURIComponent(String(id))}`)
      }
      return Effect.fail(
        new PDClientError({
          reason: "InvalidInput",
          description: "persist: the entity found has neither a \"self\" URL nor an \"id\", so it cannot be updated"
        })
      )
    }

    const persist = <A, I>(
      resource: ResourceUrl,
      attribute: string,
      values: Readonly<Record<string, unknown>>,
      options?: PersistOptions<A, I>
    ): Effect.Effect<A, RestApiError> =>
      Effect.gen(function*() {
        const key = values[attribute]
        const query = typeof key === "number" ? key : attributeText(key)
        if (query === undefined) {
          return yield* new PDClientError({
            reason: "InvalidInput",
            description: `persist: values must contain a string or number "${attribute}" (the attribute the ` +
              `existing entity is found by)`,
            field: attribute
          })
        }
        const request = { headers: options?.headers, timeout: options?.timeout, schema: options?.schema }
        const found = yield* findRaw(resource, query, {
          attribute,
          params: options?.params,
          headers: options?.headers,
          timeout: options?.timeout
        })
        if (Option.isNone(found)) return yield* rpost(resource, { ...request, json: values })
        const existing = found.value
        if (options?.update === true) {
          const changed = Object.keys(values).some((name) => !jsonEqual(existing[name], values[name]))
          if (changed) {
            const target = yield* entityUrl(resource, existing)
            return yield* rput(target, { ...request, json: { ...existing, ...values } })
          }
        }
        return yield* decodeFound(existing, options, resource)
      })

    // The subdomain: read once, then memoized (a failure is not memoized, so a later call tries again).
    let subdomainValue: string | undefined
    const subdomainLock = yield* Effect.makeSemaphore(1)
    const readSubdomain = Effect.gen(function*() {
      const users = yield* rget("/users", { params: { limit: 1 } })
      const first = Array.isArray(users) ? users[0] : undefined
      const htmlUrl = isRecord(first) ? first.html_url : undefined
      if (typeof htmlUrl !== "string") {
        return yield* new PDClientError({
          reason: "Config",
          description: "Cannot determine the account's subdomain: GET /users returned no user with an html_url " +
            "(the credential may not see any user)"
        })
      }
      const host = yield* Effect.try({
        try: () => new URL(htmlUrl).hostname,
        catch: (cause) =>
          new PDClientError({
            reason: "Decode",
            description: `Cannot determine the account's subdomain: the user's html_url is not a URL`,
            cause
          })
      })
      return host.split(".")[0]
    })
    const subdomain: Effect.Effect<string, RestApiError> = Effect.suspend(() =>
      subdomainValue !== undefined
        ? Effect.succeed(subdomainValue)
        : subdomainLock.withPermits(1)(
          Effect.suspend(() =>
            subdomainValue !== undefined
              ? Effect.succeed(subdomainValue)
              : Effect.tap(readSubdomain, (value) =>
                Effect.sync(() => {
                  subdomainValue = value
                }))
          )
        )
    )

    return { rget, rpost, rput, rpatch, rdelete, find, persist, subdomain }
  })
