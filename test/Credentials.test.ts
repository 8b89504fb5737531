import { HttpClient } from "@effect/platform"
import { assert, describe, expect, it } from "@effect/vitest"
import { Cause, Clock, ConfigProvider, DateTime, Effect, Exit, Fiber, Layer, Option, Redacted, TestClock } from "effect"
import { Credentials } from "../src/Credentials.js"
import * as OAuth from "../src/OAuth.js"
import { PagerDutyConfig } from "../src/PagerDutyConfig.js"
import type { PagerDutyConfigOptions } from "../src/PagerDutyConfig.js"
import { PDHTTPError } from "../src/PagerDutyError.js"
import { RestApi } from "../src/RestApi.js"
import { RetryPolicy } from "../src/RetryPolicy.js"
import type { Harness } from "./support/oauthHarness.js"
import { appClient, captureLogs, makeHarness, secret, userClient } from "./support/oauthHarness.js"

const scopes = ["as_account-us.acme", "incidents.read", "users.read"]

const base = (harness: Harness, config: PagerDutyConfigOptions = {}) =>
  Layer.mergeAll(PagerDutyConfig.layer({ debug: true, ...config }), RetryPolicy.layer(), harness.layer)

const restWith = <E>(
  harness: Harness,
  credentials: Layer.Layer<Credentials, E, PagerDutyConfig | RetryPolicy | HttpClient.HttpClient>,
  config: PagerDutyConfigOptions = {}
) => RestApi.layer.pipe(Layer.provide(credentials), Layer.provide(base(harness, config)))

const clientCredentials = (harness: Harness, config: PagerDutyConfigOptions = {}, clientSecret = secret) =>
  restWith(
    harness,
    Credentials.layerClientCredentials({
      clientId: appClient.clientId,
      clientSecret: Redacted.make(clientSecret),
      scopes
    }),
    config
  )

const listUsers = Effect.flatMap(RestApi, (api) => api.jget("/users"))

const bearerOf = (request: { readonly headers: Readonly<Record<string, string>> }) => request.headers.authorization

/** What the fake answers to `GET /users` when it has no users. */
const noUsers = { users: [], limit: 25, offset: 0, more: false, total: null }

