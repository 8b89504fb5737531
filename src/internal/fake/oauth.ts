/**
 * PagerDuty's identity service, as the fake serves it: `POST /oauth/token` (client credentials, authorization code
 * with or without PKCE, refresh token), `GET /oauth/authorize` (consent is granted at once: a redirect with a code),
 * and the check the REST API makes of a `Bearer` token the fake issued (expired or revoked: 401).
 *
 * Tokens expire `expiresIn` after they are issued, by the caller's clock (`now`), so `TestClock` drives expiry.
 * State is mutated synchronously once a request is decided, so every request sees and leaves a consistent state.
 * The state lives in `EngineState.oauth`; `oauthPlugin` (engine.ts) serves the routes, the REST check and the
 * request-log redaction.
 *
 * @internal
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Encoding from "effect/Encoding"
import type { FakeOAuthClient, FakeOAuthOptions, FakeResponse } from "../../FakePagerDuty.js"

/** An access token the fake issued. @internal */
export interface IssuedToken {
  readonly accessToken: string
  readonly clientId: string
  readonly grantType: string
  readonly scopes: ReadonlyArray<string>
  readonly issuedAt: number
  readonly expiresAt: number
  revoked: boolean
}

interface PendingCode {
  readonly clientId: string
  readonly redirectUri: string
  readonly scopes: ReadonlyArray<string>
  readonly codeChallenge: string | undefined
  readonly expiresAt: number
}

interface Grant {
  readonly clientId: string
  readonly scopes: ReadonlyArray<string>
  /** Obtained with PKCE: refreshing it needs no client secret. */
  readonly pkce: boolean
}

/** How long an authorization code can be exchanged. @internal */
export const CODE_LIFETIME_MILLIS = 10 * 60 * 1000

const lifetimeSeconds = (options: FakeOAuthOptions | undefined): number =>
  options?.expiresIn === undefined
    ? 3600
    : Math.max(0, Math.round(Duration.toSeconds(Duration.decode(options.expiresIn))))

/** @internal */
export class FakeOAuth {
  readonly clients = new Map<string, FakeOAuthClient>()
  readonly expiresInSeconds: number
  /** Requests to `/oauth/token`, whatever their outcome. */
  tokenRequests = 0
  /** Access tokens issued, by value. */
  readonly issued = new Map<string, IssuedToken>()
  private readonly refreshTokens = new Map<string, Grant>()
  private readonly codes = new Map<string, PendingCode>()
  private counter = 0

  constructor(private readonly options?: FakeOAuthOptions | undefined) {
    this.expiresInSeconds = lifetimeSeconds(options)
    this.registerInitialClients()
  }

  private registerInitialClients(): void {
    for (const client of this.options?.clients ?? []) this.clients.set(client.clientId, client)
  }

  registerClient(client: FakeOAuthClient): void {
    this.clients.set(client.clientId, client)
  }

  /**
   * Whether any app is accepted: no `oauth.clients` option and none registered (the same default as `apiKeys`:
   * absent, everything is accepted). An unknown app is then taken as registered with the secret it sends (a public
   * client when it sends none), every scope and every redirect URI.
   */
  get open(): boolean {
    return this.options?.clients === undefined && this.clients.size === 0
  }

  /** The client with an id: a registered one, or in open mode one made up from the request. */
  clientFor(clientId: string, secret: string | null): FakeOAuthClient | undefined {
    const registered = this.clients.get(clientId)
    if (registered !== undefined || !this.open) return registered
    return secret === null ? { clientId } : { clientId, clientSecret: secret }
  }

  /** Every access token issued so far is rejected from now on (a revoked app, a rotated secret). */
  revokeAll(): void {
    for (const token of this.issued.values()) token.revoked = true
  }

  /**
   * Back to the options: forgets tokens, codes and counters, and the clients registered since (the clients of the
   * options stay registered).
   */
  reset(): void {
    this.clients.clear()
    this.registerInitialClients()
    this.issued.clear()
    this.refreshTokens.clear()
    this.codes.clear()
    this.counter = 0
    this.tokenRequests = 0
  }

  private nextSecret(prefix: string): string {
    const n = ++this.counter
    return `${prefix}_${n.toString(16).padStart(8, "0")}${((n * 2654435761) >>> 0).toString(16).padStart(8, "0")}`
  }

