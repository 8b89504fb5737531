/**
 * OAuth 2.0 against PagerDuty's identity service (`identity.pagerduty.com`, or `identity.eu.pagerduty.com` in the EU
 * region): the authorization-code flow a user-facing app needs (the authorize URL, PKCE, exchanging the code,
 * refreshing the token) and a one-off client-credentials token. To authenticate `RestApi` with OAuth tokens that are
 * renewed for you, provide `Credentials.layerClientCredentials` (a scoped app) or `Credentials.layerFromToken` (a
 * user's token from this module).
 *
 * Every token is `Redacted`; a failed token request is a `PDHTTPError` whose `errors` is PagerDuty's OAuth error
 * code (`invalid_client`, `invalid_grant`, `invalid_scope`, …) and whose `errorMessage` is its description. No secret,
 * code, verifier or token is ever put in an error or a log line.
 *
 * @since 0.1.0
 */
import type * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { regionUrls } from "./internal/config.js"
import type { HttpClient } from "./internal/http.js"
import * as internal from "./internal/oauth.js"
import type { PagerDutyConfig, Region } from "./PagerDutyConfig.js"
import type { PDClientError, PDHTTPError } from "./PagerDutyError.js"
import type { RetryPolicy } from "./RetryPolicy.js"

/**
 * A token from PagerDuty's token endpoint.
 *
 * @example
 * ```ts
 * import { DateTime, Effect, Redacted } from "effect"
 * import type { OAuth } from "effect-pagerduty"
 *
 * const describe = (token: OAuth.OAuthToken) =>
 *   Effect.map(DateTime.now, (now) =>
 *     `${token.scopes.join(" ")}; expires in ${DateTime.distance(now, token.expiresAt) / 1000} s`)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface OAuthToken {
  /** The access token, sent as `Authorization: Bearer <token>`. */
  readonly accessToken: Redacted.Redacted<string>
  /** PagerDuty's `token_type` (`bearer`). */
  readonly tokenType: string
  /** When the token expires: the time of the request plus PagerDuty's `expires_in`. */
  readonly expiresAt: DateTime.Utc
  /** The granted scopes (PagerDuty's `scope`, split on spaces), or the requested ones when the answer has none. */
  readonly scopes: ReadonlyArray<string>
  /** The refresh token of the authorization-code flow; none for a client-credentials token. */
  readonly refreshToken: Option.Option<Redacted.Redacted<string>>
}

/**
 * What every token request needs: the OAuth app's client ID and, for a confidential client, its secret.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import type { OAuth } from "effect-pagerduty"
 *
 * const client: OAuth.ClientOptions = { clientId: "my-client-id", clientSecret: Redacted.make("my-secret") }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ClientOptions {
  readonly clientId: string
  /** The client secret, sent in the form body. Optional in the authorization-code flow with PKCE. */
  readonly clientSecret?: Redacted.Redacted<string> | string | undefined
}

/**
 * The options of {@link clientCredentialsToken} (and of `Credentials.layerClientCredentials`).
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import type { OAuth } from "effect-pagerduty"
 *
 * const app: OAuth.ClientCredentialsOptions = {
 *   clientId: "my-client-id",
 *   clientSecret: Redacted.make("my-secret"),
 *   scopes: ["as_account-us.acme", "incidents.read", "users.read"]
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ClientCredentialsOptions {
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string> | string
  /**
   * The scopes to request: a list, or one string separated by spaces or commas. PagerDuty requires the account
   * scope `as_account-<region>.<subdomain>` (for example `as_account-us.acme`) besides the API scopes.
   */
  readonly scopes: ReadonlyArray<string> | string
}

/**
 * The options of {@link authorizeUrl}.
 *
 * @example
 * ```ts
 * import type { OAuth } from "effect-pagerduty"
 *
 * const options: OAuth.AuthorizeUrlOptions = {
 *   clientId: "my-client-id",
 *   redirectUri: "https://app.example.com/callback",
 *   scopes: ["openid", "write"],
 *   region: "eu"
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface AuthorizeUrlOptions {
  readonly clientId: string
  /** Where PagerDuty sends the user back with `?code=…` (as registered for the app). */
  readonly redirectUri: string
  /** The scopes to request: a list, or one string separated by spaces or commas. */
  readonly scopes: ReadonlyArray<string> | string
  /** An opaque value PagerDuty returns unchanged with the code, to bind the callback to the user's session. */
  readonly state?: string | undefined
  /** The S256 challenge of {@link makePkce}; adds `code_challenge` and `code_challenge_method=S256`. */
  readonly codeChallenge?: string | undefined
  /** The service region: `us` (default) or `eu`. */
  readonly region?: Region | undefined
  /** Overrides the identity service base URL the region gives. */
  readonly identityUrl?: string | undefined
}

