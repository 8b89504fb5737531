/**
 * `FakePagerDuty`: an embedded, in-memory emulation of PagerDuty's REST API v2 and Events API v2, for tests, demos and
 * benchmarks. Serve it in memory (an `HttpClient` that answers requests to any host without a socket) or on a
 * loopback port (`FakePagerDutyServer.layer` from `effect-pagerduty/testing/server`, a real HTTP server on
 * 127.0.0.1). This module imports no Node built-in: it runs in browsers and edge runtimes.
 *
 * It follows PagerDuty's documented semantics: entity wrappers, classic/cursor/`after`/analytics pagination with the
 * 10,000-record ceiling, `From` enforcement, token authentication, rate-limit headers, incidents with alerts, notes and
 * log entries, Events API v2 deduplication, change events, PagerDuty's OAuth identity service (`/oauth/token`,
 * `/oauth/authorize`, with the REST check of the tokens it issued); plus fault injection (statuses, resets, malformed
 * bodies, hangs, latency) and a request log.
 *
 * @since 0.1.0
 */
import type * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import type { FakeWebhookOptions, FakeWebhooks } from "./FakePagerDutyWebhooks.js"
import { makeHttpClient } from "./internal/fake/client.js"
import * as internal from "./internal/fake/service.js"
import { HttpClient } from "./internal/http.js"

// ---------------------------------------------------------------------------------------------------------------------
// Requests and replies
// ---------------------------------------------------------------------------------------------------------------------

/**
 * A request as the engine sees it, whichever transport carried it.
 *
 * @example
 * ```ts
 * import type { FakeRequest } from "effect-pagerduty/testing"
 *
 * const request: FakeRequest = {
 *   method: "GET",
 *   url: "https://api.pagerduty.com/users?limit=10",
 *   headers: { authorization: "Token token=abc" },
 *   body: ""
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface FakeRequest {
  /** The HTTP method (any case). */
  readonly method: string
  /** The absolute URL, query string included. Its origin becomes the origin of `self` URLs in the reply. */
  readonly url: string
  /** The request headers (names in any case). */
  readonly headers: Readonly<Record<string, string>>
  /** The request body as text (`""` when there is none). */
  readonly body: string
}

/**
 * An HTTP response from the engine.
 *
 * @example
 * ```ts
 * import type { FakeResponse } from "effect-pagerduty/testing"
 *
 * const ok: FakeResponse = { _tag: "Response", status: 200, headers: { "content-type": "application/json" }, body: "{}" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface FakeResponse {
  readonly _tag: "Response"
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/**
 * The engine's instruction to drop the connection (in memory: a `Transport` `RequestError`; on the server: the socket
 * is destroyed).
 *
 * @example
 * ```ts
 * import type { FakeConnectionReset } from "effect-pagerduty/testing"
 *
 * const reset: FakeConnectionReset = { _tag: "ConnectionReset" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface FakeConnectionReset {
  readonly _tag: "ConnectionReset"
}

/**
 * The engine's instruction never to answer (in memory: the request never completes, but can be interrupted; on the
 * server: the connection stays open until the server closes).
 *
 * @example
 * ```ts
 * import type { FakeHang } from "effect-pagerduty/testing"
 *
 * const hang: FakeHang = { _tag: "Hang" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface FakeHang {
  readonly _tag: "Hang"
}

/**
 * What the engine answers: a response, a connection reset, or a hang.
 *
 * @example
 * ```ts
 * import { FakeReply } from "effect-pagerduty/testing"
 *
 * const reply: FakeReply = FakeReply.json(200, { ok: true })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type FakeReply = FakeResponse | FakeConnectionReset | FakeHang

/**
 * Constructors of replies, for custom routes (see {@link FakeRoute}).
 *
 * @example
 * ```ts
 * import { FakeReply } from "effect-pagerduty/testing"
 *
 * const created = FakeReply.json(201, { widget: { id: "W1" } })
 * const html = FakeReply.text(503, "<h1>down</h1>", "text/html")
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const FakeReply: {
  /** A JSON response (`content-type: application/json; charset=utf-8`). */
  readonly json: (status: number, body: unknown, headers?: Readonly<Record<string, string>> | undefined) => FakeResponse
  /** A text response with the given content type. */
  readonly text: (status: number, body: string, contentType?: string | undefined) => FakeResponse
} = {
  json: (status, body, headers) => ({
    _tag: "Response",
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
    body: JSON.stringify(body)
  }),
  text: (status, body, contentType = "text/plain; charset=utf-8") => ({
    _tag: "Response",
    status,
    headers: { "content-type": contentType },
    body
  })
}

