/**
 * Issue 11, item 11: every invalid option of `PagerDutyConfig` and `RetryPolicy` is a typed `ConfigError` when the
 * layer is built, naming the option and what is allowed: never a coercion, a defect or a synchronous throw, and never
 * the credential's value in the message.
 */
import { HttpClient } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Cause, ConfigError, ConfigProvider, Duration, Effect, Exit, Layer, Option, Redacted } from "effect"
import { Schedule } from "effect"
import type { PagerDutyConfigOptions, RetryInput, RetryPolicyOptions } from "effect-pagerduty"
import { Credentials, PagerDutyConfig, PDClientError, RestApi, RetryPolicy } from "effect-pagerduty"
import { credentialProblem, durationProblem, integerProblem } from "../src/internal/configValidation.js"
import { headersProblem, headerValueProblem } from "../src/internal/headerValidation.js"
import { json, scripted } from "./support/scriptedClient.js"

const KEY = "u+Zz9secretKeyValue42"

const noClient = HttpClient.make((request) => Effect.die(`no request expected: ${request.url}`))

/** Builds the layer and returns its typed failure (a defect or a success fails the test). */
const buildFailure = <A, E>(layer: Layer.Layer<A, E>) =>
  Effect.gen(function*() {
    const exit = yield* Effect.exit(Effect.scoped(Layer.build(layer)))
    if (Exit.isSuccess(exit)) return assert.fail("the layer was built: the invalid option was accepted") as never
    const failure = Cause.failureOption(exit.cause)
    if (Option.isNone(failure)) return assert.fail(`not a typed failure: ${Cause.pretty(exit.cause)}`) as never
    return { error: failure.value, pretty: Cause.pretty(exit.cause) }
  })

const paths = (error: ConfigError.ConfigError): Array<string> =>
  ConfigError.reduceWithContext(error, undefined, {
    andCase: (_, left, right) => [...left, ...right],
    orCase: (_, left, right) => [...left, ...right],
    invalidDataCase: (_, path) => [path.join(".")],
    missingDataCase: (_, path) => [path.join(".")],
    sourceUnavailableCase: (_, path) => [path.join(".")],
    unsupportedCase: (_, path) => [path.join(".")]
  })

// Options a TypeScript caller cannot write but a JavaScript caller, a cast or a JSON file can.
const unchecked = <A>(value: unknown): A => value as A

const configCases: ReadonlyArray<readonly [string, PagerDutyConfigOptions, string, string]> = [
  ["a negative timeout", { timeout: -1 }, "timeout", "greater than 0"],
  ["a zero timeout", { timeout: 0 }, "timeout", "greater than 0"],
  ["a NaN timeout", { timeout: NaN }, "timeout", "NaN"],
  ["an infinite timeout", { timeout: Duration.infinity }, "timeout", "infinite"],
  ["timeout \"abc\"", { timeout: unchecked("abc") }, "timeout", "30 seconds"],
  ["timeout \"-5 seconds\"", { timeout: "-5 seconds" as Duration.DurationInput }, "timeout", "greater than 0"],
  ["a whitespace-only key", { apiKey: "   " }, "apiKey", "blank"],
  ["a whitespace-only Redacted key", { apiKey: Redacted.make("\t ") }, "apiKey", "blank"],
  ["a non-string key", { apiKey: unchecked(12345) }, "apiKey", "must be a string"],
  ["a Redacted non-string key", { apiKey: unchecked(Redacted.make(42)) }, "apiKey", "must be a string"],
  ["a key with a trailing newline", { apiKey: `${KEY}\n` }, "apiKey", "whitespace"],
  ["a key with a NUL", { apiKey: `${KEY}\u0000x` }, "apiKey", "NUL"],
  ["a key with an inner newline", { apiKey: `${KEY}\nX-Injected: 1` }, "apiKey", "line break"],
  ["a non-string routing key", { routingKey: unchecked(42) }, "routingKey", "must be a string"],
  ["a blank routing key", { routingKey: " " }, "routingKey", "blank"],
  ["a user agent with CR LF", { userAgent: "agent\r\nX-Injected: 1" }, "userAgent", "line break"],
  ["a user agent above U+00FF", { userAgent: "agent €" }, "userAgent", "Latin-1"],
  ["a From with a newline", { defaultFrom: "ann@example.com\nBcc: x" }, "defaultFrom", "line break"],
  ["a non-boolean debug", { debug: unchecked("yes") }, "debug", "true or false"],
  ["a non-string restUrl", { restUrl: unchecked(8080) }, "restUrl", "URL"]
]