describe("Credentials.layerClientCredentials", () => {
  it.effect("obtains a token once, caches it and sends it as a bearer token", () =>
    Effect.gen(function*() {
      const harness = yield* makeHarness()
      yield* Effect.gen(function*() {
        yield* listUsers
        yield* listUsers
        yield* listUsers
      }).pipe(Effect.provide(clientCredentials(harness)))
      expect(harness.tokenRequests()).toHaveLength(1)
      const rest = harness.restRequests()
      expect(rest).toHaveLength(3)
      const issued = harness.issuedTokens()
      expect(issued).toHaveLength(1)
      for (const request of rest) expect(bearerOf(request)).toBe(`Bearer ${issued[0]}`)
    }))

  it.effect("sends the documented form to the identity service, without an Authorization header", () =>
    Effect.gen(function*() {
      const harness = yield* makeHarness()
      yield* listUsers.pipe(Effect.provide(clientCredentials(harness)))
      const [token] = harness.tokenRequests()
      expect(token.method).toBe("POST")
      expect(token.url).toBe("https://identity.pagerduty.com/oauth/token")
      expect(token.headers["content-type"]).toBe("application/x-www-form-urlencoded")
      expect(token.headers.authorization).toBeUndefined()
      expect(token.body).toBe(
        `grant_type=client_credentials&client_id=app-client&client_secret=${secret}` +
          "&scope=as_account-us.acme+incidents.read+users.read"
      )
      expect(harness.restRequests()[0].url).toBe("https://api.pagerduty.com/users")
    }))

  it.effect("uses identity.eu.pagerduty.com in the EU region", () =>
    Effect.gen(function*() {
      const harness = yield* makeHarness()
      yield* listUsers.pipe(Effect.provide(clientCredentials(harness, { region: "eu" })))
      expect(harness.tokenRequests().map((r) => r.url)).toEqual(["https://identity.eu.pagerduty.com/oauth/token"])
      expect(harness.restRequests().map((r) => r.url)).toEqual(["https://api.eu.pagerduty.com/users"])
    }))

  it.effect("renews the token before it expires (expires_in − margin), by the clock", () =>
    Effect.gen(function*() {
      const harness = yield* makeHarness({ expiresIn: "1 hour" })
      yield* Effect.gen(function*() {
        yield* listUsers
        yield* TestClock.adjust("3299 seconds") // 1 s before expires_in − 5 min
        yield* listUsers
        expect(harness.tokenRequests()).toHaveLength(1)
        yield* TestClock.adjust("2 seconds")
        yield* listUsers
        expect(harness.tokenRequests()).toHaveLength(2)
      }).pipe(Effect.provide(clientCredentials(harness)))
      const [first, second] = harness.issuedTokens()
      const bearers = harness.restRequests().map(bearerOf)
      expect(bearers).toEqual([`Bearer ${first}`, `Bearer ${first}`, `Bearer ${second}`])
      // The old token was still valid when it was replaced: renewed before expiry, not after a 401.
      expect(yield* Clock.currentTimeMillis).toBe(3301_000)
      expect(yield* harness.accepts(`Bearer ${first}`)).toBe(true)
      for (const request of harness.restRequests()) expect(yield* harness.accepts(bearerOf(request))).toBe(true)
    }))

  it.effect("honours a custom refresh margin, capped at half the token's lifetime", () =>
    Effect.gen(function*() {
      const harness = yield* makeHarness({ expiresIn: "10 minutes" })
      const layer = restWith(
        harness,
        Credentials.layerClientCredentials({
          clientId: appClient.clientId,
          clientSecret: secret,
          scopes,
          refreshMargin: "1 hour"
        })
      )
      yield* Effect.gen(function*() {
        yield* listUsers
        yield* TestClock.adjust("299 seconds")
        yield* listUsers
        expect(harness.tokenRequests()).toHaveLength(1)
        yield* TestClock.adjust("1 second")
        yield* listUsers
        expect(harness.tokenRequests()).toHaveLength(2)
      }).pipe(Effect.provide(layer))
    }))

  it.effect("a failed early renewal keeps using the token until it expires, then fails", () =>
    Effect.gen(function*() {
      const harness = yield* makeHarness({ expiresIn: "1 hour" })
      const logs = captureLogs()
      const exit = yield* Effect.gen(function*() {
        yield* listUsers
        yield* TestClock.adjust("3400 seconds") // inside the margin, not expired
        yield* harness.replyToTokenRequests(503, {
          error: "temporarily_unavailable",
          error_description: "Try again later."
        })
        yield* listUsers
        expect(harness.tokenRequests()).toHaveLength(2)
        yield* TestClock.adjust("200 seconds") // expired
        return yield* Effect.exit(listUsers)
      }).pipe(Effect.provide(clientCredentials(harness)), Effect.provide(logs.layer))
      expect(harness.restRequests()).toHaveLength(2)
      expect(logs.lines.some((line) => line.includes("renewal failed") && line.includes("temporarily_unavailable")))
        .toBe(true)
      assert(Exit.isFailure(exit))
      const error = Cause.failureOption(exit.cause)
      assert(Option.isSome(error) && error.value instanceof PDHTTPError)
      expect(error.value.status).toBe(503)
      expect(error.value.errors).toEqual(["temporarily_unavailable"])
    }))

  it.effect("sends one token request for 50 concurrent requests, first and at renewal", () =>
    Effect.gen(function*() {
      const harness = yield* makeHarness({ expiresIn: "1 hour", tokenLatency: "1 second" })
      const fifty = Effect.all(Array.from({ length: 50 }, () => listUsers), { concurrency: "unbounded" })
      yield* Effect.gen(function*() {
        const first = yield* Effect.fork(fifty)
        yield* TestClock.adjust("1 second")
        yield* Fiber.join(first)
        expect(harness.tokenRequests()).toHaveLength(1)
        expect(harness.restRequests()).toHaveLength(50)

        yield* TestClock.adjust("1 hour")
        const second = yield* Effect.fork(fifty)
        yield* TestClock.adjust("1 second")
        yield* Fiber.join(second)
        expect(harness.tokenRequests()).toHaveLength(2)
        expect(harness.restRequests()).toHaveLength(100)
      }).pipe(Effect.provide(clientCredentials(harness)))
      const [firstToken, secondToken] = harness.issuedTokens()
      const bearers = harness.restRequests().map(bearerOf)
      expect(new Set(bearers.slice(0, 50))).toEqual(new Set([`Bearer ${firstToken}`]))
      expect(new Set(bearers.slice(50))).toEqual(new Set([`Bearer ${secondToken}`]))
    }))

  it.effect("on a 401 to the cached token: one renewal, one retry, success", () =>
    Effect.gen(function*() {
      const harness = yield* makeHarness()
      yield* Effect.gen(function*() {
        yield* listUsers
        yield* harness.fake.revokeOAuthTokens
        const result = yield* listUsers
        expect(result).toEqual(noUsers)
        yield* listUsers
      }).pipe(Effect.provide(clientCredentials(harness)))
      const [first, second] = harness.issuedTokens()
      expect(harness.tokenRequests()).toHaveLength(2)
      expect(harness.restRequests().map(bearerOf)).toEqual([
        `Bearer ${first}`,
        `Bearer ${first}`, // 401
        `Bearer ${second}`, // the retry
        `Bearer ${second}` // cached
      ])
    }))

  it.effect("renews once for 50 concurrent requests rejected with 401", () =>
    Effect.gen(function*() {
      const harness = yield* makeHarness({ tokenLatency: "1 second" })
      yield* Effect.gen(function*() {
        const warm = yield* Effect.fork(listUsers)
        yield* TestClock.adjust("1 second")
        yield* Fiber.join(warm)
        yield* harness.fake.revokeOAuthTokens
        const fiber = yield* Effect.fork(
          Effect.all(Array.from({ length: 50 }, () => listUsers), { concurrency: "unbounded" })
        )
        yield* TestClock.adjust("1 second")
        yield* Fiber.join(fiber)
      }).pipe(Effect.provide(clientCredentials(harness)))
      expect(harness.tokenRequests()).toHaveLength(2)
      expect(harness.restRequests()).toHaveLength(101)
    }))

  it.effect("a 401 after the renewal fails the call: exactly one renewal and one retry", () =>
    Effect.gen(function*() {
      const harness = yield* makeHarness()
      const exit = yield* Effect.gen(function*() {
        yield* listUsers
        yield* harness.rejectRest
        return yield* Effect.exit(listUsers)
      }).pipe(Effect.provide(clientCredentials(harness)))
      assert(Exit.isFailure(exit))
      const error = Cause.failureOption(exit.cause)
      assert(Option.isSome(error) && error.value instanceof PDHTTPError)
      expect(error.value.status).toBe(401)
      expect(harness.tokenRequests()).toHaveLength(2)
      expect(harness.restRequests()).toHaveLength(3)
    }))

  it.effect("bad client credentials: a typed error naming invalid_client, no secret anywhere", () =>
    Effect.gen(function*() {
      const harness = yield* makeHarness()
      const wrong = "WRONG-secret-do-not-leak"
      const logs = captureLogs()
      const exit = yield* Effect.gen(function*() {
        const first = yield* Effect.exit(listUsers)
        yield* Effect.exit(listUsers)
        return first
      }).pipe(Effect.provide(clientCredentials(harness, {}, wrong)), Effect.provide(logs.layer))
      assert(Exit.isFailure(exit))
      const failure = Cause.failureOption(exit.cause)
      assert(Option.isSome(failure) && failure.value instanceof PDHTTPError)
      const error = failure.value
      expect(error.status).toBe(401)
      expect(error.url).toBe("https://identity.pagerduty.com/oauth/token")
      expect(error.errors).toEqual(["invalid_client"])
      expect(error.errorMessage).toBe("Client authentication failed.")
      expect(error.message).toContain("invalid_client")
      for (const text of [JSON.stringify(error), error.message, Cause.pretty(exit.cause), ...logs.lines]) {
        expect(text).not.toContain(wrong)
        expect(text).not.toContain(secret)
      }
      expect(logs.lines.length).toBeGreaterThan(0)
      // A failure is not cached: the next call asks again.
      expect(harness.tokenRequests()).toHaveLength(2)
      expect(harness.restRequests()).toHaveLength(0)
    }))

  it.effect("a scope the app may not request: a typed error naming invalid_scope", () =>
    Effect.gen(function*() {
      const harness = yield* makeHarness()
      const layer = restWith(
        harness,
        Credentials.layerClientCredentials({ clientId: appClient.clientId, clientSecret: secret, scopes: "write" })
      )
      const error = yield* Effect.flip(listUsers.pipe(Effect.provide(layer)))
      assert(error instanceof PDHTTPError)
      expect(error.status).toBe(400)
      expect(error.errors).toEqual(["invalid_scope"])
      expect(JSON.stringify(error)).not.toContain(secret)
    }))

  it.effect("no token, code or secret in logs on success either", () =>
    Effect.gen(function*() {
      const harness = yield* makeHarness()
      const logs = captureLogs()
      yield* listUsers.pipe(Effect.provide(clientCredentials(harness)), Effect.provide(logs.layer))
      const [token] = harness.issuedTokens()
      expect(logs.lines.length).toBeGreaterThan(0)
      for (const line of logs.lines) {
        expect(line).not.toContain(secret)
        expect(line).not.toContain(token)
      }
    }))
})

