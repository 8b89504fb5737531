import { HttpClient } from "@effect/platform"
import { assert, describe, expect, it } from "@effect/vitest"
import { DateTime, Effect, Layer, Option, Redacted, TestClock } from "effect"
import { createHash } from "node:crypto"
import * as OAuth from "../src/OAuth.js"
import { PagerDutyConfig } from "../src/PagerDutyConfig.js"
import type { PagerDutyConfigOptions } from "../src/PagerDutyConfig.js"
import { PDClientError, PDHTTPError } from "../src/PagerDutyError.js"
import { RetryPolicy } from "../src/RetryPolicy.js"
import type { Harness } from "./support/oauthHarness.js"
import { appClient, makeHarness, secret, userClient } from "./support/oauthHarness.js"

const base = (harness: Harness, config: PagerDutyConfigOptions = {}) =>
  Layer.mergeAll(PagerDutyConfig.layer(config), RetryPolicy.layer(), harness.layer)

const redirectUri = "https://app.example.com/callback"

describe("OAuth.authorizeUrl", () => {
  it("builds the documented URL, form-encoded in order", () => {
    expect(OAuth.authorizeUrl({ clientId: "my-client", redirectUri, scopes: ["openid", "write"] })).toBe(
      "https://identity.pagerduty.com/oauth/authorize?client_id=my-client" +
        "&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback&response_type=code&scope=openid+write"
    )
  })

  it("adds state and the PKCE challenge, and uses the EU identity service", () => {
    expect(
      OAuth.authorizeUrl({
        clientId: "my-client",
        redirectUri,
        scopes: "openid write",
        state: "af0ifjsldkj",
        codeChallenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        region: "eu"
      })
    ).toBe(
      "https://identity.eu.pagerduty.com/oauth/authorize?client_id=my-client" +
        "&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback&response_type=code&scope=openid+write" +
        "&state=af0ifjsldkj&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
    )
  })

  it("takes an identity URL override", () => {
    expect(
      OAuth.authorizeUrl({
        clientId: "c",
        redirectUri: "http://localhost:3000/cb",
        scopes: [],
        identityUrl: "http://127.0.0.1:4010/"
      })
    )
      .toBe(
        "http://127.0.0.1:4010/oauth/authorize?client_id=c&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcb" +
          "&response_type=code&scope="
      )
  })
})

describe("PKCE", () => {
  it.effect("the challenge of RFC 7636's example verifier", () =>
    Effect.gen(function*() {
      expect(yield* OAuth.pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe(
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
      )
    }))

  it.effect("makePkce: 32 random bytes as base64url, and its S256 challenge", () =>
    Effect.gen(function*() {
      const a = yield* OAuth.makePkce
      const b = yield* OAuth.makePkce
      const verifier = Redacted.value(a.verifier)
      expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(Buffer.from(verifier, "base64url")).toHaveLength(32)
      expect(a.challenge).toBe(createHash("sha256").update(verifier).digest("base64url"))
      expect(a.challenge).toBe(yield* OAuth.pkceChallenge(a.verifier))
      expect(Redacted.value(b.verifier)).not.toBe(verifier)
      expect(String(a.verifier)).not.toContain(verifier)
    }))
})

/** Follows the authorize URL on the fake (consent is immediate) and returns the redirect's query. */
const authorize = (url: string) =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    const response = yield* client.get(url)
    expect(response.status).toBe(302)
    const location = new URL(response.headers.location)
    expect(`${location.origin}${location.pathname}`).toBe(redirectUri)
    return location.searchParams
  })

