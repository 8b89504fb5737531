import { HttpBody, HttpClient } from "@effect/platform"
import { assert, describe, expect, it } from "@effect/vitest"
import { DateTime, Effect, Fiber, Layer, Option, Redacted, TestClock } from "effect"
import { Credentials } from "../src/Credentials.js"
import type { FakeOAuthOptions, FakePagerDutyOptions } from "../src/FakePagerDuty.js"
import { FakePagerDuty } from "../src/FakePagerDuty.js"
import * as OAuth from "../src/OAuth.js"
import { PagerDutyConfig } from "../src/PagerDutyConfig.js"
import type { PagerDutyConfigOptions } from "../src/PagerDutyConfig.js"
import { PDHTTPError } from "../src/PagerDutyError.js"
import { RestApi } from "../src/RestApi.js"
import { RetryPolicy } from "../src/RetryPolicy.js"

const secret = "s3cret-app-SECRET"
const userSecret = "user-app-SECRET"
const redirectUri = "https://app.example.com/callback"

const oauth: FakeOAuthOptions = {
  clients: [
    { clientId: "app", clientSecret: secret, scopes: ["as_account-us.acme", "users.read"] },
    { clientId: "user-app", clientSecret: userSecret, redirectUris: [redirectUri] }
  ],
  expiresIn: "1 hour"
}

/** Only the tokens the fake issued are accepted (`apiKeys: []`). */
const fakeOptions: FakePagerDutyOptions = {
  apiKeys: [],
  oauth,
  seed: { users: [{ name: "Ada", email: "ada@example.com" }] }
}

/** The default `apiKeys` (any credential): the identity service still refuses the tokens it issued that expired or were revoked. */
const anyCredential: FakePagerDutyOptions = { ...fakeOptions, apiKeys: undefined }

const config = (options: PagerDutyConfigOptions = {}) =>
  Layer.mergeAll(PagerDutyConfig.layer(options), RetryPolicy.layer())

/** `RestApi` with app tokens (client credentials) from the fake's identity service, and the fake. */
const appRest = (clientSecret: string, options: FakePagerDutyOptions = fakeOptions) =>
  RestApi.layer.pipe(
    Layer.provide(
      Credentials.layerClientCredentials({
        clientId: "app",
        clientSecret: Redacted.make(clientSecret),
        scopes: "as_account-us.acme users.read"
      })
    ),
    Layer.provide(config()),
    Layer.provideMerge(FakePagerDuty.layer(options))
  )

/** `RestApi` with a static credential (no renewal), over the fake already in context. */
const staticRestOver = (options: PagerDutyConfigOptions) => RestApi.layer.pipe(Layer.provideMerge(config(options)))

/** `RestApi` with a static credential, and the fake. */
const staticRest = (options: PagerDutyConfigOptions, fake: FakePagerDutyOptions = fakeOptions) =>
  staticRestOver(options).pipe(Layer.provideMerge(FakePagerDuty.layer(fake)))

const userNames = (body: unknown) => {
  assert(typeof body === "object" && body !== null && "users" in body && Array.isArray(body.users))
  return body.users.map((user: { readonly name: string }) => user.name)
}

const listUsers = Effect.flatMap(RestApi, (api) => api.jget("/users"))

/** The REST requests in the fake's request log. */
const restRequests = FakePagerDuty.pipe(
  Effect.flatMap((fake) => fake.requests),
  Effect.map((log) => log.filter((request) => request.path === "/users"))
)

/** A user's consent through `/oauth/authorize` (with PKCE) and the code exchange, on the fake. */
const userToken = Effect.gen(function*() {
  const client = yield* HttpClient.HttpClient
  const pkce = yield* OAuth.makePkce
  const consent = yield* client.get(
    OAuth.authorizeUrl({ clientId: "user-app", redirectUri, scopes: "read", codeChallenge: pkce.challenge })
  )
  expect(consent.status).toBe(302)
  const code = new URL(consent.headers.location).searchParams.get("code")
  assert(code !== null)
  const token = yield* OAuth.exchangeCode({ clientId: "user-app", code, redirectUri, codeVerifier: pkce.verifier })
  return { token, code, verifier: Redacted.value(pkce.verifier) }
})

