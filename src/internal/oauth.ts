/**
 * OAuth against PagerDuty's identity service: the token endpoint (through the shared executor), token decoding,
 * the refreshing credentials cache behind `Credentials.layerClientCredentials` / `layerFromToken`, and PKCE.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as DateTime from "effect/DateTime"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Encoding from "effect/Encoding"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import type { CredentialsService } from "../Credentials.js"
import type { ClientCredentialsOptions, ClientOptions, OAuthToken } from "../OAuth.js"
import { PagerDutyConfig } from "../PagerDutyConfig.js"
import { PDClientError, PDHTTPError } from "../PagerDutyError.js"
import { RetryPolicy } from "../RetryPolicy.js"
import { makeExecutor } from "./executor.js"
import { HttpClient } from "./http.js"
import { httpError } from "./responses.js"

/** @internal */
export const tokenPath = "/oauth/token"

/** @internal */
export const authorizePath = "/oauth/authorize"

/** @internal */
export const defaultRefreshMargin = Duration.minutes(5)

/** @internal */
export type TokenError = PDClientError | PDHTTPError

/**
 * Scopes as a list: a string (or each string of a list) is split on whitespace and commas; empty entries are dropped.
 *
 * @internal
 */
export const normalizeScopes = (scopes: ReadonlyArray<string> | string): Array<string> =>
  (typeof scopes === "string" ? [scopes] : scopes)
    .flatMap((scope) => scope.split(/[\s,]+/))
    .filter((scope) => scope.length > 0)

/** `application/x-www-form-urlencoded` in the given order (a space is `+`). @internal */
export const formEncode = (pairs: ReadonlyArray<readonly [string, string]>): string =>
  new URLSearchParams(pairs.map(([name, value]) => [name, value])).toString()

/** @internal */
export const toRedacted = (value: Redacted.Redacted<string> | string): Redacted.Redacted<string> =>
  typeof value === "string" ? Redacted.make(value) : value

/** @internal */
export const reveal = (value: Redacted.Redacted<string> | string): string =>
  typeof value === "string" ? value : Redacted.value(value)

/** `client_id` and, when given, `client_secret`. @internal */
export const clientParams = (options: ClientOptions): Array<readonly [string, string]> =>
  options.clientSecret === undefined
    ? [["client_id", options.clientId]]
    : [["client_id", options.clientId], ["client_secret", reveal(options.clientSecret)]]

// ---------------------------------------------------------------------------------------------------------------------
// Token responses and errors
// ---------------------------------------------------------------------------------------------------------------------

const TokenResponse = Schema.Struct({
  access_token: Schema.String.pipe(Schema.minLength(1)),
  token_type: Schema.optionalWith(Schema.String, { nullable: true }),
  expires_in: Schema.Union(Schema.Number, Schema.NumberFromString).pipe(Schema.nonNegative()),
  scope: Schema.optionalWith(Schema.String, { nullable: true }),
  refresh_token: Schema.optionalWith(Schema.String, { nullable: true })
})

const OAuthErrorBody = Schema.Struct({
  error: Schema.String,
  error_description: Schema.optionalWith(Schema.String, { nullable: true })
})

const decodeTokenResponse = Schema.decodeUnknownEither(TokenResponse)
const decodeOAuthErrorBody = Schema.decodeUnknownEither(Schema.parseJson(OAuthErrorBody))

/**
 * Rebuilds a `PDHTTPError` of the token endpoint so that it names the OAuth error: `errorMessage` is PagerDuty's
 * `error_description` (or the code), `errors` is `[error]` (`invalid_client`, `invalid_grant`, …).
 *
 * @internal
 */
export const oauthHttpError = (error: PDHTTPError): PDHTTPError =>
  Either.match(decodeOAuthErrorBody(error.body), {
    onLeft: () => error,
    onRight: (body) =>
      new PDHTTPError({
        reason: error.reason,
        status: error.status,
        method: error.method,
        url: error.url,
        code: error.code,
        errorMessage: body.error_description !== undefined && body.error_description.length > 0
          ? body.error_description
          : body.error,
        errors: [body.error],
        requestId: error.requestId,
        rateLimit: error.rateLimit,
        body: error.body,
        description: error.description
      })
  })