describe("the authorization-code flow", () => {
  it.effect("authorize with PKCE, exchange the code, refresh the token", () =>
    Effect.gen(function*() {
      const harness = yield* makeHarness({ expiresIn: "2 hours" })
      yield* Effect.gen(function*() {
        yield* TestClock.adjust("1 minute")
        const pkce = yield* OAuth.makePkce
        const query = yield* authorize(OAuth.authorizeUrl({
          clientId: userClient.clientId,
          redirectUri,
          scopes: "read write",
          state: "xyz",
          codeChallenge: pkce.challenge
        }))
        expect(query.get("state")).toBe("xyz")
        const code = query.get("code")
        assert(code !== null)

        const token = yield* OAuth.exchangeCode({
          clientId: userClient.clientId,
          code,
          redirectUri,
          codeVerifier: pkce.verifier
        })
        expect(harness.tokenRequests()[0].body).toBe(
          `grant_type=authorization_code&client_id=user-client&code=${code}` +
            `&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback&code_verifier=${Redacted.value(pkce.verifier)}`
        )
        expect(token.tokenType).toBe("bearer")
        expect(token.scopes).toEqual(["read", "write"])
        expect(DateTime.toEpochMillis(token.expiresAt)).toBe(60_000 + 2 * 3600_000)
        assert(Option.isSome(token.refreshToken))
        expect(harness.issuedTokens()).toContain(Redacted.value(token.accessToken))
        expect(yield* harness.accepts(`Bearer ${Redacted.value(token.accessToken)}`)).toBe(true)

        yield* TestClock.adjust("1 hour")
        const renewed = yield* OAuth.refreshToken({
          clientId: userClient.clientId,
          refreshToken: token.refreshToken.value
        })
        expect(harness.tokenRequests()[1].body).toBe(
          `grant_type=refresh_token&client_id=user-client&refresh_token=${Redacted.value(token.refreshToken.value)}`
        )
        expect(DateTime.toEpochMillis(renewed.expiresAt)).toBe(60_000 + 3600_000 + 2 * 3600_000)
        expect(Redacted.value(renewed.accessToken)).not.toBe(Redacted.value(token.accessToken))
        expect(renewed.scopes).toEqual(["read", "write"])

        // Refresh tokens rotate on the fake: the old one is spent.
        const spent = yield* Effect.flip(
          OAuth.refreshToken({ clientId: userClient.clientId, refreshToken: token.refreshToken.value })
        )
        assert(spent instanceof PDHTTPError)
        expect(spent.status).toBe(400)
        expect(spent.errors).toEqual(["invalid_grant"])
        expect(JSON.stringify(spent)).not.toContain(Redacted.value(token.refreshToken.value))
      }).pipe(Effect.provide(base(harness)))
    }))

  it.effect("a wrong PKCE verifier is invalid_grant; a code is good once", () =>
    Effect.gen(function*() {
      const harness = yield* makeHarness()
      yield* Effect.gen(function*() {
        const pkce = yield* OAuth.makePkce
        const other = yield* OAuth.makePkce
        const url = OAuth.authorizeUrl({
          clientId: userClient.clientId,
          redirectUri,
          scopes: "read",
          codeChallenge: pkce.challenge
        })
        const first = (yield* authorize(url)).get("code") ?? ""
        const wrong = yield* Effect.flip(
          OAuth.exchangeCode({ clientId: userClient.clientId, code: first, redirectUri, codeVerifier: other.verifier })
        )
        assert(wrong instanceof PDHTTPError)
        expect(wrong.errors).toEqual(["invalid_grant"])
        expect(wrong.errorMessage).toBe("The code_verifier does not match the code_challenge.")
        const reused = yield* Effect.flip(
          OAuth.exchangeCode({ clientId: userClient.clientId, code: first, redirectUri, codeVerifier: pkce.verifier })
        )
        assert(reused instanceof PDHTTPError)
        expect(reused.errors).toEqual(["invalid_grant"])
      }).pipe(Effect.provide(base(harness)))
    }))

  it.effect("a confidential client without PKCE sends its secret and the scopes", () =>
    Effect.gen(function*() {
      const harness = yield* makeHarness()
      const token = yield* Effect.gen(function*() {
        const code =
          (yield* authorize(OAuth.authorizeUrl({ clientId: userClient.clientId, redirectUri, scopes: "read" })))
            .get("code") ?? ""
        return yield* OAuth.exchangeCode({
          clientId: userClient.clientId,
          clientSecret: Redacted.make("user-client-secret"),
          code,
          redirectUri,
          scopes: ["read"]
        })
      }).pipe(Effect.provide(base(harness)))
      expect(harness.tokenRequests()[0].body).toMatch(
        /^grant_type=authorization_code&client_id=user-client&client_secret=user-client-secret&code=fake_code_\w+&redirect_uri=https%3A%2F%2Fapp\.example\.com%2Fcallback&scope=read$/
      )
      expect(token.scopes).toEqual(["read"])
    }))
})