describe("FakePagerDuty's OAuth identity service, end to end", () => {
  it.effect("client credentials: RestApi lists users with a token the fake issued", () =>
    Effect.gen(function*() {
      const fake = yield* FakePagerDuty
      expect(userNames(yield* listUsers)).toEqual(["Ada"])
      expect(userNames(yield* listUsers)).toEqual(["Ada"])
      expect(yield* fake.oauthTokenRequests).toBe(1)
      const log = yield* fake.requests
      expect(log.map((request) => `${request.method} ${request.url}`)).toEqual([
        "POST https://identity.pagerduty.com/oauth/token",
        "GET https://api.pagerduty.com/users",
        "GET https://api.pagerduty.com/users"
      ])
      expect(log[1].headers.authorization).toBe("Bearer <redacted>")
    }).pipe(Effect.provide(appRest(secret))))

  it.effect("the app's token in the EU region, from identity.eu.pagerduty.com", () =>
    Effect.gen(function*() {
      const fake = yield* FakePagerDuty
      expect(userNames(yield* listUsers)).toEqual(["Ada"])
      expect((yield* fake.requests).map((request) => request.url)).toEqual([
        "https://identity.eu.pagerduty.com/oauth/token",
        "https://api.eu.pagerduty.com/users"
      ])
    }).pipe(
      Effect.provide(
        RestApi.layer.pipe(
          Layer.provide(
            Credentials.layerClientCredentials({ clientId: "app", clientSecret: secret, scopes: "users.read" })
          ),
          Layer.provide(config({ region: "eu" })),
          Layer.provideMerge(FakePagerDuty.layer(fakeOptions))
        )
      )
    ))

  it.effect("renews before expiry: one token request for 50 concurrent calls; revoked tokens: 401, renewal, success", () =>
    Effect.gen(function*() {
      const fake = yield* FakePagerDuty
      yield* listUsers
      yield* TestClock.adjust("56 minutes") // inside the 5-minute margin before expiry
      const fifty = yield* Effect.fork(Effect.all(Array.from({ length: 50 }, () => listUsers), { concurrency: 50 }))
      const bodies = yield* Fiber.join(fifty)
      expect(bodies.map(userNames)).toEqual(Array.from({ length: 50 }, () => ["Ada"]))
      expect(yield* fake.oauthTokenRequests).toBe(2)
      expect(yield* restRequests).toHaveLength(51)

      yield* fake.revokeOAuthTokens
      expect(userNames(yield* listUsers)).toEqual(["Ada"])
      expect(yield* fake.oauthTokenRequests).toBe(3)
      expect(yield* restRequests).toHaveLength(53) // the rejected call and its retry
      yield* listUsers
      expect(yield* fake.oauthTokenRequests).toBe(3)
    }).pipe(Effect.provide(appRest(secret, anyCredential))))

  it.effect("a token the fake considers expired is 401; the user's refresh token renews it and the call succeeds", () =>
    Effect.gen(function*() {
      const fake = yield* FakePagerDuty
      const { token } = yield* userToken
      assert(Option.isSome(token.refreshToken))
      expect(DateTime.toEpochMillis(token.expiresAt)).toBe(3600_000)
      // The client believes its token lives a day: only the fake's 401 tells it otherwise.
      const believed: OAuth.OAuthToken = { ...token, expiresAt: DateTime.unsafeMake(24 * 3600_000) }
      const renewed: Array<OAuth.OAuthToken> = []
      const layer = RestApi.layer.pipe(
        Layer.provide(
          Credentials.layerFromToken({
            clientId: "user-app",
            token: believed,
            onRefresh: (fresh) => Effect.sync(() => renewed.push(fresh))
          })
        ),
        Layer.provide(config())
      )
      yield* Effect.gen(function*() {
        expect(userNames(yield* listUsers)).toEqual(["Ada"])
        yield* TestClock.adjust("1 hour")
        expect(userNames(yield* listUsers)).toEqual(["Ada"])
      }).pipe(Effect.provide(layer))
      expect(yield* fake.oauthTokenRequests).toBe(2) // the code exchange, the refresh after the 401
      expect(yield* restRequests).toHaveLength(3)
      expect(renewed).toHaveLength(1)
      expect(DateTime.toEpochMillis(renewed[0].expiresAt)).toBe(2 * 3600_000)
      const refresh = (yield* fake.requests).filter((request) => request.path === "/oauth/token")[1]
      expect(refresh.body).toBe("grant_type=refresh_token&client_id=user-app&refresh_token=%3Credacted%3E")
    }).pipe(Effect.provide(Layer.merge(config(), FakePagerDuty.layer(anyCredential)))))

  it.effect("an issued token is refused once expired even when any credential is accepted", () =>
    Effect.gen(function*() {
      const token = yield* OAuth.clientCredentialsToken({ clientId: "app", clientSecret: secret, scopes: "users.read" })
      const withToken = staticRestOver({ apiKey: token.accessToken, authType: "bearer" })
      yield* listUsers.pipe(Effect.provide(withToken))
      yield* TestClock.adjust("1 hour")
      const error = yield* Effect.flip(listUsers.pipe(Effect.provide(withToken)))
      assert(error instanceof PDHTTPError)
      expect(error.status).toBe(401)
      // Not one the fake issued: the `apiKeys` rule (here: every credential) decides.
      yield* listUsers.pipe(Effect.provide(staticRestOver({ apiKey: "fake_at_unknown", authType: "bearer" })))
    }).pipe(Effect.provide(Layer.merge(config(), FakePagerDuty.layer(anyCredential)))))

  it.effect("with apiKeys: [], a bearer token the fake did not issue is 401, an API key in the list is accepted", () =>
    Effect.gen(function*() {
      const unknown = yield* Effect.flip(
        listUsers.pipe(Effect.provide(staticRest({ apiKey: "fake_at_unknown", authType: "bearer" })))
      )
      assert(unknown instanceof PDHTTPError)
      expect(unknown.status).toBe(401)
      const listed = yield* listUsers.pipe(
        Effect.provide(staticRest({ apiKey: "key-1" }, { ...fakeOptions, apiKeys: ["key-1"] }))
      )
      expect(userNames(listed)).toEqual(["Ada"])
    }))

  it.effect("a bad client secret: a typed error naming invalid_client, and no REST request", () =>
    Effect.gen(function*() {
      const fake = yield* FakePagerDuty
      const error = yield* Effect.flip(listUsers)
      assert(error instanceof PDHTTPError)
      expect(error.status).toBe(401)
      expect(error.url).toBe("https://identity.pagerduty.com/oauth/token")
      expect(error.errors).toEqual(["invalid_client"])
      expect(error.message).toContain("invalid_client")
      expect(JSON.stringify(error)).not.toContain("nope-WRONG")
      expect(yield* restRequests).toHaveLength(0)
      expect(yield* fake.oauthTokenRequests).toBe(1)
    }).pipe(Effect.provide(appRest("nope-WRONG"))))

  it.effect("the request log never holds a client secret, code, verifier, refresh token or access token", () =>
    Effect.gen(function*() {
      const fake = yield* FakePagerDuty
      yield* listUsers
      const user = yield* userToken.pipe(Effect.provide(config()))
      assert(Option.isSome(user.token.refreshToken))
      const renewed = yield* OAuth.refreshToken({
        clientId: "user-app",
        clientSecret: userSecret,
        refreshToken: user.token.refreshToken.value
      }).pipe(Effect.provide(config()))
      yield* Effect.flip(
        OAuth.clientCredentialsToken({ clientId: "app", clientSecret: "WRONG-secret", scopes: "users.read" }).pipe(
          Effect.provide(config())
        )
      )

      const log = yield* fake.requests
      const tokenRequests = log.filter((request) => request.path === "/oauth/token")
      expect(tokenRequests).toHaveLength(4)
      expect(tokenRequests.map((request) => request.body)).toEqual([
        "grant_type=client_credentials&client_id=app&client_secret=%3Credacted%3E" +
        "&scope=as_account-us.acme+users.read",
        "grant_type=authorization_code&client_id=user-app&code=%3Credacted%3E" +
        "&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback&code_verifier=%3Credacted%3E",
        "grant_type=refresh_token&client_id=user-app&client_secret=%3Credacted%3E&refresh_token=%3Credacted%3E",
        "grant_type=client_credentials&client_id=app&client_secret=%3Credacted%3E&scope=users.read"
      ])
      const text = JSON.stringify(log)
      for (
        const value of [
          secret,
          userSecret,
          "WRONG-secret",
          user.code,
          user.verifier,
          Redacted.value(user.token.accessToken),
          Redacted.value(user.token.refreshToken.value),
          Redacted.value(renewed.accessToken)
        ]
      ) {
        expect(text).not.toContain(value)
      }
    }).pipe(Effect.provide(appRest(secret))))

  it.effect("a token request sent as JSON is logged with the same fields redacted", () =>
    Effect.gen(function*() {
      const fake = yield* FakePagerDuty
      const client = yield* HttpClient.HttpClient
      const response = yield* client.post("https://identity.pagerduty.com/oauth/token", {
        body: HttpBody.unsafeJson({ grant_type: "client_credentials", client_id: "app", client_secret: secret })
      })
      expect(response.status).toBe(400)
      expect((yield* fake.requests)[0].body).toEqual({
        grant_type: "client_credentials",
        client_id: "app",
        client_secret: "<redacted>"
      })
    }).pipe(Effect.provide(FakePagerDuty.layer(fakeOptions))))

  it.effect("registerOAuthClient adds an app; reset forgets tokens and clients added since", () =>
    Effect.gen(function*() {
      const fake = yield* FakePagerDuty
      const request = OAuth.clientCredentialsToken({
        clientId: "late",
        clientSecret: "late-secret",
        scopes: "users.read"
      })
      const unknown = yield* Effect.flip(request)
      assert(unknown instanceof PDHTTPError)
      expect(unknown.errors).toEqual(["invalid_client"])

      yield* fake.registerOAuthClient({ clientId: "late", clientSecret: "late-secret" })
      const token = yield* request
      const withToken = staticRestOver({ apiKey: token.accessToken, authType: "bearer" })
      expect(userNames(yield* listUsers.pipe(Effect.provide(withToken)))).toEqual(["Ada"])
      expect(yield* fake.oauthTokenRequests).toBe(2)

      yield* fake.reset
      expect(yield* fake.oauthTokenRequests).toBe(0)
      const forgotten = yield* Effect.flip(listUsers.pipe(Effect.provide(withToken)))
      assert(forgotten instanceof PDHTTPError)
      expect(forgotten.status).toBe(401)
      const gone = yield* Effect.flip(request)
      assert(gone instanceof PDHTTPError)
      expect(gone.errors).toEqual(["invalid_client"])
      // The clients of the options stay registered.
      yield* OAuth.clientCredentialsToken({ clientId: "app", clientSecret: secret, scopes: "users.read" })
    }).pipe(Effect.provide(Layer.merge(config(), FakePagerDuty.layer(fakeOptions)))))
})
