/**
 * The engine: a function from a request record to an Effect of a reply, shared by the in-memory HttpClient and the
 * loopback server. Order of work per request: log it, pick an armed fault, wait the configured latency, then route:
 * plugin routes (the Events API, the OAuth identity service, and whatever else `builtinPlugins` adds), else the REST
 * API (authentication, rate limit, content negotiation, then the endpoint).
 *
 * @internal
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type {
  FakeFault,
  FakePagerDutyOptions,
  FakeReply,
  FakeRequest,
  FakeResponse,
  FakeRoute,
  RecordedRequest
} from "../../FakePagerDuty.js"
import { canonicalPath } from "../endpoints.js"
import { makeFakeBudget } from "./budget.js"
import { DEFAULT_RATE_LIMIT, rateLimitHeaders } from "./controls.js"
import { handleAlertEvent, handleChangeEvent } from "./events.js"
import { checkBearer, handleOAuthAuthorize, handleOAuthToken, redactTokenRequestBody } from "./oauth.js"
import { defaultErrorBody, JSON_CONTENT_TYPE, notAcceptable, rateLimited, unauthorized } from "./reply.js"
import { type ParsedRequest, parseRequest } from "./request.js"
import { handleRest } from "./rest.js"
import { EngineState } from "./state.js"
import { webhooksPlugin } from "./webhooks.js"

/** What a route sees. @internal */
export interface RouteContext {
  readonly state: EngineState
  readonly request: ParsedRequest
  /** The time the request is served (after any latency), from the caller's `Clock`. */
  readonly now: number
}

/**
 * A route served before the REST API, for non-REST endpoints.
 *
 * @internal
 */
export interface Route {
  /** Upper-case method, or `"*"` for any. */
  readonly method: string
  /** The exact path, or a pattern tested against it. */
  readonly path: string | RegExp
  /** Which origins it answers on (default: any). */
  readonly origin?: ((origin: string) => boolean) | undefined
  readonly handle: (context: RouteContext) => FakeReply | Effect.Effect<FakeReply>
}

/**
 * What a plugin's credential check answers: accept the credential, reject it (401), or leave the decision to the
 * next check (and finally to the `apiKeys` option).
 *
 * @internal
 */
export type AuthDecision = "accept" | "reject" | undefined

/**
 * The extension point of the engine: a plugin adds routes (served before the REST API, after latency and faults),
 * may take part in REST authentication, redacts what the request log keeps, and resets with the fake. The Events API
 * (`eventsPlugin`) and the OAuth identity service (`oauthPlugin`) are plugins.
 *
 * @internal
 */
export interface EnginePlugin {
  readonly routes?: ReadonlyArray<Route> | undefined
  /** Called with the `Authorization` header of every REST request. */
  readonly authenticate?: ((authorization: string, now: number) => AuthDecision) | undefined
  /** Called by the service's `reset`. */
  readonly reset?: (() => void) | undefined
  /**
   * Redacts what the request log keeps of a request body (the parsed JSON, or the text when it is not JSON), e.g.
   * the `client_secret` of a token request. Return the body unchanged for requests it does not concern.
   */
  readonly redactBody?: ((request: ParsedRequest, body: unknown) => unknown) | undefined
  /** REST routes served after authentication and the rate limit, before the endpoint table's routes. */
  readonly restRoutes?: ReadonlyArray<RestRoute> | undefined
  /** Runs after every request is served (the webhooks plugin starts its deliveries there). */
  readonly afterRequest?: Effect.Effect<void> | undefined
}

/** A REST route of a plugin (see `EnginePlugin.restRoutes`). @internal */
export interface RestRoute {
  readonly method: string
  readonly path: string | RegExp
  /** Which origins it answers on (default: any). */
  readonly origin?: ((origin: string) => boolean) | undefined
  readonly handle: (context: RouteContext) => FakeResponse
}

/** Builds a plugin for one engine. @internal */
export type EnginePluginFactory = (state: EngineState, options: FakePagerDutyOptions | undefined) => EnginePlugin

/**
 * The Events API v2, with and without the `/v2` prefix (requests to any host: `events.pagerduty.com`, the EU host,
 * or the loopback server).
 *
 * @internal
 */