  /** Issues an authorization code, as `/oauth/authorize` does once the user consents. */
  issueCode(
    code: Omit<PendingCode, "expiresAt">,
    now: number
  ): string {
    const value = this.nextSecret("fake_code")
    this.codes.set(value, { ...code, expiresAt: now + CODE_LIFETIME_MILLIS })
    return value
  }

  /** Takes a code (a code is good for one exchange). */
  takeCode(code: string): PendingCode | undefined {
    const pending = this.codes.get(code)
    this.codes.delete(code)
    return pending
  }

  /** The grant of a refresh token. */
  refreshGrant(refreshToken: string): Grant | undefined {
    return this.refreshTokens.get(refreshToken)
  }

  /** Refresh tokens rotate: each is good for one refresh. */
  dropRefreshToken(refreshToken: string): void {
    this.refreshTokens.delete(refreshToken)
  }

  issueToken(
    grant: Grant & { readonly grantType: string },
    withRefreshToken: boolean,
    now: number
  ): { readonly token: IssuedToken; readonly refreshToken: string | undefined } {
    const token: IssuedToken = {
      accessToken: this.nextSecret("fake_at"),
      clientId: grant.clientId,
      grantType: grant.grantType,
      scopes: grant.scopes,
      issuedAt: now,
      expiresAt: now + this.expiresInSeconds * 1000,
      revoked: false
    }
    this.issued.set(token.accessToken, token)
    let refreshToken: string | undefined
    if (withRefreshToken) {
      refreshToken = this.nextSecret("fake_rt")
      this.refreshTokens.set(refreshToken, { clientId: grant.clientId, scopes: grant.scopes, pkce: grant.pkce })
    }
    return { token, refreshToken }
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Replies
// ---------------------------------------------------------------------------------------------------------------------

/** What the handlers read of a request (the engine's `ParsedRequest` has all of it). @internal */
export interface OAuthRequest {
  readonly method: string
  readonly url: string
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>
  readonly bodyText: string
}

const json = (status: number, body: unknown): FakeResponse => ({
  _tag: "Response",
  status,
  headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", pragma: "no-cache" },
  body: JSON.stringify(body)
})

/** An RFC 6749 §5.2 error: `{"error":"invalid_client","error_description":"..."}`. @internal */
export const oauthError = (status: number, error: string, description: string): FakeResponse =>
  json(status, { error, error_description: description })

const invalidClient = () => oauthError(401, "invalid_client", "Client authentication failed.")

const splitScopes = (scope: string | null): Array<string> =>
  scope === null ? [] : scope.split(/\s+/).filter((s) => s.length > 0)

const hasOnly = (client: FakeOAuthClient, scopes: ReadonlyArray<string>): boolean => {
  const allowed = client.scopes
  return allowed === undefined || scopes.every((scope) => allowed.includes(scope))
}

const s256 = (verifier: string): Effect.Effect<string | undefined> =>
  Effect.tryPromise(() => globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))).pipe(
    Effect.map((digest) => Encoding.encodeBase64Url(new Uint8Array(digest))),
    Effect.orElseSucceed(() => undefined)
  )

// ---------------------------------------------------------------------------------------------------------------------
// POST /oauth/token
// ---------------------------------------------------------------------------------------------------------------------

/**
 * Serves `POST /oauth/token` (form-encoded). Client authentication is by `client_id` and `client_secret` in the
 * body: an unknown client or a wrong secret is 401 `invalid_client`. Grants: `client_credentials` (confidential
 * clients; `scope` required), `authorization_code` (one use, same `redirect_uri`, PKCE S256 checked when the
 * authorize request had a challenge; the secret may then be left out), `refresh_token` (rotated). Other failures are
 * 400 with `invalid_request`, `invalid_grant`, `invalid_scope` or `unsupported_grant_type`.
 *
 * @internal
 */
export const handleOAuthToken = (
  oauth: FakeOAuth,
  request: OAuthRequest,
  now: number
): Effect.Effect<FakeResponse> => {
  oauth.tokenRequests += 1
  const contentType = request.headers["content-type"] ?? ""
  if (!contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    return Effect.succeed(
      oauthError(400, "invalid_request", "The request body must be application/x-www-form-urlencoded.")
    )
  }
  const form = new URLSearchParams(request.bodyText)
  const verifier = form.get("code_verifier")
  // The only asynchronous step (Web Crypto) comes first, so that the state changes below happen in one go.
  return Effect.map(
    verifier === null ? Effect.succeed(undefined) : s256(verifier),
    (challenge) => decideToken(oauth, form, challenge, now)
  )
}