// ---------------------------------------------------------------------------------------------------------------------
// Records
// ---------------------------------------------------------------------------------------------------------------------

/**
 * A stored record: a JSON object as the API returns it.
 *
 * @example
 * ```ts
 * import type { FakeRecord } from "effect-pagerduty/testing"
 *
 * const user: FakeRecord = { id: "PABC123", type: "user", name: "Ada" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type FakeRecord = Readonly<Record<string, unknown>>

/**
 * A record to seed. In collections the API addresses by id (`/users/{id}`), a missing `id` is generated (`P` + 6
 * characters, deterministic), and `type`, `summary` and `created_at` are filled in when absent; `self` and `html_url`
 * are added when records are read. A given `created_at` is kept (use it to test `since`/`until`).
 *
 * @example
 * ```ts
 * import type { FakeRecordInput } from "effect-pagerduty/testing"
 *
 * const incident: FakeRecordInput = { title: "Disk full", status: "triggered", created_at: "2024-01-01T00:00:00Z" }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type FakeRecordInput = Readonly<Record<string, unknown>>

// ---------------------------------------------------------------------------------------------------------------------
// Faults
// ---------------------------------------------------------------------------------------------------------------------

/**
 * A fault to inject (see {@link FakePagerDutyService.injectFault}):
 *
 * - `Status`: answer with a status, optional body (an object is sent as JSON, a string as is; by default PagerDuty's
 *   error body for the status) and headers (e.g. `ratelimit-reset`);
 * - `ConnectionReset`: drop the connection;
 * - `MalformedJson`: a JSON content type with a truncated body;
 * - `HtmlError`: an HTML error page (a proxy's 502);
 * - `EmptyBody`: a JSON content type with no body;
 * - `Hang`: never answer (the client's timeout must fire).
 *
 * @example
 * ```ts
 * import { FakeFault } from "effect-pagerduty/testing"
 *
 * const throttled: FakeFault = FakeFault.status(429, { headers: { "ratelimit-reset": "30" } })
 * ```
 *
 * @since 0.1.0
 * @category faults
 */
export type FakeFault =
  | {
    readonly _tag: "Status"
    readonly status: number
    readonly body?: unknown
    readonly headers?: Readonly<Record<string, string>> | undefined
  }
  | { readonly _tag: "ConnectionReset" }
  | { readonly _tag: "MalformedJson"; readonly status: number }
  | { readonly _tag: "HtmlError"; readonly status: number }
  | { readonly _tag: "EmptyBody"; readonly status: number }
  | { readonly _tag: "Hang" }

/**
 * Constructors of {@link FakeFault}s.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { FakeFault, FakePagerDuty } from "effect-pagerduty/testing"
 *
 * const breakThreeListings = Effect.gen(function*() {
 *   const fake = yield* FakePagerDuty
 *   yield* fake.injectFault(FakeFault.status(503), { times: 3, method: "GET", path: "/users" })
 *   yield* fake.injectFault(FakeFault.connectionReset)
 *   yield* fake.injectFault(FakeFault.htmlError())
 * })
 * ```
 *
 * @since 0.1.0
 * @category faults
 */
export const FakeFault: {
  /** Answer with this status (and optionally this body and these headers). */
  readonly status: (
    status: number,
    options?: {
      readonly body?: unknown
      readonly headers?: Readonly<Record<string, string>> | undefined
    } | undefined
  ) => FakeFault
  /** Drop the connection. */
  readonly connectionReset: FakeFault
  /** A JSON content type with a truncated body (status 200 by default). */
  readonly malformedJson: (status?: number | undefined) => FakeFault
  /** An HTML error page (status 502 by default). */
  readonly htmlError: (status?: number | undefined) => FakeFault
  /** A JSON content type with an empty body (status 200 by default). */
  readonly emptyBody: (status?: number | undefined) => FakeFault
  /** Never answer. */
  readonly hang: FakeFault
} = {
  status: (status, options) =>
    options?.body === undefined ?
      { _tag: "Status", status, headers: options?.headers } :
      { _tag: "Status", status, body: options.body, headers: options.headers },
  connectionReset: { _tag: "ConnectionReset" },
  malformedJson: (status = 200) => ({ _tag: "MalformedJson", status }),
  htmlError: (status = 502) => ({ _tag: "HtmlError", status }),
  emptyBody: (status = 200) => ({ _tag: "EmptyBody", status }),
  hang: { _tag: "Hang" }
}