export const eventsPlugin: EnginePluginFactory = () => ({
  routes: [
    { method: "POST", path: "/v2/enqueue", handle: ({ now, request, state }) => handleAlertEvent(state, request, now) },
    { method: "POST", path: "/enqueue", handle: ({ now, request, state }) => handleAlertEvent(state, request, now) },
    {
      method: "POST",
      path: "/v2/change/enqueue",
      handle: ({ now, request, state }) => handleChangeEvent(state, request, now)
    },
    {
      method: "POST",
      path: "/change/enqueue",
      handle: ({ now, request, state }) => handleChangeEvent(state, request, now)
    }
  ]
})

const OAUTH_TOKEN_PATH = "/oauth/token"

const OTHER_PAGERDUTY_HOST = /^https?:\/\/(?!identity\.)[^/]*pagerduty\.com(:\d+)?$/i

/**
 * The identity service answers on `identity.pagerduty.com`, `identity.eu.pagerduty.com` and any host that is not
 * PagerDuty's (the loopback server, a proxy): not on `api.pagerduty.com` or `events.pagerduty.com`.
 */
const identityOrigin = (origin: string): boolean => !OTHER_PAGERDUTY_HOST.test(origin)

/**
 * PagerDuty's OAuth identity service (`identity.pagerduty.com`, `identity.eu.pagerduty.com`, or the loopback server;
 * any host): `POST /oauth/token` and `GET /oauth/authorize`, over `state.oauth`. At the REST API it decides the
 * bearer tokens it issued (live: accepted; expired or revoked: 401) and leaves every other credential to `apiKeys`.
 * The request log keeps token requests with `client_secret`, `code`, `code_verifier` and `refresh_token` redacted.
 *
 * @internal
 */
export const oauthPlugin: EnginePluginFactory = (state) => ({
  routes: [
    {
      method: "POST",
      path: OAUTH_TOKEN_PATH,
      origin: identityOrigin,
      handle: ({ now, request }) => handleOAuthToken(state.oauth, request, now)
    },
    {
      method: "GET",
      path: "/oauth/authorize",
      origin: identityOrigin,
      handle: ({ now, request }) => handleOAuthAuthorize(state.oauth, request, now)
    }
  ],
  authenticate: (authorization, now) => {
    switch (checkBearer(state.oauth, authorization, now)) {
      case "Valid":
        return "accept"
      case "Expired":
      case "Revoked":
        return "reject"
      case "NotIssued":
        return undefined
    }
  },
  redactBody: (request, body) =>
    request.path === OAUTH_TOKEN_PATH ? redactTokenRequestBody(request.bodyText, body) : body,
  reset: () => state.oauth.reset()
})

/**
 * The plugins every fake has.
 *
 * @internal
 */
export const builtinPlugins: ReadonlyArray<EnginePluginFactory> = [eventsPlugin, oauthPlugin, webhooksPlugin]

const userRoute = (route: FakeRoute): Route => ({
  method: route.method.toUpperCase(),
  path: route.path,
  handle: ({ request }) =>
    route.handle({
      method: request.method,
      url: request.url,
      path: request.path,
      query: request.query.toRecord(),
      headers: request.headers,
      body: request.bodyText
    })
})

const routeMatches = (route: Route | RestRoute, request: ParsedRequest): boolean =>
  (route.method === "*" || route.method === request.method) &&
  (typeof route.path === "string" ? route.path === request.path : route.path.test(request.path)) &&
  (route.origin === undefined || route.origin(request.origin))

// ---------------------------------------------------------------------------------------------------------------------
// Headers
// ---------------------------------------------------------------------------------------------------------------------

const withHeaders = (reply: FakeResponse, headers: Readonly<Record<string, string>>): FakeResponse => ({
  ...reply,
  headers: { ...reply.headers, ...headers }
})

const TOKEN = /^token\s+token="?([^"]*)"?\s*$/i
const BEARER = /^bearer\s+(\S+)\s*$/i

/** The credential of an `Authorization` header: `Token token=<key>` or `Bearer <token>`. @internal */
export const credentialOf = (authorization: string | undefined): string | undefined => {
  if (authorization === undefined) return undefined
  const match = TOKEN.exec(authorization) ?? BEARER.exec(authorization)
  const credential = match?.[1]?.trim()
  return credential === undefined || credential.length === 0 ? undefined : credential
}

