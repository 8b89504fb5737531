/**
 * Where the REST API's `Authorization` header comes from.
 *
 * By default (no `Credentials` layer provided) it is the static API key or bearer token of {@link PagerDutyConfig}.
 * A `Credentials` layer replaces that, for example with short-lived OAuth tokens that are renewed before they
 * expire: {@link Credentials.layerClientCredentials} for a scoped OAuth app, {@link Credentials.layerFromToken} for a
 * user's token from the authorization-code flow (see the `OAuth` module).
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { durationOption } from "./internal/config.js"
import type { HttpClient } from "./internal/http.js"
import * as oauth from "./internal/oauth.js"
import type { ClientCredentialsOptions, ClientOptions, OAuthToken } from "./OAuth.js"
import type { PagerDutyConfigService } from "./PagerDutyConfig.js"
import { PagerDutyConfig } from "./PagerDutyConfig.js"
import { PDClientError } from "./PagerDutyError.js"
import type { PDHTTPError } from "./PagerDutyError.js"
import type { RetryPolicy } from "./RetryPolicy.js"

/**
 * The shape of a credentials provider.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import type { CredentialsService } from "effect-pagerduty"
 *
 * const fixed: CredentialsService = {
 *   authorization: Effect.succeed(Redacted.make("Bearer my-token")),
 *   refresh: () => Effect.succeed(false)
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface CredentialsService {
  /** The whole `Authorization` header value for the next request (for example `Token token=…` or `Bearer …`). */
  readonly authorization: Effect.Effect<Redacted.Redacted<string>, PDClientError | PDHTTPError>
  /**
   * PagerDuty answered 401 to a request sent with `rejected`. Succeeds with `true` when a fresh credential is now
   * available: the request is then retried once. Static credentials answer `false`.
   */
  readonly refresh: (rejected: Redacted.Redacted<string>) => Effect.Effect<boolean, PDClientError | PDHTTPError>
}

/**
 * The options of {@link Credentials.layerClientCredentials}: the scoped OAuth app's client ID, secret and scopes, and
 * how long before expiry a token is renewed.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import type { ClientCredentialsLayerOptions } from "effect-pagerduty"
 *
 * const options: ClientCredentialsLayerOptions = {
 *   clientId: "my-client-id",
 *   clientSecret: Redacted.make("my-secret"),
 *   scopes: ["as_account-us.acme", "incidents.read"],
 *   refreshMargin: "10 minutes"
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ClientCredentialsLayerOptions extends ClientCredentialsOptions {
  /**
   * A token is renewed on its first use this long before it expires. Default 5 minutes; capped at half the token's
   * lifetime.
   */
  readonly refreshMargin?: Duration.DurationInput | undefined
}

/**
 * The options of {@link Credentials.layerClientCredentialsConfig}: each as an Effect `Config`. One left out reads its
 * environment variable (`PAGERDUTY_CLIENT_ID`, `PAGERDUTY_CLIENT_SECRET`, `PAGERDUTY_SCOPES`); the margin defaults to
 * 5 minutes.
 *
 * @example
 * ```ts
 * import { Config } from "effect"
 * import type { ClientCredentialsConfigOptions } from "effect-pagerduty"
 *
 * const options: ClientCredentialsConfigOptions = { clientSecret: Config.redacted("PD_APP_SECRET") }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface ClientCredentialsConfigOptions {
  readonly clientId?: Config.Config<string> | undefined
  readonly clientSecret?: Config.Config<Redacted.Redacted<string>> | undefined
  /** Scopes separated by spaces or commas, or a list. */
  readonly scopes?: Config.Config<string | ReadonlyArray<string>> | undefined
  readonly refreshMargin?: Config.Config<Duration.Duration> | undefined
}

/**
 * The options of {@link Credentials.layerFromToken}: a token the app already holds (from `OAuth.exchangeCode` or its
 * own store), the client that renews it, and a hook to store each renewed token.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import type { FromTokenLayerOptions, OAuth } from "effect-pagerduty"
 *
 * const options = (token: OAuth.OAuthToken): FromTokenLayerOptions => ({
 *   clientId: "my-client-id",
 *   token,
 *   onRefresh: (renewed) => Effect.log(`renewed; expires ${renewed.expiresAt}`)
 * })
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface FromTokenLayerOptions extends ClientOptions {
  readonly token: OAuthToken
  /** A token is renewed on its first use this long before it expires. Default 5 minutes (capped as above). */
  readonly refreshMargin?: Duration.DurationInput | undefined
  /**
   * Called with each renewed token (its refresh token may be a new one), for example to store it for the user. It
   * runs before the token is used.
   */
  readonly onRefresh?: ((token: OAuthToken) => Effect.Effect<void>) | undefined
}