/**
 * The URL to send a user to for the authorization-code flow: `<identity>/oauth/authorize?client_id=…&redirect_uri=…
 * &response_type=code&scope=…[&state=…][&code_challenge=…&code_challenge_method=S256]`, form-encoded in that order
 * (a space is `+`).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { OAuth } from "effect-pagerduty"
 *
 * const start = Effect.gen(function*() {
 *   const pkce = yield* OAuth.makePkce // keep pkce.verifier in the user's session
 *   return OAuth.authorizeUrl({
 *     clientId: "my-client-id",
 *     redirectUri: "https://app.example.com/callback",
 *     scopes: "openid write",
 *     state: "csrf-token-for-this-session",
 *     codeChallenge: pkce.challenge
 *   })
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const authorizeUrl = (options: AuthorizeUrlOptions): string => {
  const base = (options.identityUrl ?? regionUrls[options.region ?? "us"].identity).replace(/\/+$/, "")
  const params: Array<readonly [string, string]> = [
    ["client_id", options.clientId],
    ["redirect_uri", options.redirectUri],
    ["response_type", "code"],
    ["scope", internal.normalizeScopes(options.scopes).join(" ")]
  ]
  if (options.state !== undefined) params.push(["state", options.state])
  if (options.codeChallenge !== undefined) {
    params.push(["code_challenge", options.codeChallenge], ["code_challenge_method", "S256"])
  }
  return `${base}${internal.authorizePath}?${internal.formEncode(params)}`
}

/**
 * A PKCE pair (RFC 7636, method S256): keep the `verifier` secret until {@link exchangeCode}; put the `challenge` in
 * the {@link authorizeUrl}.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import type { OAuth } from "effect-pagerduty"
 *
 * const stored = (pkce: OAuth.Pkce) => ({ verifier: Redacted.value(pkce.verifier) })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface Pkce {
  /** 32 random bytes, base64url without padding (43 characters). */
  readonly verifier: Redacted.Redacted<string>
  /** `base64url(SHA-256(verifier))` without padding. */
  readonly challenge: string
}

/**
 * Makes a fresh {@link Pkce} pair with the Web Crypto API (`globalThis.crypto`: Node 20+ and browsers). Fails with a
 * `PDClientError` (reason `Config`) only where Web Crypto is missing.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { OAuth } from "effect-pagerduty"
 *
 * const challenge = Effect.map(OAuth.makePkce, (pkce) => pkce.challenge)
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const makePkce: Effect.Effect<Pkce, PDClientError> = internal.makePkce

/**
 * The S256 challenge of a PKCE verifier: `base64url(SHA-256(verifier))` without padding.
 *
 * @example
 * ```ts
 * import { OAuth } from "effect-pagerduty"
 *
 * // RFC 7636, appendix B: E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM
 * const challenge = OAuth.pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
 * ```
 *
 * @since 0.1.0
 * @category utils
 */
export const pkceChallenge = (verifier: Redacted.Redacted<string> | string): Effect.Effect<string, PDClientError> =>
  internal.pkceChallenge(internal.reveal(verifier))

/**
 * The options of {@link exchangeCode}.
 *
 * @example
 * ```ts
 * import type { OAuth } from "effect-pagerduty"
 *
 * const options: OAuth.ExchangeCodeOptions = {
 *   clientId: "my-client-id",
 *   code: "code-from-the-callback",
 *   redirectUri: "https://app.example.com/callback"
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ExchangeCodeOptions extends ClientOptions {
  /** The `code` PagerDuty put on the redirect. */
  readonly code: Redacted.Redacted<string> | string
  /** The same redirect URI as in the authorize URL. */
  readonly redirectUri: string
  /** The PKCE verifier whose challenge was in the authorize URL. */
  readonly codeVerifier?: Redacted.Redacted<string> | string | undefined
  /** The scopes of the authorize URL, sent as `scope` (optional; python-pagerduty sends them). */
  readonly scopes?: ReadonlyArray<string> | string | undefined
}