/**
 * Which requests an injected fault applies to, and how many times.
 *
 * @example
 * ```ts
 * import type { FaultOptions } from "effect-pagerduty/testing"
 *
 * const nextTwoIncidentUpdates: FaultOptions = { times: 2, method: "PUT", path: "/incidents/{id}" }
 * ```
 *
 * @since 0.1.0
 * @category faults
 */
export interface FaultOptions {
  /** How many requests it applies to (default 1; `Infinity` until cleared). */
  readonly times?: number | undefined
  /** Only requests with this method. */
  readonly method?: string | undefined
  /**
   * Only requests to this path: an exact path (`"/users"`, `"/v2/enqueue"`), a canonical template
   * (`"/users/{id}"`), or a pattern tested against the path.
   */
  readonly path?: string | RegExp | undefined
}

// ---------------------------------------------------------------------------------------------------------------------
// Options and inspection models
// ---------------------------------------------------------------------------------------------------------------------

/**
 * A REST request budget per API key and minute. Spent, requests get 429 with PagerDuty's error body and the
 * `ratelimit-*` headers.
 *
 * @example
 * ```ts
 * import type { RateLimitOptions } from "effect-pagerduty/testing"
 *
 * const pagerDutyDefault: RateLimitOptions = { perMinute: 960 }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface RateLimitOptions {
  readonly perMinute: number
}

/**
 * A per-credential REST budget, enforced like PagerDuty: `limit` requests per `window` (fixed windows from a
 * credential's first request), `ratelimit-limit`, `ratelimit-remaining` and `ratelimit-reset` (whole seconds) on every
 * answer, and a 429 (with them) once the window's budget is spent. `FakePagerDuty.reset` starts new windows.
 *
 * @example
 * ```ts
 * import type { FakeBudgetOptions } from "effect-pagerduty/testing"
 *
 * const fiftyPerSecond: FakeBudgetOptions = { limit: 50, window: "1 second" }
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export interface FakeBudgetOptions {
  /** Requests per window. */
  readonly limit: number
  /** The window's length (default one minute). */
  readonly window?: Duration.DurationInput | undefined
}

/**
 * A request the fake received, as the request log keeps it. The credential of `authorization` is redacted (the
 * scheme stays: `Token token=<redacted>`, `Bearer <redacted>`).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { FakePagerDuty } from "effect-pagerduty/testing"
 *
 * const lastPath = Effect.gen(function*() {
 *   const fake = yield* FakePagerDuty
 *   const requests = yield* fake.requests
 *   return requests.at(-1)?.path
 * })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface RecordedRequest {
  /** The `x-request-id` of the response. */
  readonly id: string
  readonly method: string
  readonly url: string
  readonly path: string
  /** Query parameters; keys ending in `[]` and repeated keys hold arrays. */
  readonly query: Readonly<Record<string, string | ReadonlyArray<string>>>
  /** Header names in lower case; `authorization` redacted. */
  readonly headers: Readonly<Record<string, string>>
  /** The parsed JSON body, the raw text when it is not JSON, or `undefined` when empty. */
  readonly body: unknown
  /** Arrival time, in epoch milliseconds from the `Clock`. */
  readonly receivedAt: number
}

/**
 * An accepted Events API v2 event (alert or change).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { FakePagerDuty } from "effect-pagerduty/testing"
 *
 * const triggers = Effect.gen(function*() {
 *   const fake = yield* FakePagerDuty
 *   const events = yield* fake.events
 *   return events.filter((event) => event.action === "trigger")
 * })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface FakeEvent {
  readonly kind: "alert" | "change"
  readonly action: "trigger" | "acknowledge" | "resolve" | "change"
  readonly routingKey: string
  readonly serviceId: string
  /** The dedup key (generated for a trigger without one); `undefined` for change events. */
  readonly dedupKey: string | undefined
  /** The incident the event opened or moved; `undefined` when it matched no open alert. */
  readonly incidentId: string | undefined
  /** Whether a trigger was deduplicated into an open alert. */
  readonly deduplicated: boolean
  /** The event as sent. */
  readonly body: unknown
  readonly receivedAt: number
}