describe("PagerDutyConfig.layer validates every option when built", () => {
  for (const [what, options, option, allowed] of configCases) {
    it.effect(`${what}: a ConfigError naming ${option}`, () =>
      Effect.gen(function*() {
        const { error, pretty } = yield* buildFailure(PagerDutyConfig.layer(options))
        assert.isTrue(ConfigError.isConfigError(error))
        assert.deepStrictEqual(paths(error), [option])
        assert.include(pretty, option)
        assert.include(pretty, allowed)
        assert.notInclude(pretty, KEY)
      }))
  }

  it.effect("reports every invalid option at once", () =>
    Effect.gen(function*() {
      const { error } = yield* buildFailure(PagerDutyConfig.layer({ timeout: -1, apiKey: " ", userAgent: "a\nb" }))
      assert.sameMembers(paths(error), ["apiKey", "userAgent", "timeout"])
    }))

  it.effect("layerConfig: a blank PAGERDUTY_API_KEY and a negative PAGERDUTY_TIMEOUT fail the layer", () =>
    Effect.gen(function*() {
      const env = new Map([["PAGERDUTY_API_KEY", "  "], ["PAGERDUTY_TIMEOUT", "-5 seconds"]])
      const { error } = yield* buildFailure(
        PagerDutyConfig.layerConfig().pipe(Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(env))))
      )
      assert.sameMembers(paths(error), ["apiKey", "timeout"])
    }))

  it.effect("valid edge values are kept as given: an empty key is no key, 1 ms timeout, Latin-1 user agent", () =>
    Effect.gen(function*() {
      const config = yield* Effect.provide(
        PagerDutyConfig,
        PagerDutyConfig.layer({ apiKey: "", timeout: 1, userAgent: "agent café\t1.0", defaultFrom: " a@b.c " })
      )
      assert.isTrue(Option.isNone(config.apiKey))
      assert.strictEqual(Duration.toMillis(config.timeout), 1)
      assert.deepStrictEqual(config.userAgent, Option.some("agent café\t1.0"))
      assert.deepStrictEqual(config.defaultFrom, Option.some("a@b.c"))
    }))
})

const retryCases: ReadonlyArray<readonly [string, RetryPolicyOptions, string, string]> = [
  ["maxHttpAttempts: 0", { maxHttpAttempts: 0 }, "maxHttpAttempts", "1 or more"],
  ["maxHttpAttempts: -1", { maxHttpAttempts: -1 }, "maxHttpAttempts", "1 or more"],
  ["maxHttpAttempts: 2.5", { maxHttpAttempts: 2.5 }, "maxHttpAttempts", "integer"],
  ["maxHttpAttempts: NaN", { maxHttpAttempts: NaN }, "maxHttpAttempts", "integer"],
  ["maxNetworkAttempts: -1", { maxNetworkAttempts: -1 }, "maxNetworkAttempts", "0 or more"],
  ["maxNetworkAttempts: Infinity", { maxNetworkAttempts: Infinity }, "maxNetworkAttempts", "integer"],
  ["sleepTimer: \"abc\"", { sleepTimer: unchecked("abc") }, "sleepTimer", "30 seconds"],
  ["sleepTimer: -5", { sleepTimer: -5 }, "sleepTimer", "0 or more"],
  ["sleepTimerBase: 0.5", { sleepTimerBase: 0.5 }, "sleepTimerBase", "1 or more"],
  ["sleepTimerBase: NaN", { sleepTimerBase: NaN }, "sleepTimerBase", "1 or more"],
  ["staggerCooldown: 2", { staggerCooldown: 2 }, "staggerCooldown", "from 0 to 1"],
  ["staggerCooldown: -0.1", { staggerCooldown: -0.1 }, "staggerCooldown", "from 0 to 1"],
  ["maxWait: \"soon\"", { maxWait: unchecked("soon") }, "maxWait", "duration"],
  ["retry: { 503: -2 }", { retry: { 503: -2 } }, "retry.503", "-1"],
  ["retry: { 503: 1.5 }", { retry: { 503: 1.5 } }, "retry.503", "integer"],
  ["retry: { abc: 1 }", { retry: unchecked({ abc: 1 }) }, "retry.abc", "HTTP status codes"],
  ["eventsRetry: { 999: 1 }", { eventsRetry: { 999: 1 } }, "eventsRetry.999", "HTTP status codes"],
  ["schedule: \"x\"", { schedule: unchecked("x") }, "schedule", "Schedule"]
]