/**
 * Exchanges an authorization code for a token: `POST <identity>/oauth/token` with `grant_type=authorization_code`,
 * `client_id`, `client_secret` (when given), `code`, `redirect_uri`, `code_verifier` (with PKCE) and `scope` (when
 * given). The identity URL, timeout and retries come from `PagerDutyConfig` and `RetryPolicy`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { OAuth } from "effect-pagerduty"
 *
 * const callback = (code: string, verifier: string) =>
 *   OAuth.exchangeCode({
 *     clientId: "my-client-id",
 *     code,
 *     redirectUri: "https://app.example.com/callback",
 *     codeVerifier: verifier
 *   }).pipe(Effect.tap((token) => Effect.log(`granted ${token.scopes.join(" ")}`)))
 * ```
 *
 * @since 0.1.0
 * @category token requests
 */
export const exchangeCode = (
  options: ExchangeCodeOptions
): Effect.Effect<OAuthToken, PDHTTPError | PDClientError, PagerDutyConfig | RetryPolicy | HttpClient.HttpClient> => {
  const scopes = options.scopes === undefined ? [] : internal.normalizeScopes(options.scopes)
  const params: Array<readonly [string, string]> = [
    ["grant_type", "authorization_code"],
    ...internal.clientParams(options),
    ["code", internal.reveal(options.code)],
    ["redirect_uri", options.redirectUri]
  ]
  if (options.codeVerifier !== undefined) params.push(["code_verifier", internal.reveal(options.codeVerifier)])
  if (scopes.length > 0) params.push(["scope", scopes.join(" ")])
  return internal.requestToken("OAuth.exchangeCode", params, scopes)
}

/**
 * The options of {@link refreshToken}.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import type { OAuth } from "effect-pagerduty"
 *
 * const options: OAuth.RefreshTokenOptions = { clientId: "my-client-id", refreshToken: Redacted.make("stored") }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface RefreshTokenOptions extends ClientOptions {
  readonly refreshToken: Redacted.Redacted<string> | string
}

/**
 * Gets a new access token with a refresh token: `POST <identity>/oauth/token` with `grant_type=refresh_token`,
 * `client_id`, `client_secret` (when given) and `refresh_token`. When PagerDuty does not rotate the refresh token,
 * the result carries the one given, so `token.refreshToken` is always the one to store.
 *
 * @example
 * ```ts
 * import { OAuth } from "effect-pagerduty"
 *
 * const renewed = (stored: string) => OAuth.refreshToken({ clientId: "my-client-id", refreshToken: stored })
 * ```
 *
 * @since 0.1.0
 * @category token requests
 */
export const refreshToken = (
  options: RefreshTokenOptions
): Effect.Effect<OAuthToken, PDHTTPError | PDClientError, PagerDutyConfig | RetryPolicy | HttpClient.HttpClient> => {
  const given = internal.toRedacted(options.refreshToken)
  return Effect.map(
    internal.requestToken(
      "OAuth.refreshToken",
      [["grant_type", "refresh_token"], ...internal.clientParams(options), ["refresh_token", Redacted.value(given)]],
      []
    ),
    (token): OAuthToken => Option.isSome(token.refreshToken) ? token : { ...token, refreshToken: Option.some(given) }
  )
}

/**
 * A one-off client-credentials token for a scoped app: `POST <identity>/oauth/token` with
 * `grant_type=client_credentials`, `client_id`, `client_secret` and `scope`. To authenticate `RestApi` with tokens
 * that are renewed for you, use `Credentials.layerClientCredentials` instead.
 *
 * @example
 * ```ts
 * import { Config, Effect } from "effect"
 * import { OAuth } from "effect-pagerduty"
 *
 * const token = Effect.flatMap(Config.redacted("PAGERDUTY_CLIENT_SECRET"), (clientSecret) =>
 *   OAuth.clientCredentialsToken({ clientId: "my-client-id", clientSecret, scopes: "as_account-us.acme users.read" }))
 * ```
 *
 * @since 0.1.0
 * @category token requests
 */
export const clientCredentialsToken = (
  options: ClientCredentialsOptions
): Effect.Effect<OAuthToken, PDHTTPError | PDClientError, PagerDutyConfig | RetryPolicy | HttpClient.HttpClient> =>
  internal.clientCredentialsToken("OAuth.clientCredentialsToken", options)