/**
 * A request as a custom route receives it.
 *
 * @example
 * ```ts
 * import type { FakeRouteRequest } from "effect-pagerduty/testing"
 *
 * const isForm = (request: FakeRouteRequest) =>
 *   request.headers["content-type"]?.startsWith("application/x-www-form-urlencoded") ?? false
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface FakeRouteRequest {
  readonly method: string
  readonly url: string
  readonly path: string
  readonly query: Readonly<Record<string, string | ReadonlyArray<string>>>
  /** Header names in lower case (not redacted). */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/**
 * A custom route, served before the REST API (after latency and faults). For endpoints the fake does not emulate.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { FakeReply, type FakeRoute } from "effect-pagerduty/testing"
 *
 * const health: FakeRoute = {
 *   method: "GET",
 *   path: "/health",
 *   handle: () => Effect.succeed(FakeReply.json(200, { ok: true }))
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface FakeRoute {
  /** The method, or `"*"` for any. */
  readonly method: string
  /** The exact path, or a pattern tested against it. */
  readonly path: string | RegExp
  readonly handle: (request: FakeRouteRequest) => Effect.Effect<FakeReply>
}

/**
 * An OAuth app registered with the fake's identity service (see {@link FakeOAuthOptions}). A client with a secret is
 * confidential (client credentials; authorization code with or without PKCE); one without is public (authorization
 * code with PKCE only). A wrong secret is answered 401 `invalid_client`, and so is a missing one where the grant needs
 * it.
 *
 * @example
 * ```ts
 * import type { FakeOAuthClient } from "effect-pagerduty/testing"
 *
 * const app: FakeOAuthClient = {
 *   clientId: "my-app",
 *   clientSecret: "s3cret",
 *   scopes: ["as_account-us.acme", "users.read"]
 * }
 * const spa: FakeOAuthClient = { clientId: "my-spa", redirectUris: ["http://localhost:3000/callback"] }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface FakeOAuthClient {
  /** The app's client ID. */
  readonly clientId: string
  /** The client secret. Absent: a public client (authorization code with PKCE, refresh token). */
  readonly clientSecret?: string | undefined
  /** The scopes it may request (others are `invalid_scope`). Absent: all of them. */
  readonly scopes?: ReadonlyArray<string> | undefined
  /** The redirect URIs it registered (`/oauth/authorize` refuses others). Absent: all of them. */
  readonly redirectUris?: ReadonlyArray<string> | undefined
}

/**
 * The fake's OAuth identity service: `POST /oauth/token` (grants `client_credentials`, `authorization_code` with or
 * without PKCE, `refresh_token`, which rotates) and `GET /oauth/authorize` (the user consents at once: a 302 to the
 * redirect URI with a `code`), on any host (`identity.pagerduty.com`, `identity.eu.pagerduty.com`, the loopback
 * server). Errors are RFC 6749's (`{"error":"invalid_client","error_description":...}`).
 *
 * The REST API checks the bearer tokens the service issued: a live one is accepted, an expired or revoked one is
 * answered 401 (so a client renews); any other credential goes through `apiKeys` (set `apiKeys: []` to accept only
 * issued tokens). Tokens expire by the caller's `Clock`, so `TestClock` drives expiry. The request log keeps token
 * requests with `client_secret`, `code`, `code_verifier` and `refresh_token` redacted.
 *
 * @example
 * ```ts
 * import { Effect, Layer, Redacted } from "effect"
 * import { Credentials, PagerDutyConfig, RestApi, RetryPolicy } from "effect-pagerduty"
 * import { FakePagerDuty } from "effect-pagerduty/testing"
 *
 * const TestLayer = RestApi.layer.pipe(
 *   Layer.provide(
 *     Credentials.layerClientCredentials({
 *       clientId: "my-app",
 *       clientSecret: Redacted.make("s3cret"),
 *       scopes: "as_account-us.acme users.read"
 *     })
 *   ),
 *   Layer.provide(Layer.mergeAll(PagerDutyConfig.layer(), RetryPolicy.layer())),
 *   Layer.provideMerge(
 *     FakePagerDuty.layer({
 *       apiKeys: [],
 *       oauth: { clients: [{ clientId: "my-app", clientSecret: "s3cret" }], expiresIn: "1 hour" }
 *     })
 *   )
 * )
 * const program = Effect.gen(function*() {
 *   const api = yield* RestApi
 *   const fake = yield* FakePagerDuty
 *   yield* api.jget("/users")
 *   yield* fake.revokeOAuthTokens // the next call gets a 401, renews its token and retries
 *   yield* api.jget("/users")
 *   return yield* fake.oauthTokenRequests // 2
 * }).pipe(Effect.provide(TestLayer))
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface FakeOAuthOptions {
  /** The registered clients (more with {@link FakePagerDutyService.registerOAuthClient}). */
  readonly clients?: ReadonlyArray<FakeOAuthClient> | undefined
  /** The lifetime of an access token (`expires_in`, whole seconds). Default 1 hour. */
  readonly expiresIn?: Duration.DurationInput | undefined
}