describe("RetryPolicy.layer validates every option when built", () => {
  for (const [what, options, option, allowed] of retryCases) {
    it.effect(`${what}: a ConfigError naming ${option}`, () =>
      Effect.gen(function*() {
        const { error, pretty } = yield* buildFailure(RetryPolicy.layer(options))
        assert.isTrue(ConfigError.isConfigError(error))
        assert.deepStrictEqual(paths(error), [option])
        assert.include(pretty, allowed)
      }))
  }

  it.effect("valid edge values are kept as given (no coercion)", () =>
    Effect.gen(function*() {
      const schedule: Schedule.Schedule<unknown, RetryInput> = Schedule.recurs(2)
      const policy = yield* Effect.provide(
        RetryPolicy,
        RetryPolicy.layer({
          maxHttpAttempts: 1,
          maxNetworkAttempts: 0,
          sleepTimer: 0,
          sleepTimerBase: 1,
          staggerCooldown: 1,
          maxWait: "0 millis",
          retry: { 500: -1, 503: 0 },
          schedule
        })
      )
      assert.strictEqual(policy.maxHttpAttempts, 1)
      assert.strictEqual(policy.maxNetworkAttempts, 0)
      assert.strictEqual(Duration.toMillis(policy.sleepTimer), 0)
      assert.strictEqual(policy.staggerCooldown, 1)
      assert.strictEqual(policy.retry.get(500), -1)
      assert.strictEqual(policy.schedule, schedule)
    }))
})

describe("the pure rules", () => {
  it("headers: what every HTTP client layer accepts", () => {
    assert.isUndefined(headerValueProblem("from", "ann@example.com"))
    assert.isUndefined(headerValueProblem("user-agent", "café\tbar"))
    for (const value of ["a\nb", "a\rb", "a\u0000b", "a\u0001b", "a\u007fb", "a€b"]) {
      const problem = headerValueProblem("x-note", value)
      assert.isDefined(problem)
      assert.notInclude(problem?.description ?? "", value)
    }
    assert.strictEqual(
      headerValueProblem("x-count", unchecked(5))?.description,
      "the x-count header value must be a string"
    )
    assert.strictEqual(headersProblem({ "x ok": "1" })?.header, "\"x ok\"")
    assert.isUndefined(headersProblem({ "x-ok": "1", accept: "application/json" }))
  })

  it("options: durations, integers and credentials", () => {
    assert.isUndefined(durationProblem("timeout", "5 seconds", 5000, { zero: false }))
    assert.isDefined(durationProblem("timeout", 0, 0, { zero: false }))
    assert.isUndefined(durationProblem("sleepTimer", 0, 0, { zero: true }))
    assert.isDefined(durationProblem("timeout", "abc", undefined, { zero: false }))
    assert.isUndefined(integerProblem("maxHttpAttempts", 1, 1, "an integer of 1 or more"))
    assert.isDefined(integerProblem("maxHttpAttempts", "3", 1, "an integer of 1 or more"))
    assert.isUndefined(credentialProblem("apiKey", "", { header: true }))
    assert.isUndefined(credentialProblem("apiKey", KEY, { header: true }))
    assert.notInclude(credentialProblem("apiKey", `${KEY}\n`, { header: true })?.message ?? "", KEY)
  })
})

describe("the other duration options", () => {
  it.effect("Credentials: an invalid refreshMargin fails the layer with a ConfigError, not a defect", () =>
    Effect.gen(function*() {
      for (const refreshMargin of [unchecked<Duration.DurationInput>("abc"), -1, NaN]) {
        const { error, pretty } = yield* buildFailure(
          Credentials.layerClientCredentials({
            clientId: "app",
            clientSecret: KEY,
            scopes: "users.read",
            refreshMargin
          })
            .pipe(
              Layer.provide([
                PagerDutyConfig.layer(),
                RetryPolicy.layer(),
                Layer.succeed(HttpClient.HttpClient, noClient)
              ])
            )
        )
        assert.deepStrictEqual(paths(error), ["refreshMargin"])
        assert.notInclude(pretty, KEY)
      }
    }))

  it.effect("a request's own invalid timeout is an InvalidInput error naming it; nothing is sent", () =>
    Effect.gen(function*() {
      const fake = yield* scripted(() => json(200, { users: [] }))
      const api = yield* Effect.provide(
        RestApi,
        RestApi.layer.pipe(Layer.provide([PagerDutyConfig.layer({ apiKey: KEY }), RetryPolicy.layer(), fake.layer]))
      ).pipe(Effect.orDie)
      for (const timeout of [unchecked<Duration.DurationInput>("abc"), -1, 0, NaN]) {
        const error = yield* Effect.flip(api.jget("/users", { timeout }))
        assert.instanceOf(error, PDClientError)
        assert.strictEqual(error.reason, "InvalidInput")
        assert.strictEqual(error.field, "timeout")
      }
      assert.lengthOf(yield* fake.requests, 0)
    }))
})