describe("Credentials.layerClientCredentialsConfig", () => {
  it.effect("reads PAGERDUTY_CLIENT_ID, PAGERDUTY_CLIENT_SECRET and PAGERDUTY_SCOPES (spaces or commas)", () =>
    Effect.gen(function*() {
      const harness = yield* makeHarness()
      const provider = ConfigProvider.fromMap(
        new Map([
          ["PAGERDUTY_CLIENT_ID", "app-client"],
          ["PAGERDUTY_CLIENT_SECRET", secret],
          ["PAGERDUTY_SCOPES", "as_account-us.acme, incidents.read,users.read"]
        ])
      )
      yield* listUsers.pipe(
        Effect.provide(restWith(harness, Credentials.layerClientCredentialsConfig())),
        Effect.withConfigProvider(provider)
      )
      expect(harness.tokenRequests()[0].body).toBe(
        `grant_type=client_credentials&client_id=app-client&client_secret=${secret}` +
          "&scope=as_account-us.acme+incidents.read+users.read"
      )
      expect(harness.restRequests()).toHaveLength(1)
    }))

  it.effect("a missing variable is a ConfigError naming it", () =>
    Effect.gen(function*() {
      const harness = yield* makeHarness()
      const provider = ConfigProvider.fromMap(new Map([["PAGERDUTY_CLIENT_SECRET", secret]]))
      const error = yield* Effect.flip(
        listUsers.pipe(
          Effect.provide(restWith(harness, Credentials.layerClientCredentialsConfig())),
          Effect.withConfigProvider(provider)
        )
      )
      expect(String(error)).toContain("PAGERDUTY_CLIENT_ID")
      expect(String(error)).not.toContain(secret)
    }))
})