/**
 * Options of a fake PagerDuty.
 *
 * @example
 * ```ts
 * import type { FakePagerDutyOptions } from "effect-pagerduty/testing"
 *
 * const options: FakePagerDutyOptions = {
 *   apiKeys: ["test-key"],
 *   rateLimit: { perMinute: 960 },
 *   seed: { users: [{ name: "Ada Lovelace", email: "ada@example.com" }] }
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface FakePagerDutyOptions {
  /**
   * The accepted REST credentials (API keys or OAuth tokens). Default: every non-empty credential. Bearer tokens the
   * fake's identity service issued are decided by it instead (see {@link FakeOAuthOptions}).
   */
  readonly apiKeys?: ReadonlyArray<string> | undefined
  /** Latency added to every request (default none). In memory it is `Effect.sleep`, so `TestClock` controls it. */
  readonly latency?: Duration.DurationInput | undefined
  /** Enforce a per-key budget (default: not enforced; the headers report PagerDuty's 960 per minute). */
  readonly rateLimit?: RateLimitOptions | undefined
  /** Enforce a per-credential budget of any window (replaces `rateLimit`; see {@link FakeBudgetOptions}). */
  readonly budget?: FakeBudgetOptions | undefined
  /** Initial records, by collection (`users`, `services`, `audit/records`, `incidents/PABC123/notes`, ...). */
  readonly seed?: Readonly<Record<string, ReadonlyArray<FakeRecordInput>>> | undefined
  /** Keep a request log (default `true`; turn it off for benchmarks). */
  readonly recordRequests?: boolean | undefined
  /** How many requests the log keeps, the most recent ones (default 10,000). */
  readonly maxRecordedRequests?: number | undefined
  /** The account subdomain of `html_url`s (default `"fake"`: `https://fake.pagerduty.com/...`). */
  readonly subdomain?: string | undefined
  /** Extra routes, served before the built-in ones. */
  readonly routes?: ReadonlyArray<FakeRoute> | undefined
  /**
   * The OAuth identity service (`/oauth/token`, `/oauth/authorize`): registered clients and the token lifetime.
   * Without `clients` (and until one is registered) any app is accepted, like any key without `apiKeys`.
   */
  readonly oauth?: FakeOAuthOptions | undefined
  /** How the fake delivers v3 webhooks to the subscriptions created through its REST API. */
  readonly webhooks?: FakeWebhookOptions | undefined
  /**
   * `Token` API keys that belong to a user: key → the user's id or email. `GET /users/me` answers that user; for any
   * other `Token` key (an account-level key) it answers 400 as PagerDuty does. Bearer tokens act as a user (the first
   * one), except tokens the identity service issued by client credentials (account-level).
   */
  readonly userApiKeys?: Readonly<Record<string, string>> | undefined
  /**
   * The public base URL of the fake (`https://pagerduty.test`), when it is reached through a TLS front or a proxy:
   * `self` URLs use it whatever the request's URL. Without it, `X-Forwarded-Proto` and `X-Forwarded-Host` are
   * honoured, else the URL the request was sent to.
   */
  readonly publicUrl?: string | undefined
  /**
   * The abilities of the account (`GET /abilities`; `GET /abilities/{id}` answers 204 for these, 402 for another
   * known ability, 404 for an unknown one). Default: every ability the REST API reference lists.
   */
  readonly abilities?: ReadonlyArray<string> | undefined
}