describe("OAuth.clientCredentialsToken", () => {
  it.effect("a one-off scoped app token, EU region", () =>
    Effect.gen(function*() {
      const harness = yield* makeHarness({ expiresIn: "1 hour" })
      const token = yield* OAuth.clientCredentialsToken({
        clientId: appClient.clientId,
        clientSecret: Redacted.make(secret),
        scopes: ["as_account-eu.acme", "incidents.read"]
      }).pipe(
        Effect.provide(base(harness, { region: "eu" })),
        Effect.flip
      )
      // The app may not request the EU account scope: invalid_scope, from the EU identity service.
      assert(token instanceof PDHTTPError)
      expect(token.url).toBe("https://identity.eu.pagerduty.com/oauth/token")
      expect(token.errors).toEqual(["invalid_scope"])
      const ok = yield* OAuth.clientCredentialsToken({
        clientId: appClient.clientId,
        clientSecret: secret,
        scopes: "as_account-us.acme incidents.read"
      }).pipe(Effect.provide(base(harness)))
      expect(ok.scopes).toEqual(["as_account-us.acme", "incidents.read"])
      expect(Option.isNone(ok.refreshToken)).toBe(true)
      expect(DateTime.toEpochMillis(ok.expiresAt)).toBe(3600_000)
    }))
})

describe("token responses PagerDuty should not send", () => {
  const leaky = "leaky-access-token-value"

  it.effect("a 200 without expires_in: UnexpectedShape, with neither the body nor the token", () =>
    Effect.gen(function*() {
      const harness = yield* makeHarness()
      yield* harness.replyToTokenRequests(200, { access_token: leaky, token_type: "bearer", expires_in: "soon" })
      const error = yield* Effect.flip(
        OAuth.clientCredentialsToken({ clientId: appClient.clientId, clientSecret: secret, scopes: "read" }).pipe(
          Effect.provide(base(harness))
        )
      )
      assert(error instanceof PDHTTPError)
      expect(error.reason).toBe("UnexpectedShape")
      expect(error.body).toBe("")
      expect(JSON.stringify(error)).not.toContain(leaky)
      expect(error.message).not.toContain(leaky)
    }))

  it.effect("a 200 that is not JSON: a Decode error without a body snippet", () =>
    Effect.gen(function*() {
      const harness = yield* makeHarness()
      yield* harness.replyToTokenRequests(200, `access_token=${leaky}`, { "content-type": "text/plain" })
      const error = yield* Effect.flip(
        OAuth.clientCredentialsToken({ clientId: appClient.clientId, clientSecret: secret, scopes: "read" }).pipe(
          Effect.provide(base(harness))
        )
      )
      assert(error instanceof PDClientError)
      expect(error.reason).toBe("Decode")
      expect(JSON.stringify(error)).not.toContain(leaky)
      expect(error.message).not.toContain(leaky)
    }))

  it.effect("an error body that is not OAuth's keeps PagerDuty's details", () =>
    Effect.gen(function*() {
      const harness = yield* makeHarness()
      yield* harness.replyToTokenRequests(403, { error: { message: "Forbidden", code: 2010 } })
      const error = yield* Effect.flip(
        OAuth.clientCredentialsToken({ clientId: appClient.clientId, clientSecret: secret, scopes: "read" }).pipe(
          Effect.provide(base(harness))
        )
      )
      assert(error instanceof PDHTTPError)
      expect(error.status).toBe(403)
      expect(error.code).toBe(2010)
      expect(error.errorMessage).toBe("Forbidden")
    }))
})
