/**
 * The PagerDuty REST API v2 client: raw verbs, JSON verbs, entity (wrapped) verbs, `find` / `persist`, and
 * pagination as lazy, back-pressured `Stream`s.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import type * as DateTime from "effect/DateTime"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import type * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import type { HttpClient, HttpClientResponse } from "./internal/http.js"
import type { Params as InternalParams, ParamValue as InternalParamValue } from "./internal/params.js"
import * as internal from "./internal/restApi.js"
import type { ResourceUrl as InternalResourceUrl } from "./internal/url.js"
import type { PagerDutyConfig } from "./PagerDutyConfig.js"
import type { PDClientError, PDHTTPError } from "./PagerDutyError.js"
import type { RetryPolicy } from "./RetryPolicy.js"

/**
 * A query parameter value: arrays are sent as `key[]=a&key[]=b`, `null` and `undefined` are dropped, booleans are
 * sent as `true` / `false`.
 *
 * @example
 * ```ts
 * import type { ParamValue } from "effect-pagerduty"
 *
 * const statuses: ParamValue = ["triggered", "acknowledged"]
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ParamValue = InternalParamValue

/**
 * Query parameters, by name.
 *
 * @example
 * ```ts
 * import type { Params } from "effect-pagerduty"
 *
 * const params: Params = { "statuses": ["triggered"], "include": ["users"], "total": true }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Params = InternalParams

/**
 * A resource: a path relative to the REST base URL (`"users"`, `"/users/PABC123"`), a full URL on the configured
 * origin, or an entity with a `self` URL as PagerDuty returns them.
 *
 * @example
 * ```ts
 * import type { ResourceUrl } from "effect-pagerduty"
 *
 * const byPath: ResourceUrl = "/users/PABC123"
 * const byEntity: ResourceUrl = { self: "https://api.pagerduty.com/users/PABC123" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type ResourceUrl = InternalResourceUrl

/**
 * The options every request accepts. Inputs are never mutated.
 *
 * @example
 * ```ts
 * import type { RequestOptions } from "effect-pagerduty"
 *
 * const options: RequestOptions = {
 *   params: { "statuses": ["triggered"] },
 *   headers: { From: "oncall@example.com" },
 *   timeout: "10 seconds"
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface RequestOptions {
  /** Query parameters, merged into any query string the URL already has. */
  readonly params?: Params | undefined
  /** Headers, merged last (a `From` here wins over `defaultFrom`). */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** A JSON body (sent with `Content-Type: application/json`). */
  readonly json?: unknown
  /** The timeout of each attempt of this request (default: the configuration's). */
  readonly timeout?: Duration.DurationInput | undefined
}

/**
 * The options of the entity verbs (`rget`, `rpost`, …): the request options plus an optional `schema` to decode the
 * unwrapped entity with.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import type { EntityOptions } from "effect-pagerduty"
 *
 * const User = Schema.Struct({ id: Schema.String, email: Schema.String })
 * const options: EntityOptions<typeof User.Type, typeof User.Encoded> = { schema: User }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface EntityOptions<A = unknown, I = unknown> extends RequestOptions {
  readonly schema?: Schema.Schema<A, I> | undefined
}

/**
 * The options of the pagination streams and collectors.
 *
 * @example
 * ```ts
 * import type { PageOptions } from "effect-pagerduty"
 *
 * const options: PageOptions = { params: { "team_ids": ["PTEAM01"] }, pageSize: 50, dedupe: true }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface PageOptions<A = unknown, I = unknown> {
  readonly params?: Params | undefined
  readonly headers?: Readonly<Record<string, string>> | undefined
  /**
   * Items per request, for every stream (the `limit` query parameter, or the body's `limit` for `iterAnalytics`).
   * Default 100. A `limit` in `params`, in the URL's query or in `iterAnalytics`'s `json` is accepted alone; two
   * of them that disagree are a `PDClientError` (reason `InvalidInput`) before anything is sent.
   */
  readonly pageSize?: number | undefined
  /** Decode each item with this schema; a failure is a `PDClientError` (reason `Decode`) naming the field. */
  readonly schema?: Schema.Schema<A, I> | undefined
  /**
   * Drop items whose `id` was already emitted (collections shift while they are paged). Default false. The stream
   * then keeps the set of ids it has emitted, so its memory grows with the collection (about 50 bytes per item);
   * without `dedupe` a stream holds one page at a time.
   */
  readonly dedupe?: boolean | undefined
  readonly timeout?: Duration.DurationInput | undefined
}