const redactAuthorization = (authorization: string): string => {
  if (TOKEN.test(authorization)) return "Token token=<redacted>"
  if (BEARER.test(authorization)) return "Bearer <redacted>"
  return "<redacted>"
}

const ACCEPTABLE_TYPES = new Set(["*/*", "application/*", "application/json", "application/vnd.pagerduty+json"])

/** Whether an `Accept` header admits PagerDuty's JSON (`application/vnd.pagerduty+json;version=2` or JSON). */
const acceptable = (accept: string): boolean => {
  for (const range of accept.split(",")) {
    const [type, ...params] = range.split(";").map((part) => part.trim().toLowerCase())
    if (!ACCEPTABLE_TYPES.has(type)) continue
    const version = params.find((param) => param.startsWith("version="))
    if (type === "application/vnd.pagerduty+json" && version !== undefined && version !== "version=2") continue
    return true
  }
  return accept.trim().length === 0
}

// ---------------------------------------------------------------------------------------------------------------------
// Faults
// ---------------------------------------------------------------------------------------------------------------------

const REASONS: ReadonlyMap<number, string> = new Map([
  [500, "Internal Server Error"],
  [502, "Bad Gateway"],
  [503, "Service Temporarily Unavailable"],
  [504, "Gateway Time-out"]
])