/** @internal */
export const toOAuthToken = (
  response: typeof TokenResponse.Type,
  obtainedAt: number,
  requestedScopes: ReadonlyArray<string>
): OAuthToken => ({
  accessToken: Redacted.make(response.access_token),
  tokenType: response.token_type ?? "bearer",
  expiresAt: DateTime.unsafeMake(obtainedAt + Math.round(response.expires_in * 1000)),
  scopes: response.scope !== undefined ? normalizeScopes(response.scope) : requestedScopes,
  refreshToken: response.refresh_token !== undefined && response.refresh_token.length > 0
    ? Option.some(Redacted.make(response.refresh_token))
    : Option.none()
})

/** @internal */
export interface TokenEndpoint {
  /** POSTs the form to `<identityUrl>/oauth/token` and decodes the token; `requestedScopes` when none is echoed. */
  readonly request: (
    params: ReadonlyArray<readonly [string, string]>,
    requestedScopes: ReadonlyArray<string>
  ) => Effect.Effect<OAuthToken, TokenError>
}

/**
 * The token endpoint, sent through the shared executor (retries, timeout, rate-limit waits, logging, spans) with no
 * credentials. Neither the form (it holds the client secret, a code or a refresh token) nor a successful body (it
 * holds the tokens) ever reaches an error or a log line.
 *
 * @internal
 */
export const makeTokenEndpoint = (
  operation: string
): Effect.Effect<TokenEndpoint, never, PagerDutyConfig | RetryPolicy | HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const config = yield* PagerDutyConfig
    const executor = yield* makeExecutor({
      client: yield* HttpClient.HttpClient,
      policy: yield* RetryPolicy,
      rules: "rest",
      lane: "oauth",
      credentials: undefined,
      debug: config.debug
    })
    const url = `${config.identityUrl}${tokenPath}`
    const headers: Record<string, string> = { accept: "application/json" }
    if (Option.isSome(config.userAgent)) headers["user-agent"] = config.userAgent.value

    const request: TokenEndpoint["request"] = (params, requestedScopes) =>
      Effect.gen(function*() {
        const started = yield* Clock.currentTimeMillis
        const sent = yield* executor.send(
          {
            method: "POST",
            url,
            endpoint: `POST ${tokenPath}`,
            operation,
            headers,
            body: { contentType: "application/x-www-form-urlencoded", text: formEncode(params) },
            timeout: config.timeout
          },
          (response) => response.text
        ).pipe(Effect.mapError((error) => error._tag === "PDHTTPError" ? oauthHttpError(error) : error))
        const status = sent.response.status
        const facts = { method: "POST", url, status, headers: sent.response.headers, bodyText: sent.value }
        if (status < 200 || status >= 300) return yield* Effect.fail(oauthHttpError(httpError(facts)))
        let json: unknown
        try {
          json = JSON.parse(sent.value)
        } catch (cause) {
          return yield* Effect.fail(
            new PDClientError({
              reason: "Decode",
              description: "The token response is not valid JSON",
              method: "POST",
              url,
              status,
              cause
            })
          )
        }
        const decoded = decodeTokenResponse(json)
        if (Either.isLeft(decoded)) {
          // The body may hold a token: it is left out, and so is the parse error (it quotes values).
          return yield* Effect.fail(
            new PDHTTPError({
              reason: "UnexpectedShape",
              status,
              method: "POST",
              url,
              errors: [],
              requestId: sent.response.headers["x-request-id"],
              body: "",
              description: "The token response lacks access_token or expires_in (a non-negative number of seconds)"
            })
          )
        }
        return toOAuthToken(decoded.right, started, requestedScopes)
      })

    return { request }
  })

/** One token request with an endpoint of its own. @internal */
export const requestToken = (
  operation: string,
  params: ReadonlyArray<readonly [string, string]>,
  requestedScopes: ReadonlyArray<string>
): Effect.Effect<OAuthToken, TokenError, PagerDutyConfig | RetryPolicy | HttpClient.HttpClient> =>
  Effect.flatMap(makeTokenEndpoint(operation), (endpoint) => endpoint.request(params, requestedScopes))