/**
 * The options of {@link RestApiService.iterAll}.
 *
 * @example
 * ```ts
 * import type { IterAllOptions } from "effect-pagerduty"
 *
 * const options: IterAllOptions = { concurrency: 8, onCeiling: "fail" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface IterAllOptions<A = unknown, I = unknown> extends PageOptions<A, I> {
  /**
   * Offset paging only: fetch up to this many pages at once (the first request asks for `total=true`), items still
   * emitted in collection order. Default 1 (sequential).
   */
  readonly concurrency?: number | undefined
  /**
   * What to do at PagerDuty's 10,000-record ceiling of offset paging: `"stop"` (default) ends the stream and logs a
   * warning naming the endpoint; `"fail"` fails with a `PDClientError` (reason `Pagination`) saying how many items
   * were read.
   */
  readonly onCeiling?: "stop" | "fail" | undefined
}

/**
 * The options of {@link RestApiService.iterHistory}: a time window, split in halves wherever a sub-window holds more
 * records than offset paging can reach.
 *
 * @example
 * ```ts
 * import type { IterHistoryOptions } from "effect-pagerduty"
 *
 * const options: IterHistoryOptions = { since: "2026-01-01T00:00:00Z", until: "2026-02-01T00:00:00Z" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface IterHistoryOptions<A = unknown, I = unknown> extends PageOptions<A, I> {
  readonly since: DateTime.DateTime.Input
  readonly until: DateTime.DateTime.Input
}

/**
 * The options of {@link RestApiService.iterAnalytics}: the JSON body (filters, order, time zone) of the analytics
 * request; the stream pages it with `limit` (from `pageSize`, as every stream) and `starting_after`.
 *
 * @example
 * ```ts
 * import type { IterAnalyticsOptions } from "effect-pagerduty"
 *
 * const options: IterAnalyticsOptions = {
 *   json: { filters: { created_at_start: "2026-01-01T00:00:00Z", created_at_end: "2026-02-01T00:00:00Z" } }
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface IterAnalyticsOptions<A = unknown, I = unknown> extends PageOptions<A, I> {
  /**
   * The request body, without the paging fields. A `json.limit` is accepted for compatibility when it agrees with
   * `pageSize` (prefer `pageSize`); a `json.starting_after` is where the first page starts.
   */
  readonly json?: Readonly<Record<string, unknown>> | undefined
}

/**
 * The options of {@link RestApiService.find}.
 *
 * @example
 * ```ts
 * import type { FindOptions } from "effect-pagerduty"
 *
 * const byEmail: FindOptions = { attribute: "email" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface FindOptions<A = unknown, I = unknown> extends PageOptions<A, I> {
  /** The attribute compared with the query (exactly, case-insensitively). Default `"name"`. */
  readonly attribute?: string | undefined
}

/**
 * The options of {@link RestApiService.persist}.
 *
 * @example
 * ```ts
 * import type { PersistOptions } from "effect-pagerduty"
 *
 * const upsert: PersistOptions = { update: true }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface PersistOptions<A = unknown, I = unknown> extends EntityOptions<A, I> {
  /** When the entity exists, PUT the merged entity if anything changed. Default false. */
  readonly update?: boolean | undefined
}