/**
 * The credentials service. Optional: when it is not provided, `RestApi` uses {@link Credentials.fromConfig}.
 *
 * @example
 * ```ts
 * import { Effect, Layer, Redacted } from "effect"
 * import { Credentials } from "effect-pagerduty"
 *
 * const FromVault = Layer.succeed(Credentials, {
 *   authorization: Effect.succeed(Redacted.make("Bearer token-from-vault")),
 *   refresh: () => Effect.succeed(false)
 * })
 * ```
 *
 * @since 0.1.0
 * @category Context
 */
export class Credentials extends Context.Tag("effect-pagerduty/Credentials")<Credentials, CredentialsService>() {
  /**
   * Static credentials from the configuration's `apiKey` and `authType`. A missing key fails each request with a
   * `PDClientError` (reason `Config`) that says how to set it.
   *
   * @example
   * ```ts
   * import { Effect } from "effect"
   * import { Credentials, PagerDutyConfig } from "effect-pagerduty"
   *
   * const header = Effect.gen(function*() {
   *   const config = yield* PagerDutyConfig
   *   return yield* Credentials.fromConfig(config).authorization
   * })
   * ```
   *
   * @since 0.1.0
   */
  static fromConfig(config: PagerDutyConfigService): CredentialsService {
    const header = Option.map(
      config.apiKey,
      (key) =>
        Redacted.make(
          config.authType === "token" ? `Token token=${Redacted.value(key)}` : `Bearer ${Redacted.value(key)}`
        )
    )
    const authorization = Option.match(header, {
      onNone: () =>
        Effect.fail(
          new PDClientError({
            reason: "Config",
            description: "No PagerDuty API key is configured: pass apiKey to PagerDutyConfig.layer, " +
              "or set PAGERDUTY_API_KEY for PagerDutyConfig.layerConfig"
          })
        ),
      onSome: Effect.succeed
    })
    return { authorization, refresh: () => Effect.succeed(false) }
  }

  /**
   * A layer of {@link Credentials.fromConfig}.
   *
   * @example
   * ```ts
   * import { Layer } from "effect"
   * import { Credentials, PagerDutyConfig } from "effect-pagerduty"
   *
   * const CredentialsLive = Credentials.layerFromConfig.pipe(Layer.provide(PagerDutyConfig.layer({ apiKey: "k" })))
   * ```
   *
   * @since 0.1.0
   */
  static readonly layerFromConfig: Layer.Layer<Credentials, never, PagerDutyConfig> = Layer.effect(
    Credentials,
    Effect.map(PagerDutyConfig, (config) => Credentials.fromConfig(config))
  )

  /**
   * Credentials for a scoped OAuth app (client-credentials grant). The first request obtains a token from
   * `<identityUrl>/oauth/token` (`identity.pagerduty.com`, or `identity.eu.pagerduty.com` with `region: "eu"`),
   * form-encoded `grant_type=client_credentials&client_id=…&client_secret=…&scope=…`, and caches it; a request after
   * `expiresAt − refreshMargin` obtains a new one first. When PagerDuty answers 401 to the cached token, it is
   * replaced and the request retried once. However many fibers need a token at once, one token request is sent.
   *
   * The token request goes through the same retries, timeout and logging as every request (`PagerDutyConfig`,
   * `RetryPolicy`). A failed one fails the REST call with a `PDHTTPError` whose `errors` holds PagerDuty's OAuth
   * error code (`invalid_client`, `invalid_scope`, …); it is not cached, so the next call tries again. A renewal
   * ahead of expiry that fails only logs a warning while the token in hand is still valid.
   *
   * @example
   * ```ts
   * import { FetchHttpClient } from "@effect/platform"
   * import { Layer, Redacted } from "effect"
   * import { Credentials, PagerDutyConfig, RestApi, RetryPolicy } from "effect-pagerduty"
   *
   * const RestLive = RestApi.layer.pipe(
   *   Layer.provide(
   *     Credentials.layerClientCredentials({
   *       clientId: "my-client-id",
   *       clientSecret: Redacted.make("my-secret"),
   *       scopes: "as_account-us.acme incidents.read users.read"
   *     })
   *   ),
   *   Layer.provideMerge(Layer.mergeAll(PagerDutyConfig.layer(), RetryPolicy.layer(), FetchHttpClient.layer))
   * )
   * ```
   *
   * @since 0.1.0
   */
  static layerClientCredentials(
    options: ClientCredentialsLayerOptions
  ): Layer.Layer<Credentials, ConfigError.ConfigError, PagerDutyConfig | RetryPolicy | HttpClient.HttpClient> {
    return Layer.scoped(
      Credentials,
      Effect.gen(function*() {
        const endpoint = yield* oauth.makeTokenEndpoint("Credentials.clientCredentials")
        const scopes = oauth.normalizeScopes(options.scopes)
        return yield* oauth.makeRefreshing({
          initial: undefined,
          margin: yield* durationOption("refreshMargin", options.refreshMargin ?? oauth.defaultRefreshMargin, {
            zero: true
          }),
          canRefresh: () => true,
          fetch: () => Effect.suspend(() => endpoint.request(oauth.clientCredentialsParams(options, scopes), scopes))
        })
      })
    )
  }

