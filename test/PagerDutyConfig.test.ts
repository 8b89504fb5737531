import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Duration, Effect, Exit, Layer, Option, Redacted } from "effect"
import { PagerDutyConfig, truncatedKey } from "effect-pagerduty"
import { readFileSync } from "node:fs"
import { version } from "../src/internal/version.js"

const fromEnv = (env: Record<string, string>) =>
  PagerDutyConfig.pipe(
    Effect.provide(
      PagerDutyConfig.layerConfig().pipe(
        Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))))
      )
    )
  )

describe("PagerDutyConfig", () => {
  it.effect("defaults: US hosts, token auth, 60 s timeout, effect-pagerduty user agent, nothing else set", () =>
    Effect.gen(function*() {
      const config = yield* Effect.provide(PagerDutyConfig, PagerDutyConfig.layer())
      assert.strictEqual(config.restUrl, "https://api.pagerduty.com")
      assert.strictEqual(config.eventsUrl, "https://events.pagerduty.com")
      assert.strictEqual(config.identityUrl, "https://identity.pagerduty.com")
      assert.strictEqual(config.authType, "token")
      assert.isTrue(Duration.equals(config.timeout, Duration.seconds(60)))
      assert.deepStrictEqual(config.userAgent, Option.some(`effect-pagerduty/${version}`))
      assert.isTrue(Option.isNone(config.apiKey))
      assert.isTrue(Option.isNone(config.routingKey))
      assert.isTrue(Option.isNone(config.defaultFrom))
    }))

  it.effect("region eu gives the EU hosts; explicit URLs win and lose their trailing slash", () =>
    Effect.gen(function*() {
      const eu = yield* Effect.provide(PagerDutyConfig, PagerDutyConfig.layer({ region: "eu" }))
      assert.strictEqual(eu.restUrl, "https://api.eu.pagerduty.com")
      assert.strictEqual(eu.eventsUrl, "https://events.eu.pagerduty.com")
      assert.strictEqual(eu.identityUrl, "https://identity.eu.pagerduty.com")
      const custom = yield* Effect.provide(
        PagerDutyConfig,
        PagerDutyConfig.layer({ region: "eu", restUrl: "http://127.0.0.1:8080/", eventsUrl: "http://127.0.0.1:8081" })
      )
      assert.strictEqual(custom.restUrl, "http://127.0.0.1:8080")
      assert.strictEqual(custom.eventsUrl, "http://127.0.0.1:8081")
    }))

  it.effect("wraps plain-string secrets in Redacted, so they never print", () =>
    Effect.gen(function*() {
      const config = yield* Effect.provide(
        PagerDutyConfig,
        PagerDutyConfig.layer({ apiKey: "secret-api-key", routingKey: "secret-routing-key" })
      )
      assert.strictEqual(Redacted.value(Option.getOrThrow(config.apiKey)), "secret-api-key")
      assert.notInclude(String(config.apiKey), "secret-api-key")
      assert.notInclude(JSON.stringify(config), "secret-api-key")
      assert.notInclude(JSON.stringify(config), "secret-routing-key")
    }))

  it.effect("rejects a base URL that is not http(s)", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(Effect.provide(PagerDutyConfig, PagerDutyConfig.layer({ restUrl: "ftp://x" })))
      assert.isTrue(Exit.isFailure(exit))
    }))

  it.effect("layerConfig reads the PAGERDUTY_* variables", () =>
    Effect.gen(function*() {
      const config = yield* fromEnv({
        PAGERDUTY_API_KEY: "env-key",
        PAGERDUTY_AUTH_TYPE: "bearer",
        PAGERDUTY_FROM: "oncall@example.com",
        PAGERDUTY_ROUTING_KEY: "R0123456789abcdef0123456789abcde",
        PAGERDUTY_REGION: "eu",
        PAGERDUTY_EVENTS_URL: "http://127.0.0.1:9000",
        PAGERDUTY_TIMEOUT: "5 seconds"
      })
      assert.strictEqual(Redacted.value(Option.getOrThrow(config.apiKey)), "env-key")
      assert.strictEqual(config.authType, "bearer")
      assert.deepStrictEqual(config.defaultFrom, Option.some("oncall@example.com"))
      assert.isTrue(Option.isSome(config.routingKey))
      assert.strictEqual(config.region, "eu")
      assert.strictEqual(config.restUrl, "https://api.eu.pagerduty.com")
      assert.strictEqual(config.eventsUrl, "http://127.0.0.1:9000")
      assert.isTrue(Duration.equals(config.timeout, Duration.seconds(5)))
    }))

  it.effect("layerConfig needs nothing: an events-only or REST-only user sets only what they use", () =>
    Effect.gen(function*() {
      const config = yield* fromEnv({})
      assert.isTrue(Option.isNone(config.apiKey))
      assert.strictEqual(config.region, "us")
    }))

  it.effect("layerConfig rejects an unknown region or auth type", () =>
    Effect.gen(function*() {
      assert.isTrue(Exit.isFailure(yield* Effect.exit(fromEnv({ PAGERDUTY_REGION: "apac" }))))
      assert.isTrue(Exit.isFailure(yield* Effect.exit(fromEnv({ PAGERDUTY_AUTH_TYPE: "basic" }))))
    }))

  it("the user agent's version is package.json's", () => {
    const pkg: unknown = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"))
    assert.strictEqual((pkg as { version: string }).version, version)
  })
})

describe("truncatedKey", () => {
  it("shows only the last four characters", () => {
    assert.strictEqual(truncatedKey("abcd1234"), "*1234")
    assert.strictEqual(truncatedKey(Redacted.make("token")), "*oken")
  })
})