/** An error page as a proxy in front of the API (nginx) serves it. */
const htmlPage = (status: number): string => {
  const title = `${status} ${REASONS.get(status) ?? "Error"}`
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n` +
    `<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`
}

const faultReply = (fault: FakeFault): FakeReply => {
  switch (fault._tag) {
    case "ConnectionReset":
    case "Hang":
      return fault
    case "Status": {
      const body = fault.body === undefined ? defaultErrorBody(fault.status) : fault.body
      return {
        _tag: "Response",
        status: fault.status,
        headers: { "content-type": JSON_CONTENT_TYPE, ...fault.headers },
        body: typeof body === "string" ? body : JSON.stringify(body)
      }
    }
    case "MalformedJson":
      return {
        _tag: "Response",
        status: fault.status,
        headers: { "content-type": JSON_CONTENT_TYPE },
        body: "{\"users\": [{\"id\": \"PABC123\", \"name\": \"Trunc"
      }
    case "HtmlError":
      return {
        _tag: "Response",
        status: fault.status,
        headers: { "content-type": "text/html; charset=utf-8" },
        body: htmlPage(fault.status)
      }
    case "EmptyBody":
      return { _tag: "Response", status: fault.status, headers: { "content-type": JSON_CONTENT_TYPE }, body: "" }
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// The engine
// ---------------------------------------------------------------------------------------------------------------------

/** @internal */
export interface Engine {
  readonly state: EngineState
  readonly handle: (request: FakeRequest) => Effect.Effect<FakeReply>
  /** Resets the plugins (the service resets the state). */
  readonly resetPlugins: () => void
}

const recordOf = (
  request: ParsedRequest,
  id: string,
  now: number,
  redactors: ReadonlyArray<(request: ParsedRequest, body: unknown) => unknown>
): RecordedRequest => {
  let headers = request.headers
  const authorization = headers.authorization
  if (authorization !== undefined) headers = { ...headers, authorization: redactAuthorization(authorization) }
  const parsed = request.body()
  let body = parsed._tag === "Json" ? parsed.value : parsed._tag === "Invalid" ? parsed.text : undefined
  for (const redact of redactors) body = redact(request, body)
  return {
    id,
    method: request.method,
    url: request.url,
    path: request.path,
    query: request.query.toRecord(),
    headers,
    body,
    receivedAt: now
  }
}

/** @internal */
export const makeEngine = (
  options: FakePagerDutyOptions | undefined,
  plugins: ReadonlyArray<EnginePluginFactory> = builtinPlugins
): Engine => {
  const latency = options?.latency === undefined ? 0 : Duration.toMillis(Duration.decode(options.latency))
  const state = new EngineState(options, latency)
  const budget = makeFakeBudget(options?.budget)
  const installed = plugins.map((factory) => factory(state, options))
  const routes: ReadonlyArray<Route> = [
    ...(options?.routes ?? []).map(userRoute),
    ...installed.flatMap((plugin) => plugin.routes ?? [])
  ]
  const authenticators = installed.flatMap((plugin) => plugin.authenticate === undefined ? [] : [plugin.authenticate])
  const redactors = installed.flatMap((plugin) => plugin.redactBody === undefined ? [] : [plugin.redactBody])
  const restRoutes = installed.flatMap((plugin) => plugin.restRoutes ?? [])
  const afterRequest = Effect.all(installed.flatMap((plugin) => plugin.afterRequest ?? []), { discard: true })

  const authenticate = (authorization: string | undefined, credential: string | undefined, now: number): boolean => {
    if (authorization === undefined || credential === undefined) return false
    for (const check of authenticators) {
      const decision = check(authorization, now)
      if (decision !== undefined) return decision === "accept"
    }
    return state.apiKeys === undefined || state.apiKeys.has(credential)
  }

  const serveRest = (request: ParsedRequest, now: number): FakeResponse => {
    const authorization = request.headers.authorization
    const credential = credentialOf(authorization)
    if (credential === undefined || !authenticate(authorization, credential, now)) {
      const limit = state.rateLimiter.perMinute ?? DEFAULT_RATE_LIMIT
      return withHeaders(unauthorized(), rateLimitHeaders({ limit, remaining: limit, reset: 60, limited: false }))
    }
    const limit = budget !== undefined ? budget.hit(credential, now) : state.rateLimiter.hit(credential, now)
    const limitHeaders = rateLimitHeaders(limit)
    if (limit.limited) return withHeaders(rateLimited(), limitHeaders)
    const accept = request.headers.accept
    if (accept !== undefined && !acceptable(accept)) return withHeaders(notAcceptable(accept), limitHeaders)
    const pluginRoute = restRoutes.find((route) => routeMatches(route, request))
    if (pluginRoute !== undefined) return withHeaders(pluginRoute.handle({ state, request, now }), limitHeaders)
    return withHeaders(handleRest(state, request, now), limitHeaders)
  }

  const serve = (request: ParsedRequest, requestId: string, fault: FakeFault | undefined) =>
    Effect.clockWith((clock): Effect.Effect<FakeReply> => {
      if (fault !== undefined) {
        const reply = faultReply(fault)
        return Effect.succeed(reply._tag === "Response" ? withHeaders(reply, { "x-request-id": requestId }) : reply)
      }
      const now = clock.unsafeCurrentTimeMillis()
      for (const route of routes) {
        if (!routeMatches(route, request)) continue
        const reply = route.handle({ state, request, now })
        const tagged = (r: FakeReply): FakeReply =>
          r._tag === "Response" && r.headers["x-request-id"] === undefined ?
            withHeaders(r, { "x-request-id": requestId }) :
            r
        return Effect.isEffect(reply) ? Effect.map(reply, tagged) : Effect.succeed(tagged(reply))
      }
      return Effect.succeed(withHeaders(serveRest(request, now), { "x-request-id": requestId }))
    })

  const handle = (input: FakeRequest): Effect.Effect<FakeReply> =>
    Effect.clockWith((clock) => {
      const arrival = clock.unsafeCurrentTimeMillis()
      const request = parseRequest(input, state.publicOrigin)
      const requestId = state.nextRequestId()
      if (state.requestLog.enabled) state.requestLog.push(recordOf(request, requestId, arrival, redactors))
      const fault = state.faults.size === 0 ?
        undefined :
        state.faults.take(request.method, request.path, () => Option.getOrUndefined(canonicalPath(request.path)))
      const delay = state.latencyMillis
      const served = delay > 0 ?
        Effect.zipRight(Effect.sleep(Duration.millis(delay)), serve(request, requestId, fault)) :
        serve(request, requestId, fault)
      return Effect.tap(served, () => afterRequest)
    })

  const resetPlugins = () => {
    budget?.reset()
    for (const plugin of installed) plugin.reset?.()
  }

  return { state, handle, resetPlugins }
}