/**
 * The failures of every REST call.
 *
 * @example
 * ```ts
 * import type { RestApiError } from "effect-pagerduty"
 *
 * const status = (error: RestApiError) => error._tag === "PDHTTPError" ? error.status : undefined
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export type RestApiError = PDHTTPError | PDClientError

/**
 * A raw verb: the `HttpClientResponse` for any status after the retry rules, except 401, which fails with
 * `PDHTTPError`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { RestApi } from "effect-pagerduty"
 *
 * const status = Effect.gen(function*() {
 *   const api = yield* RestApi
 *   const response = yield* api.get("/abilities/sso")
 *   return response.status
 * })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type RawVerb = (
  url: ResourceUrl,
  options?: RequestOptions
) => Effect.Effect<HttpClientResponse.HttpClientResponse, RestApiError>

/**
 * A JSON verb: the decoded JSON body; a non-2xx status fails with `PDHTTPError`; 204 or an empty body gives
 * `undefined`; an unparsable body fails with `PDClientError` (reason `Decode`).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { RestApi } from "effect-pagerduty"
 *
 * const body = Effect.flatMap(RestApi, (api) => api.jget("/users", { params: { limit: 1 } }))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type JsonVerb = (url: ResourceUrl, options?: RequestOptions) => Effect.Effect<unknown, RestApiError>

/**
 * An entity verb: wraps the body as the endpoint expects (`{"user": {...}}`), unwraps the answer, and decodes it
 * with the `schema` when one is given. The result's type comes from the schema: without one it is `unknown` (a type
 * argument alone, `rget<User>(...)`, does not compile: nothing would check it).
 *
 * @example
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { RestApi } from "effect-pagerduty"
 *
 * const User = Schema.Struct({ id: Schema.String, name: Schema.String })
 * // Effect<{ readonly id: string; readonly name: string }, RestApiError>
 * const user = Effect.flatMap(RestApi, (api) => api.rget("/users/PABC123", { schema: User }))
 * // Effect<unknown, RestApiError>
 * const raw = Effect.flatMap(RestApi, (api) => api.rget("/users/PABC123"))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface EntityVerb {
  <A, I>(
    url: ResourceUrl,
    options: EntityOptions<A, I> & { readonly schema: Schema.Schema<A, I> }
  ): Effect.Effect<A, RestApiError>
  (url: ResourceUrl, options?: EntityOptions): Effect.Effect<unknown, RestApiError>
}

/**
 * A pagination stream (`iterAll`, `iterCursor`, `iterAnalytics`): its items are what the `schema` decodes to; without
 * a schema they are `unknown` (a type argument alone, `iterAll<User>(...)`, does not compile: nothing would check it).
 *
 * @example
 * ```ts
 * import { Effect, Schema, Stream } from "effect"
 * import { RestApi } from "effect-pagerduty"
 *
 * const User = Schema.Struct({ id: Schema.String, name: Schema.String })
 * // Stream<{ readonly id: string; readonly name: string }, RestApiError>
 * const users = Stream.unwrap(Effect.map(RestApi, (api) => api.iterAll("/users", { schema: User })))
 * // Stream<unknown, RestApiError>
 * const raw = Stream.unwrap(Effect.map(RestApi, (api) => api.iterAll("/users")))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface PageStream<Options extends PageOptions> {
  <A, I>(
    url: ResourceUrl,
    options: Omit<Options, "schema"> & { readonly schema: Schema.Schema<A, I> }
  ): Stream.Stream<A, RestApiError>
  (url: ResourceUrl, options?: Options): Stream.Stream<unknown, RestApiError>
}

/**
 * The REST API v2 client.
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { RestApi } from "effect-pagerduty"
 *
 * const program = Effect.gen(function*() {
 *   const api = yield* RestApi
 *   const me = yield* api.rget("/users/me")
 *   const firstFive = yield* Stream.runCollect(Stream.take(api.iterAll("/incidents"), 5))
 *   return { me, firstFive }
 * })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface RestApiService {
  /** Any method; see {@link RawVerb}. */
  readonly request: (
    method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
    url: ResourceUrl,
    options?: RequestOptions
  ) => Effect.Effect<HttpClientResponse.HttpClientResponse, RestApiError>
  readonly get: RawVerb
  readonly post: RawVerb
  readonly put: RawVerb
  readonly patch: RawVerb
  readonly delete: RawVerb

  readonly jget: JsonVerb
  readonly jpost: JsonVerb
  readonly jput: JsonVerb
  readonly jpatch: JsonVerb
  readonly jdelete: JsonVerb

  readonly rget: EntityVerb
  readonly rpost: EntityVerb
  /** With an array body this is a multi-update (`PUT /incidents`): the array is wrapped in the plural name. */
  readonly rput: EntityVerb
  readonly rpatch: EntityVerb
  /** Deletes the resource; `undefined` for PagerDuty's usual 204. */
  readonly rdelete: EntityVerb

  /**
   * The first entity of the collection whose `attribute` (default `name`) equals `query` exactly,
   * case-insensitively (numbers compared as strings). Sends `query=<query>` and stops paging at the first match.
   */
  readonly find: {
    <A, I>(
      resource: ResourceUrl,
      query: string | number,
      options: FindOptions<A, I> & { readonly schema: Schema.Schema<A, I> }
    ): Effect.Effect<Option.Option<A>, RestApiError>
    (
      resource: ResourceUrl,
      query: string | number,
      options?: FindOptions
    ): Effect.Effect<Option.Option<unknown>, RestApiError>
  }

  /**
   * The entity whose `attribute` equals `values[attribute]`, created from `values` when there is none; with
   * `update: true` an existing entity is updated (PUT of the merged entity) only when something changed.
   */
  readonly persist: {
    <A, I>(
      resource: ResourceUrl,
      attribute: string,
      values: Readonly<Record<string, unknown>>,
      options: PersistOptions<A, I> & { readonly schema: Schema.Schema<A, I> }
    ): Effect.Effect<A, RestApiError>
    (
      resource: ResourceUrl,
      attribute: string,
      values: Readonly<Record<string, unknown>>,
      options?: PersistOptions
    ): Effect.Effect<unknown, RestApiError>
  }

  /**
   * Every item of a collection, lazily: offset paging (or the endpoint's own style: cursor-paged endpoints are
   * delegated to {@link iterCursor}, `GET /alert_grouping_settings` pages by `after`). Taking 5 items sends one request;
   * an empty page ends the stream (with a warning if it says `more`, in sequential and concurrent paging alike); a
   * cursor seen before fails it with a `PDClientError` (reason `Pagination`); the 10,000 ceiling is never a silent
   * truncation (see `onCeiling`).
   */
  readonly iterAll: PageStream<IterAllOptions>
  /**
   * Cursor paging (`cursor` / `next_cursor`; a null cursor ends the stream, a cursor already sent fails it with a
   * `PDClientError`, reason `Pagination`, after the items received).
   */
  readonly iterCursor: PageStream<PageOptions>
  /**
   * The analytics endpoints that page inside the POST body (`POST /analytics/raw/incidents`, …). A page with
   * `more: true` that cannot advance (empty, or a `last` already started after) fails the stream with a
   * `PDClientError` (reason `Pagination`) after the items received.
   */
  readonly iterAnalytics: PageStream<IterAnalyticsOptions>
  /**
   * Every record of a time-ranged collection (`/log_entries`, `/incidents`, …) between `since` and `until`, past the
   * 10,000 ceiling: a window whose `total` is at the ceiling is split in halves, recursively; each record once.
   */
  readonly iterHistory: {
    <A, I>(
      url: ResourceUrl,
      options: IterHistoryOptions<A, I> & { readonly schema: Schema.Schema<A, I> }
    ): Stream.Stream<A, RestApiError>
    (
      url: ResourceUrl,
      options: IterHistoryOptions
    ): Stream.Stream<unknown, RestApiError>
  }
  /** {@link iterAll} collected; an error part-way fails the whole effect. */
  readonly listAll: {
    <A, I>(
      url: ResourceUrl,
      options: IterAllOptions<A, I> & { readonly schema: Schema.Schema<A, I> }
    ): Effect.Effect<ReadonlyArray<A>, RestApiError>
    (
      url: ResourceUrl,
      options?: IterAllOptions
    ): Effect.Effect<ReadonlyArray<unknown>, RestApiError>
  }
  /** {@link iterAll} collected into a map keyed by `by` (default `id`). */
  readonly dictAll: {
    <A, I>(
      url: ResourceUrl,
      options: IterAllOptions<A, I> & { readonly by?: string | undefined; readonly schema: Schema.Schema<A, I> }
    ): Effect.Effect<ReadonlyMap<string, A>, RestApiError>
    (
      url: ResourceUrl,
      options?: IterAllOptions & { readonly by?: string | undefined }
    ): Effect.Effect<ReadonlyMap<string, unknown>, RestApiError>
  }
  /** The collection's `total` (one request with `total=true&limit=1`). */
  readonly total: (url: ResourceUrl, options?: PageOptions) => Effect.Effect<number, RestApiError>

  /** The account's subdomain (`acme` for `acme.pagerduty.com`), read once and memoized. */
  readonly subdomain: Effect.Effect<string, RestApiError>
}