// ---------------------------------------------------------------------------------------------------------------------
// The service
// ---------------------------------------------------------------------------------------------------------------------

/**
 * A running fake PagerDuty: its engine, data, inspection and controls.
 *
 * @example
 * ```ts
 * import { Effect, Option } from "effect"
 * import { FakePagerDuty } from "effect-pagerduty/testing"
 *
 * const program = Effect.gen(function*() {
 *   const fake = yield* FakePagerDuty
 *   const [service] = yield* fake.seed("services", [{ name: "Checkout" }])
 *   const routingKey = yield* fake.addIntegration(String(service.id))
 *   yield* fake.seedGenerated("users", 1_000_000, (i) => ({ name: `User ${i}`, email: `user${i}@example.com` }))
 *   const user = yield* fake.get("users", "PABC123")
 *   return { routingKey, found: Option.isSome(user) }
 * })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface FakePagerDutyService {
  /** The engine: answers one request. Both transports use it; use it directly for a custom transport. */
  readonly handle: (request: FakeRequest) => Effect.Effect<FakeReply>
  /** Adds records to a collection; returns them as stored (ids, types and `self` filled in). */
  readonly seed: (
    collection: string,
    records: ReadonlyArray<FakeRecordInput>
  ) => Effect.Effect<ReadonlyArray<FakeRecord>>
  /**
   * Makes a collection of `count` synthetic records, built on demand from their index (no memory per record; paging
   * is O(page); records added later come after them). Records get a deterministic id unless `generate` gives one.
   * Generated records can be updated but not deleted. Filters (`query`, `since`, ...) scan the whole collection.
   */
  readonly seedGenerated: (
    collection: string,
    count: number,
    generate: (index: number) => FakeRecordInput
  ) => Effect.Effect<void>
  /** The records of a collection, in order (generated ones included: mind the size). */
  readonly list: (collection: string) => Effect.Effect<ReadonlyArray<FakeRecord>>
  /** One record by id. */
  readonly get: (collection: string, id: string) => Effect.Effect<Option.Option<FakeRecord>>
  /** The number of records of a collection. */
  readonly count: (collection: string) => Effect.Effect<number>
  /**
   * Adds an Events API v2 integration to a service and returns its routing key (the given one, or a generated
   * 32-character key). A service record's own `routing_key`, `integration_key` or `integrations[].integration_key`
   * fields are routing keys too.
   */
  readonly addIntegration: (
    serviceId: string,
    routingKey?: string | undefined
  ) => Effect.Effect<string, Cause.NoSuchElementException>
  /** The accepted Events API events (alert and change), oldest first. */
  readonly events: Effect.Effect<ReadonlyArray<FakeEvent>>
  /** The request log, oldest first. */
  readonly requests: Effect.Effect<ReadonlyArray<RecordedRequest>>
  /** Empties the request log. */
  readonly clearRequests: Effect.Effect<void>
  /** Arms a fault for the next matching request(s). */
  readonly injectFault: (fault: FakeFault, options?: FaultOptions | undefined) => Effect.Effect<void>
  /** Disarms all faults. */
  readonly clearFaults: Effect.Effect<void>
  /** Sets the latency of every request (`Duration.zero` for none). */
  readonly setLatency: (latency: Duration.DurationInput) => Effect.Effect<void>
  /** Enforces a budget per key and minute, or stops enforcing one (`undefined`); restarts the windows. */
  readonly setRateLimit: (rateLimit: RateLimitOptions | undefined) => Effect.Effect<void>
  /** Restarts every key's rate-limit window. */
  readonly resetRateLimits: Effect.Effect<void>
  /** Sets the accepted credentials (`undefined`: every non-empty one; issued OAuth tokens are checked regardless). */
  readonly setApiKeys: (apiKeys: ReadonlyArray<string> | undefined) => Effect.Effect<void>
  /** Registers an app with the OAuth identity service (replacing one with the same client ID). */
  readonly registerOAuthClient: (client: FakeOAuthClient) => Effect.Effect<void>
  /**
   * Revokes every access token issued so far (a rotated secret, an uninstalled app): the REST API answers them 401
   * from now on. Tokens issued later are good; refresh tokens stay good.
   */
  readonly revokeOAuthTokens: Effect.Effect<void>
  /**
   * How many requests the identity service answered at `POST /oauth/token`, whatever the outcome (not counting those
   * answered by an injected fault).
   */
  readonly oauthTokenRequests: Effect.Effect<number>
  /** The v3 webhooks it sent to the subscriptions created through its REST API, and their controls. */
  readonly webhooks: FakeWebhooks
  /**
   * Back to the initial state: data (re-seeded from the options), counters, logs, events, faults, controls, OAuth
   * (the clients of the options; no tokens or codes).
   */
  readonly reset: Effect.Effect<void>
}