  /**
   * {@link Credentials.layerClientCredentials} from Effect's `Config`: `PAGERDUTY_CLIENT_ID`,
   * `PAGERDUTY_CLIENT_SECRET` and `PAGERDUTY_SCOPES` (separated by spaces or commas) unless given.
   *
   * @example
   * ```ts
   * import { Layer } from "effect"
   * import { Credentials, PagerDutyConfig, RestApi, RetryPolicy } from "effect-pagerduty"
   *
   * // PAGERDUTY_CLIENT_ID, PAGERDUTY_CLIENT_SECRET, PAGERDUTY_SCOPES and PAGERDUTY_REGION from the environment
   * const RestWithoutHttp = RestApi.layer.pipe(
   *   Layer.provide(Credentials.layerClientCredentialsConfig()),
   *   Layer.provideMerge(Layer.merge(PagerDutyConfig.layerConfig(), RetryPolicy.layer()))
   * )
   * ```
   *
   * @since 0.1.0
   */
  static layerClientCredentialsConfig(
    options: ClientCredentialsConfigOptions = {}
  ): Layer.Layer<Credentials, ConfigError.ConfigError, PagerDutyConfig | RetryPolicy | HttpClient.HttpClient> {
    return Layer.unwrapEffect(
      Effect.map(
        Config.all({
          clientId: options.clientId ?? Config.string("PAGERDUTY_CLIENT_ID"),
          clientSecret: options.clientSecret ?? Config.redacted("PAGERDUTY_CLIENT_SECRET"),
          scopes: options.scopes ?? Config.string("PAGERDUTY_SCOPES"),
          refreshMargin: options.refreshMargin ?? Config.succeed(oauth.defaultRefreshMargin)
        }),
        (resolved) => Credentials.layerClientCredentials(resolved)
      )
    )
  }

  /**
   * Credentials from a token the app already holds, typically a user's token from `OAuth.exchangeCode`. With a
   * refresh token, the token is renewed (`grant_type=refresh_token`) on its first use after
   * `expiresAt − refreshMargin`, and when PagerDuty answers 401 to it (the request is then retried once); one renewal
   * serves every fiber, and `onRefresh` sees each renewed token so the app can store it. Without a refresh token the
   * token is used as it is until PagerDuty rejects it.
   *
   * @example
   * ```ts
   * import { Effect, Layer } from "effect"
   * import { Credentials, OAuth, RestApi } from "effect-pagerduty"
   *
   * const forUser = (token: OAuth.OAuthToken) =>
   *   RestApi.layer.pipe(
   *     Layer.provide(
   *       Credentials.layerFromToken({
   *         clientId: "my-client-id",
   *         token,
   *         onRefresh: (renewed) => Effect.log(`store the renewed token; expires ${renewed.expiresAt}`)
   *       })
   *     )
   *   )
   * ```
   *
   * @since 0.1.0
   */
  static layerFromToken(
    options: FromTokenLayerOptions
  ): Layer.Layer<Credentials, ConfigError.ConfigError, PagerDutyConfig | RetryPolicy | HttpClient.HttpClient> {
    return Layer.scoped(
      Credentials,
      Effect.gen(function*() {
        const endpoint = yield* oauth.makeTokenEndpoint("Credentials.refreshToken")
        const onRefresh = options.onRefresh
        return yield* oauth.makeRefreshing({
          initial: options.token,
          margin: yield* durationOption("refreshMargin", options.refreshMargin ?? oauth.defaultRefreshMargin, {
            zero: true
          }),
          canRefresh: (current) => current !== undefined && Option.isSome(current.refreshToken),
          fetch: (current) =>
            Effect.gen(function*() {
              const held = current ?? options.token
              const refreshToken = Option.getOrElse(held.refreshToken, () => Redacted.make(""))
              const renewed = yield* endpoint.request(
                [
                  ["grant_type", "refresh_token"],
                  ...oauth.clientParams(options),
                  ["refresh_token", Redacted.value(refreshToken)]
                ],
                held.scopes
              )
              const token: OAuthToken = Option.isSome(renewed.refreshToken)
                ? renewed
                : { ...renewed, refreshToken: held.refreshToken }
              if (onRefresh !== undefined) yield* onRefresh(token)
              return token
            })
        })
      })
    )
  }
}