/**
 * The REST API service. `RestApi.layer` needs `PagerDutyConfig`, `RetryPolicy` and an `HttpClient` (the
 * application chooses: `FetchHttpClient.layer`, `NodeHttpClient.layerUndici`, …); an optional `Credentials` service
 * replaces the configured API key (OAuth).
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { Effect, Layer } from "effect"
 * import { PagerDutyConfig, RestApi, RetryPolicy } from "effect-pagerduty"
 *
 * const RestLive = RestApi.layer.pipe(
 *   Layer.provide(PagerDutyConfig.layerConfig()),
 *   Layer.provide(RetryPolicy.layer()),
 *   Layer.provide(FetchHttpClient.layer)
 * )
 *
 * const program = Effect.gen(function*() {
 *   const api = yield* RestApi
 *   return yield* api.listAll("/users")
 * }).pipe(Effect.provide(RestLive))
 * ```
 *
 * @since 0.1.0
 * @category Context
 */
export class RestApi extends Context.Tag("effect-pagerduty/RestApi")<RestApi, RestApiService>() {
  /**
   * The REST API layer.
   *
   * @example
   * ```ts
   * import { Layer } from "effect"
   * import { PagerDutyConfig, RestApi, RetryPolicy } from "effect-pagerduty"
   *
   * const RestWithoutHttp = RestApi.layer.pipe(
   *   Layer.provide([PagerDutyConfig.layer({ apiKey: "u+abc" }), RetryPolicy.layer()])
   * )
   * ```
   *
   * @since 0.1.0
   */
  static readonly layer: Layer.Layer<RestApi, never, PagerDutyConfig | RetryPolicy | HttpClient.HttpClient> = Layer
    .effect(RestApi, internal.make)
}