/**
 * The client-credentials form: `grant_type`, `client_id`, `client_secret`, `scope`, in that order. The secret is read
 * from its `Redacted` only here, when the request is built.
 *
 * @internal
 */
export const clientCredentialsParams = (
  options: ClientCredentialsOptions,
  scopes: ReadonlyArray<string>
): Array<readonly [string, string]> => [
  ["grant_type", "client_credentials"],
  ["client_id", options.clientId],
  ["client_secret", reveal(options.clientSecret)],
  ["scope", scopes.join(" ")]
]

/** @internal */
export const clientCredentialsToken = (
  operation: string,
  options: ClientCredentialsOptions
): Effect.Effect<OAuthToken, TokenError, PagerDutyConfig | RetryPolicy | HttpClient.HttpClient> => {
  const scopes = normalizeScopes(options.scopes)
  return Effect.suspend(() => requestToken(operation, clientCredentialsParams(options, scopes), scopes))
}

// ---------------------------------------------------------------------------------------------------------------------
// The refreshing credentials cache
// ---------------------------------------------------------------------------------------------------------------------

interface Cached {
  readonly token: OAuthToken
  readonly header: Redacted.Redacted<string>
  /** Epoch millis from which the token is renewed before use. */
  readonly refreshAt: number
}

interface State {
  readonly current: Cached | undefined
  /** The one token request in flight, shared by every fiber that needs it. */
  readonly inflight: Deferred.Deferred<Cached, TokenError> | undefined
}

type Step =
  | { readonly _tag: "Cached"; readonly cached: Cached }
  | { readonly _tag: "Await"; readonly deferred: Deferred.Deferred<Cached, TokenError> }
  | {
    readonly _tag: "Fetch"
    readonly deferred: Deferred.Deferred<Cached, TokenError>
    readonly current: Cached | undefined
  }

/** @internal */
export interface RefreshingOptions {
  /** A token the caller already holds (the authorization-code flow), or none (fetched on first use). */
  readonly initial: OAuthToken | undefined
  readonly margin: Duration.Duration
  /** Fetches a new token; `current` is the token being replaced. */
  readonly fetch: (current: OAuthToken | undefined) => Effect.Effect<OAuthToken, TokenError>
  /** Whether a new token can be had at all when `current` is the token in hand. */
  readonly canRefresh: (current: OAuthToken | undefined) => boolean
}

/**
 * A `CredentialsService` over a cached OAuth token. The token is renewed on the first use after
 * `expiresAt − margin` (the margin is capped at half the token's lifetime, so a short-lived token is not renewed on
 * every request), and when PagerDuty rejects the token in hand. One token request serves every fiber waiting for it;
 * it runs in the layer's scope, so a waiter that is interrupted does not cancel it for the others. A failed request
 * is not cached: the next use tries again; while the token in hand has not expired, a failed early renewal only logs
 * a warning and the token in hand is used.
 *
 * @internal
 */