const decideToken = (
  oauth: FakeOAuth,
  form: URLSearchParams,
  verifierChallenge: string | undefined,
  now: number
): FakeResponse => {
  const clientId = form.get("client_id")
  const secret = form.get("client_secret")
  const grantType = form.get("grant_type")
  if (clientId === null || clientId === "") return oauthError(400, "invalid_request", "client_id is required.")
  const client = oauth.clientFor(clientId, secret)
  if (client === undefined) return invalidClient()
  if (secret !== null && secret !== client.clientSecret) return invalidClient()
  const authenticated = secret !== null && client.clientSecret !== undefined

  const issue = (scopes: ReadonlyArray<string>, withRefreshToken: boolean, pkce: boolean) => {
    const { refreshToken, token } = oauth.issueToken(
      { clientId, scopes, pkce, grantType: grantType ?? "" },
      withRefreshToken,
      now
    )
    return json(200, {
      access_token: token.accessToken,
      token_type: "bearer",
      expires_in: oauth.expiresInSeconds,
      scope: scopes.join(" "),
      ...(refreshToken !== undefined ? { refresh_token: refreshToken } : {})
    })
  }

  switch (grantType) {
    case "client_credentials": {
      if (!authenticated) return invalidClient()
      const scopes = splitScopes(form.get("scope"))
      if (scopes.length === 0) return oauthError(400, "invalid_scope", "scope is required.")
      if (!hasOnly(client, scopes)) {
        return oauthError(400, "invalid_scope", "The requested scope is invalid, unknown, or malformed.")
      }
      return issue(scopes, false, false)
    }
    case "authorization_code": {
      const code = form.get("code")
      if (code === null || code === "") return oauthError(400, "invalid_request", "code is required.")
      const pending = oauth.takeCode(code)
      const invalidGrant = () =>
        oauthError(400, "invalid_grant", "The authorization code is invalid, expired, or was issued to another client.")
      if (pending === undefined || pending.clientId !== clientId || now >= pending.expiresAt) return invalidGrant()
      if (form.get("redirect_uri") !== pending.redirectUri) return invalidGrant()
      if (pending.codeChallenge !== undefined) {
        if (verifierChallenge === undefined || verifierChallenge !== pending.codeChallenge) {
          return oauthError(400, "invalid_grant", "The code_verifier does not match the code_challenge.")
        }
      } else if (!authenticated) {
        return invalidClient()
      }
      return issue(pending.scopes, true, pending.codeChallenge !== undefined)
    }
    case "refresh_token": {
      const refreshToken = form.get("refresh_token")
      if (refreshToken === null || refreshToken === "") {
        return oauthError(400, "invalid_request", "refresh_token is required.")
      }
      const grant = oauth.refreshGrant(refreshToken)
      if (grant === undefined || grant.clientId !== clientId) {
        return oauthError(
          400,
          "invalid_grant",
          "The refresh token is invalid, revoked, or was issued to another client."
        )
      }
      // A confidential client authenticates, unless the grant was obtained with PKCE.
      if (client.clientSecret !== undefined && !authenticated && !grant.pkce) return invalidClient()
      oauth.dropRefreshToken(refreshToken)
      return issue(grant.scopes, true, grant.pkce)
    }
    case null:
      return oauthError(400, "invalid_request", "grant_type is required.")
    default:
      return oauthError(400, "unsupported_grant_type", `The grant type ${grantType} is not supported.`)
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// GET /oauth/authorize
// ---------------------------------------------------------------------------------------------------------------------

/**
 * Serves `GET /oauth/authorize`: the user consents at once and is redirected (302) to `redirect_uri` with `code`
 * (and `state`). An unknown client or an unregistered redirect URI is a 400 page (no redirect, as RFC 6749 requires);
 * other problems redirect with `error` (`unsupported_response_type`, `invalid_scope`, `invalid_request`).
 *
 * @internal
 */
export const handleOAuthAuthorize = (oauth: FakeOAuth, request: OAuthRequest, now: number): FakeResponse => {
  const queryStart = request.url.indexOf("?")
  const query = new URLSearchParams(queryStart === -1 ? "" : request.url.slice(queryStart + 1))
  const client = oauth.clientFor(query.get("client_id") ?? "", null)
  const redirectUri = query.get("redirect_uri")
  if (client === undefined) return oauthError(400, "invalid_client", "Unknown client_id.")
  if (redirectUri === null || (client.redirectUris !== undefined && !client.redirectUris.includes(redirectUri))) {
    return oauthError(400, "invalid_request", "redirect_uri is missing or not registered for this client.")
  }
  const state = query.get("state")
  const redirect = (params: ReadonlyArray<readonly [string, string]>): FakeResponse => {
    const all = state === null ? params : [...params, ["state", state] as const]
    const separator = redirectUri.includes("?") ? "&" : "?"
    const location = `${redirectUri}${separator}${new URLSearchParams(all.map(([k, v]) => [k, v])).toString()}`
    return { _tag: "Response", status: 302, headers: { location, "cache-control": "no-store" }, body: "" }
  }
  if (query.get("response_type") !== "code") return redirect([["error", "unsupported_response_type"]])
  const scopes = splitScopes(query.get("scope"))
  if (!hasOnly(client, scopes)) return redirect([["error", "invalid_scope"]])
  const challenge = query.get("code_challenge")
  const method = query.get("code_challenge_method")
  if (challenge !== null && method !== "S256") {
    return redirect([["error", "invalid_request"], ["error_description", "code_challenge_method must be S256"]])
  }
  const code = oauth.issueCode(
    { clientId: client.clientId, redirectUri, scopes, codeChallenge: challenge ?? undefined },
    now
  )
  return redirect([["code", code]])
}

// ---------------------------------------------------------------------------------------------------------------------
// The request log
// ---------------------------------------------------------------------------------------------------------------------

const SECRET_FIELDS = new Set(["client_secret", "code", "code_verifier", "refresh_token"])

/**
 * A token request's form for the request log, with `client_secret`, `code`, `code_verifier` and `refresh_token`
 * replaced by `<redacted>` (`grant_type`, `client_id`, `scope` and `redirect_uri` stay readable).
 *
 * @internal
 */
export const redactOAuthForm = (bodyText: string): string => {
  const form = new URLSearchParams(bodyText)
  const out = new URLSearchParams()
  for (const [name, value] of form) out.append(name, SECRET_FIELDS.has(name) ? "<redacted>" : value)
  return out.toString()
}

/**
 * What the request log keeps of a token request's body (`parsed`: the JSON value, or the text when it is not JSON):
 * the form with its secrets redacted (see `redactOAuthForm`); for a JSON object (a client that sends JSON, which the
 * endpoint refuses), the object with the same fields redacted; any other JSON value, `<redacted>`.
 *
 * @internal
 */
export const redactTokenRequestBody = (bodyText: string, parsed: unknown): unknown => {
  if (parsed === undefined) return undefined
  if (parsed === bodyText) return redactOAuthForm(bodyText)
  if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
    const out: Record<string, unknown> = {}
    for (const [name, value] of Object.entries(parsed)) out[name] = SECRET_FIELDS.has(name) ? "<redacted>" : value
    return out
  }
  return "<redacted>"
}

// ---------------------------------------------------------------------------------------------------------------------
// Bearer tokens at the REST API
// ---------------------------------------------------------------------------------------------------------------------

/**
 * What the fake knows of an `Authorization` header: `Valid` (a live token it issued), `Expired` or `Revoked` (a token
 * it issued: answer 401), `NotIssued` (not a `Bearer` token, or one the fake did not issue: the usual API-key check
 * decides).
 *
 * @internal
 */
export type BearerCheck = "Valid" | "Expired" | "Revoked" | "NotIssued"

const BEARER = /^bearer\s+(\S+)\s*$/i

/** @internal */
export const checkBearer = (oauth: FakeOAuth, authorization: string | undefined, now: number): BearerCheck => {
  if (authorization === undefined || oauth.issued.size === 0) return "NotIssued"
  const match = BEARER.exec(authorization)
  const token = match === null ? undefined : oauth.issued.get(match[1])
  if (token === undefined) return "NotIssued"
  if (token.revoked) return "Revoked"
  return now >= token.expiresAt ? "Expired" : "Valid"
}