describe("Credentials.layerFromToken", () => {
  /** A user's token: consent at `/oauth/authorize` (no PKCE), then the code exchange. */
  const userToken = (harness: Harness) =>
    Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      const consent = yield* client.get(OAuth.authorizeUrl({
        clientId: userClient.clientId,
        redirectUri: "https://app.example.com/callback",
        scopes: ["read"]
      }))
      expect(consent.status).toBe(302)
      const code = new URL(consent.headers.location).searchParams.get("code")
      assert(code !== null)
      return yield* OAuth.exchangeCode({
        clientId: userClient.clientId,
        clientSecret: userClient.clientSecret,
        code,
        redirectUri: "https://app.example.com/callback"
      })
    }).pipe(Effect.provide(base(harness)))

  it.effect("renews a user's token with its refresh token before expiry and reports it", () =>
    Effect.gen(function*() {
      const harness = yield* makeHarness({ expiresIn: "1 hour" })
      const token = yield* userToken(harness)
      const renewed: Array<OAuth.OAuthToken> = []
      const layer = restWith(
        harness,
        Credentials.layerFromToken({
          clientId: userClient.clientId,
          clientSecret: userClient.clientSecret,
          token,
          onRefresh: (t) => Effect.sync(() => renewed.push(t))
        })
      )
      yield* Effect.gen(function*() {
        yield* listUsers
        yield* TestClock.adjust("56 minutes")
        yield* listUsers
        yield* listUsers
      }).pipe(Effect.provide(layer))
      expect(harness.tokenRequests()).toHaveLength(2) // the code exchange, one refresh
      expect(harness.tokenRequests()[1].body).toBe(
        `grant_type=refresh_token&client_id=user-client&client_secret=user-client-secret&refresh_token=${
          Redacted.value(Option.getOrThrow(token.refreshToken))
        }`
      )
      expect(renewed).toHaveLength(1)
      const [fresh] = renewed
      expect(harness.restRequests().map(bearerOf)).toEqual([
        `Bearer ${Redacted.value(token.accessToken)}`,
        `Bearer ${Redacted.value(fresh.accessToken)}`,
        `Bearer ${Redacted.value(fresh.accessToken)}`
      ])
      expect(DateTime.toEpochMillis(fresh.expiresAt)).toBe((56 * 60 + 3600) * 1000)
      // The fake rotates refresh tokens: the renewed token carries the new one.
      expect(Option.map(fresh.refreshToken, Redacted.value)).not.toEqual(Option.map(token.refreshToken, Redacted.value))
    }))

  it.effect("renews on a 401 and retries once", () =>
    Effect.gen(function*() {
      const harness = yield* makeHarness()
      const token = yield* userToken(harness)
      yield* harness.fake.revokeOAuthTokens
      const layer = restWith(
        harness,
        Credentials.layerFromToken({ clientId: userClient.clientId, clientSecret: userClient.clientSecret, token })
      )
      const result = yield* listUsers.pipe(Effect.provide(layer))
      expect(result).toEqual(noUsers)
      expect(harness.restRequests()).toHaveLength(2)
      expect(harness.tokenRequests()).toHaveLength(2)
    }))

  it.effect("without a refresh token, a 401 is returned as it is (nothing to renew with)", () =>
    Effect.gen(function*() {
      const harness = yield* makeHarness()
      const token: OAuth.OAuthToken = {
        accessToken: Redacted.make("not-issued"),
        tokenType: "bearer",
        expiresAt: DateTime.unsafeMake(0),
        scopes: [],
        refreshToken: Option.none()
      }
      const layer = restWith(harness, Credentials.layerFromToken({ clientId: userClient.clientId, token }))
      const error = yield* Effect.flip(listUsers.pipe(Effect.provide(layer)))
      assert(error instanceof PDHTTPError)
      expect(error.status).toBe(401)
      expect(harness.tokenRequests()).toHaveLength(0)
      expect(harness.restRequests().map(bearerOf)).toEqual(["Bearer not-issued"])
    }))
})