export const makeRefreshing = (options: RefreshingOptions): Effect.Effect<CredentialsService, never, Scope.Scope> =>
  Effect.gen(function*() {
    const scope = yield* Effect.scope
    const marginMillis = Duration.toMillis(options.margin)

    const toCached = (token: OAuthToken, obtainedAt: number): Cached => {
      const expiresAt = DateTime.toEpochMillis(token.expiresAt)
      const lifetime = Math.max(0, expiresAt - obtainedAt)
      return {
        token,
        header: Redacted.make(`Bearer ${Redacted.value(token.accessToken)}`),
        refreshAt: expiresAt - Math.min(marginMillis, lifetime / 2)
      }
    }

    const now = yield* Clock.currentTimeMillis
    const state = yield* Ref.make<State>({
      current: options.initial === undefined ? undefined : toCached(options.initial, now),
      inflight: undefined
    })

    const runFetch = (deferred: Deferred.Deferred<Cached, TokenError>, current: Cached | undefined) =>
      Effect.flatMap(
        Clock.currentTimeMillis,
        (started) => Effect.map(options.fetch(current?.token), (token) => toCached(token, started))
      ).pipe(
        Effect.onExit((exit) =>
          Ref.update(state, (s): State => ({
            current: Exit.isSuccess(exit) ? exit.value : s.current,
            inflight: undefined
          })).pipe(Effect.zipRight(Deferred.done(deferred, exit)))
        ),
        Effect.exit
      )

    /** The cached token, unless `stale` says it must be replaced: then the shared request's result. */
    const acquire = (stale: (cached: Cached, now: number) => boolean) =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const seen = yield* Ref.get(state)
        if (seen.inflight === undefined && seen.current !== undefined && !stale(seen.current, now)) return seen.current
        const candidate = yield* Deferred.make<Cached, TokenError>()
        const step = yield* Ref.modify(state, (s): [Step, State] => {
          if (s.inflight !== undefined) return [{ _tag: "Await", deferred: s.inflight }, s]
          if (s.current !== undefined && !stale(s.current, now)) return [{ _tag: "Cached", cached: s.current }, s]
          return [{ _tag: "Fetch", deferred: candidate, current: s.current }, {
            current: s.current,
            inflight: candidate
          }]
        })
        if (step._tag === "Cached") return step.cached
        if (step._tag === "Fetch") yield* Effect.forkIn(runFetch(step.deferred, step.current), scope)
        return yield* Deferred.await(step.deferred)
      })

    const authorization = acquire((cached, now) => now >= cached.refreshAt && options.canRefresh(cached.token)).pipe(
      Effect.map((cached) => cached.header),
      // A renewal ahead of expiry that fails leaves the token in hand usable until it actually expires.
      Effect.catchAll((error) =>
        Effect.flatMap(
          Effect.all([Ref.get(state), Clock.currentTimeMillis]),
          ([{ current }, now]) =>
            current !== undefined && now < DateTime.toEpochMillis(current.token.expiresAt)
              ? Effect.as(
                Effect.logWarning(
                  `PagerDuty OAuth token renewal failed; the current token is used until it expires: ${error.message}`
                ),
                current.header
              )
              : Effect.fail(error)
        )
      )
    )

    const refresh = (rejected: Redacted.Redacted<string>) =>
      Effect.gen(function*() {
        const { current } = yield* Ref.get(state)
        if (!options.canRefresh(current?.token)) return false
        const rejectedValue = Redacted.value(rejected)
        yield* acquire((cached) => Redacted.value(cached.header) === rejectedValue)
        return true
      })

    const service: CredentialsService = { authorization, refresh }
    return service
  })

// ---------------------------------------------------------------------------------------------------------------------
// PKCE (RFC 7636, S256)
// ---------------------------------------------------------------------------------------------------------------------

const webCrypto: Effect.Effect<Crypto, PDClientError> = Effect.suspend(() => {
  const crypto: Crypto | undefined = (globalThis as { readonly crypto?: Crypto }).crypto
  return crypto !== undefined && typeof crypto.getRandomValues === "function" && crypto.subtle !== undefined
    ? Effect.succeed(crypto)
    : Effect.fail(
      new PDClientError({
        reason: "Config",
        description: "PKCE needs the Web Crypto API (globalThis.crypto with subtle), available in Node 20+ and browsers"
      })
    )
})

/** `base64url(SHA-256(verifier))` without padding. @internal */
export const pkceChallenge = (verifier: string): Effect.Effect<string, PDClientError> =>
  Effect.flatMap(webCrypto, (crypto) =>
    Effect.tryPromise({
      try: () => crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)),
      catch: (cause) => new PDClientError({ reason: "Config", description: "SHA-256 via Web Crypto failed", cause })
    }).pipe(Effect.map((digest) => Encoding.encodeBase64Url(new Uint8Array(digest)))))

/** A verifier of 32 random bytes (43 base64url characters) and its S256 challenge. @internal */
export const makePkce: Effect.Effect<
  { readonly verifier: Redacted.Redacted<string>; readonly challenge: string },
  PDClientError
> = Effect.gen(function*() {
  const crypto = yield* webCrypto
  const bytes = new Uint8Array(32)
  crypto.getRandomValues(bytes)
  const verifier = Encoding.encodeBase64Url(bytes)
  const challenge = yield* pkceChallenge(verifier)
  return { verifier: Redacted.make(verifier), challenge }
})