const layerContext = (options: FakePagerDutyOptions | undefined) =>
  Effect.map(
    internal.make(options),
    (service) =>
      Context.make(FakePagerDuty, service).pipe(Context.add(HttpClient.HttpClient, makeHttpClient(service.handle)))
  )

/**
 * The fake PagerDuty service tag, with its constructors and layers.
 *
 * @example
 * ```ts
 * import { HttpClient } from "@effect/platform"
 * import { Effect } from "effect"
 * import { FakePagerDuty } from "effect-pagerduty/testing"
 *
 * const program = Effect.gen(function*() {
 *   const fake = yield* FakePagerDuty
 *   yield* fake.seed("users", [{ name: "Ada Lovelace", email: "ada@example.com" }])
 *   const client = yield* HttpClient.HttpClient
 *   const response = yield* client.get("https://api.pagerduty.com/users", {
 *     headers: { authorization: "Token token=test" }
 *   })
 *   return yield* response.json
 * }).pipe(Effect.provide(FakePagerDuty.layer()))
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class FakePagerDuty extends Context.Tag("effect-pagerduty/FakePagerDuty")<
  FakePagerDuty,
  FakePagerDutyService
>() {
  /**
   * Builds a fake (no transport): use its `handle`, or {@link FakePagerDuty.httpClient}.
   *
   * @example
   * ```ts
   * import { Effect } from "effect"
   * import { FakePagerDuty } from "effect-pagerduty/testing"
   *
   * const reply = Effect.flatMap(FakePagerDuty.make(), (fake) =>
   *   fake.handle({ method: "GET", url: "https://api.pagerduty.com/users", headers: {}, body: "" }))
   * ```
   *
   * @since 0.1.0
   * @category constructors
   */
  static readonly make: (options?: FakePagerDutyOptions | undefined) => Effect.Effect<FakePagerDutyService> =
    internal.make

  /**
   * An in-memory `HttpClient` answered by a fake, for requests to any host.
   *
   * @example
   * ```ts
   * import { Effect } from "effect"
   * import { FakePagerDuty } from "effect-pagerduty/testing"
   *
   * const client = Effect.map(FakePagerDuty.make(), FakePagerDuty.httpClient)
   * ```
   *
   * @since 0.1.0
   * @category constructors
   */
  static readonly httpClient = (service: FakePagerDutyService): HttpClient.HttpClient => makeHttpClient(service.handle)

  /**
   * The fake and an in-memory `HttpClient` answering requests to any host (`api.pagerduty.com`,
   * `api.eu.pagerduty.com`, `events.pagerduty.com`, ...) without a socket. A connection reset fails with a
   * `Transport` `RequestError`; a hang never completes (interruptible).
   *
   * @example
   * ```ts
   * import { Effect } from "effect"
   * import { FakePagerDuty } from "effect-pagerduty/testing"
   *
   * const TestLayer = FakePagerDuty.layer({ seed: { users: [{ name: "Ada", email: "ada@example.com" }] } })
   * const program = Effect.flatMap(FakePagerDuty, (fake) => fake.list("users")).pipe(Effect.provide(TestLayer))
   * ```
   *
   * @since 0.1.0
   * @category layers
   */
  static readonly layer = (
    options?: FakePagerDutyOptions | undefined
  ): Layer.Layer<FakePagerDuty | HttpClient.HttpClient> => Layer.effectContext(layerContext(options))
}
