import { assert, describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Logger, LogLevel, Option, Ref, TestClock } from "effect"
import type { PagerDutyConfigOptions, RetryPolicyOptions } from "effect-pagerduty"
import { PagerDutyConfig, PDClientError, PDHTTPError, RestApi, RetryPolicy } from "effect-pagerduty"
import { runToEnd } from "./support/clock.js"
import type { RecordedRequest, ScriptedReply } from "./support/scriptedClient.js"
import { json, scripted } from "./support/scriptedClient.js"

const KEY = "y_NbAkKc66ryYTWUXYEu"

const setup = (
  script: (request: RecordedRequest, index: number) => ScriptedReply | Effect.Effect<ScriptedReply>,
  config: PagerDutyConfigOptions = {},
  retry: RetryPolicyOptions = {}
) =>
  Effect.gen(function*() {
    const fake = yield* scripted(script)
    const api = yield* Effect.provide(
      RestApi,
      RestApi.layer.pipe(
        Layer.provide([PagerDutyConfig.layer({ apiKey: KEY, ...config }), RetryPolicy.layer(retry), fake.layer])
      )
    ).pipe(Effect.orDie)
    return { api, requests: fake.requests }
  })

const ok = (body: object = { users: [] }) => json(200, body)

describe("RestApi request path", () => {
  describe("headers", () => {
    it.effect("sends Accept, token Authorization and User-Agent; no Content-Type without a body", () =>
      Effect.gen(function*() {
        const { api, requests } = yield* setup(() => ok())
        yield* api.jget("/users")
        const [request] = yield* requests
        assert.strictEqual(request.method, "GET")
        assert.strictEqual(request.headers["accept"], "application/vnd.pagerduty+json;version=2")
        assert.strictEqual(request.headers["authorization"], `Token token=${KEY}`)
        assert.strictEqual(request.headers["user-agent"], "effect-pagerduty/0.1.0")
        assert.isUndefined(request.headers["content-type"])
        assert.isUndefined(request.headers["from"])
      }))

    it.effect("sends Bearer for the oauth2 and bearer auth types", () =>
      Effect.gen(function*() {
        for (const authType of ["oauth2", "bearer"] as const) {
          const { api, requests } = yield* setup(() => ok(), { authType })
          yield* api.jget("/users")
          const [request] = yield* requests
          assert.strictEqual(request.headers["authorization"], `Bearer ${KEY}`)
        }
      }))

    it.effect("sends Content-Type and the JSON body with a body, and From from defaultFrom", () =>
      Effect.gen(function*() {
        const { api, requests } = yield* setup(() => json(201, { user: { id: "P1" } }), {
          defaultFrom: "oncall@example.com"
        })
        yield* api.jpost("/users", { json: { user: { name: "Ann" } } })
        const [request] = yield* requests
        assert.strictEqual(request.headers["content-type"], "application/json")
        assert.strictEqual(request.headers["from"], "oncall@example.com")
        assert.deepStrictEqual(JSON.parse(request.body ?? ""), { user: { name: "Ann" } })
      }))

    it.effect("merges the request's headers last: its From wins over defaultFrom", () =>
      Effect.gen(function*() {
        const { api, requests } = yield* setup(() => ok(), { defaultFrom: "default@example.com" })
        yield* api.jget("/users", { headers: { From: "me@example.com", "X-Custom": "1" } })
        const [request] = yield* requests
        assert.strictEqual(request.headers["from"], "me@example.com")
        assert.strictEqual(request.headers["x-custom"], "1")
      }))

    it.effect("sends no User-Agent when it is set to null", () =>
      Effect.gen(function*() {
        const { api, requests } = yield* setup(() => ok(), { userAgent: null })
        yield* api.jget("/users")
        const [request] = yield* requests
        assert.isUndefined(request.headers["user-agent"])
      }))

    it.effect("fails with a Config error and sends nothing when no API key is configured", () =>
      Effect.gen(function*() {
        const { api, requests } = yield* setup(() => ok(), { apiKey: undefined })
        const error = yield* Effect.flip(api.jget("/users"))
        assert.instanceOf(error, PDClientError)
        assert.strictEqual(error._tag === "PDClientError" && error.reason, "Config")
        assert.include(error.message, "PAGERDUTY_API_KEY")
        assert.lengthOf(yield* requests, 0)
      }))
  })

  describe("URLs", () => {
    it.effect("accepts a path with or without the leading slash, a full URL and an entity with self", () =>
      Effect.gen(function*() {
        const { api, requests } = yield* setup(() => ok({ user: {} }))
        yield* api.jget("users/P1")
        yield* api.jget("/users/P1")
        yield* api.jget("https://api.pagerduty.com/users/P1")
        yield* api.jget({ self: "https://api.pagerduty.com/users/P1" })
        const urls = (yield* requests).map((request) => request.url.href)
        assert.deepStrictEqual(urls, Array(4).fill("https://api.pagerduty.com/users/P1"))
      }))

    it.effect("refuses URLs on any other origin before sending a byte", () =>
      Effect.gen(function*() {
        const { api, requests } = yield* setup(() => ok())
        for (
          const url of [
            "https://api.pagerduty.com.evil.com/users",
            "http://api.pagerduty.com/users",
            "https://api.pagerduty.com:8443/users",
            "https://events.pagerduty.com/v2/enqueue",
            "https://some.shady-site.com/users"
          ]
        ) {
          const error = yield* Effect.flip(api.get(url))
          assert.strictEqual(error._tag, "PDClientError")
          assert.strictEqual(error._tag === "PDClientError" && error.reason, "InvalidUrl")
        }
        assert.lengthOf(yield* requests, 0)
      }))

    it.effect("uses the EU host for region eu, and an explicit restUrl over the region", () =>
      Effect.gen(function*() {
        const eu = yield* setup(() => ok(), { region: "eu" })
        yield* eu.api.jget("/users")
        assert.strictEqual((yield* eu.requests)[0].url.origin, "https://api.eu.pagerduty.com")
        const custom = yield* setup(() => ok(), { restUrl: "http://127.0.0.1:9999/pd/" })
        yield* custom.api.jget("/users")
        assert.strictEqual((yield* custom.requests)[0].url.href, "http://127.0.0.1:9999/pd/users")
        const error = yield* Effect.flip(custom.api.jget("http://127.0.0.1:9999/other/users"))
        assert.strictEqual(error._tag === "PDClientError" && error.reason, "InvalidUrl")
      }))
  })

  describe("params", () => {
    it.effect("sends arrays as key[]=…, drops null and undefined, writes booleans, keeps the URL's query", () =>
      Effect.gen(function*() {
        const { api, requests } = yield* setup(() => ok())
        const params = Object.freeze({
          statuses: Object.freeze(["triggered", "acknowledged"]),
          "team_ids[]": ["T1"],
          total: true,
          skip: null,
          missing: undefined,
          limit: 25
        })
        yield* api.jget("/incidents?x=1", { params })
        const [request] = yield* requests
        const search = request.url.searchParams
        assert.deepStrictEqual(search.getAll("statuses[]"), ["triggered", "acknowledged"])
        assert.deepStrictEqual(search.getAll("team_ids[]"), ["T1"])
        assert.strictEqual(search.get("total"), "true")
        assert.strictEqual(search.get("limit"), "25")
        assert.strictEqual(search.get("x"), "1")
        assert.isFalse(search.has("skip"))
        assert.isFalse(search.has("missing"))
      }))
  })

  describe("JSON verbs", () => {
    it.effect("decode the body; 204 and an empty body give undefined", () =>
      Effect.gen(function*() {
        const { api } = yield* setup((_, index) =>
          index === 0 ? ok({ users: [1] }) : index === 1 ? { status: 204 } : { status: 200, body: "  " }
        )
        assert.deepStrictEqual(yield* api.jget("/users"), { users: [1] })
        assert.isUndefined(yield* api.jdelete("/users/P1"))
        assert.isUndefined(yield* api.jput("/teams/T1/users/U1"))
      }))

    it.effect("fail with a Decode error carrying the status and the start of the text on HTML or malformed JSON", () =>
      Effect.gen(function*() {
        const { api } = yield* setup((_, index) =>
          index === 0
            ? { status: 200, body: "<html><body>Bad gateway</body></html>", headers: { "content-type": "text/html" } }
            : { status: 200, body: "{\"users\": [" }
        )
        const html = yield* Effect.flip(api.jget("/users"))
        assert.instanceOf(html, PDClientError)
        if (html._tag !== "PDClientError") return
        assert.strictEqual(html.reason, "Decode")
        assert.strictEqual(html.status, 200)
        assert.include(html.message, "HTML")
        assert.include(html.bodySnippet ?? "", "<html>")
        const malformed = yield* Effect.flip(api.jget("/users"))
        assert.strictEqual(malformed._tag === "PDClientError" && malformed.reason, "Decode")
        assert.include(malformed.message, "{\\\"users\\\": [")
      }))

    it.effect("fail with PDHTTPError carrying PagerDuty's error details on a non-2xx", () =>
      Effect.gen(function*() {
        const { api } = yield* setup(() =>
          json(404, { error: { code: 2100, message: "Not Found", errors: ["User not found"] } }, {
            "x-request-id": "req-123",
            "ratelimit-limit": "960",
            "ratelimit-remaining": "955",
            "ratelimit-reset": "42"
          })
        )
        const error = yield* Effect.flip(api.jget("/users/PNOPE"))
        assert.instanceOf(error, PDHTTPError)
        if (error._tag !== "PDHTTPError") return
        expect(error).toMatchObject({
          status: 404,
          method: "GET",
          url: "https://api.pagerduty.com/users/PNOPE",
          code: 2100,
          errorMessage: "Not Found",
          errors: ["User not found"],
          requestId: "req-123"
        })
        expect(error.rateLimit).toMatchObject({ limit: 960, remaining: 955, resetSeconds: 42 })
        assert.include(error.message, "User not found")
        assert.include(error.message, "req-123")
      }))

    it.effect("flatten a map of field errors (the /v3/schedules shape)", () =>
      Effect.gen(function*() {
        const { api } = yield* setup(() =>
          json(400, { error: { code: 2001, message: "Invalid Input", errors: { name: ["is required"] } } })
        )
        const error = yield* Effect.flip(api.jpost("/v3/schedules", { json: { schedule: {} } }))
        assert.deepStrictEqual(error._tag === "PDHTTPError" && error.errors, ["name: is required"])
      }))
  })

  describe("raw verbs", () => {
    it.effect("return the response for any status but 401", () =>
      Effect.gen(function*() {
        const { api } = yield* setup(() => json(404, { error: { message: "Not Found" } }))
        const response = yield* api.get("/users/PNOPE")
        assert.strictEqual(response.status, 404)
        assert.deepStrictEqual(yield* Effect.orDie(response.json), { error: { message: "Not Found" } })
      }))

    it.effect("fail at once on 401 with a hint about the region, never echoing the key", () =>
      Effect.gen(function*() {
        const { api, requests } = yield* setup(() => json(401, { error: { code: 2006, message: "Unauthorized" } }))
        const error = yield* Effect.flip(api.get("/users"))
        assert.instanceOf(error, PDHTTPError)
        assert.lengthOf(yield* requests, 1)
        assert.include(error.message, "region: \"eu\"")
        assert.notInclude(error.message, KEY)
        assert.notInclude(JSON.stringify(error), KEY)
        assert.notInclude(String(error), KEY)
      }))
  })

  describe("inputs", () => {
    it.effect("are never mutated", () =>
      Effect.gen(function*() {
        const { api } = yield* setup(() => json(201, { user: {} }))
        const body = { user: { name: "Ann", contact_methods: [{ type: "email" }] } }
        const options = { json: body, params: { include: ["teams"] }, headers: { From: "a@example.com" } }
        const before = JSON.stringify(options)
        yield* api.jpost("/users", options)
        assert.strictEqual(JSON.stringify(options), before)
      }))
  })
})

describe("RestApi retries", () => {
  const times = (script: (index: number) => ScriptedReply) =>
    Effect.gen(function*() {
      const at = yield* Ref.make<ReadonlyArray<number>>([])
      const wrapped = (_: RecordedRequest, index: number) =>
        Effect.zipRight(
          Effect.flatMap(TestClock.currentTimeMillis, (now) => Ref.update(at, (all) => [...all, now])),
          Effect.succeed(script(index))
        )
      return { at: Ref.get(at), script: wrapped }
    })

  it.effect("429 honours ratelimit-reset in full, plus at most a little jitter", () =>
    Effect.gen(function*() {
      const { at, script } = yield* times((index) =>
        index === 0 ? json(429, { error: { message: "Rate Limit Exceeded" } }, { "ratelimit-reset": "30" }) : ok()
      )
      const { api } = yield* setup(script)
      const fiber = yield* Effect.fork(api.jget("/users"))
      yield* TestClock.adjust("29 seconds")
      assert.isTrue((yield* Fiber.poll(fiber))._tag === "None")
      yield* TestClock.adjust("4300 millis")
      assert.deepStrictEqual(yield* Fiber.join(fiber), { users: [] })
      const [first, second] = yield* at
      assert.isAtLeast(second - first, 30_000)
      assert.isAtMost(second - first, 33_250)
    }))

  it.effect("429 storms are retried without a count limit by default, and waits never exceed maxWait", () =>
    Effect.gen(function*() {
      const { at, script } = yield* times((index) => index < 15 ? json(429, {}) : ok())
      const { api, requests } = yield* setup(script)
      const fiber = yield* Effect.fork(api.jget("/users"))
      yield* runToEnd(fiber)
      assert.lengthOf(yield* requests, 16)
      const stamps = yield* at
      const waits = stamps.slice(1).map((t, i) => t - stamps[i])
      assert.isAtLeast(waits[0], 2700)
      assert.isAtMost(waits[0], 3300)
      for (const wait of waits) assert.isAtMost(wait, 66_000)
      assert.isAtLeast(Math.max(...waits), 54_000)
    }))

  it.effect("a retry entry for 429 limits it, and the call fails with the last 429", () =>
    Effect.gen(function*() {
      const { api, requests } = yield* setup(() => json(429, {}), {}, { retry: { 429: 3 } })
      const fiber = yield* Effect.fork(Effect.flip(api.jget("/users")))
      const error = yield* runToEnd(fiber)
      assert.strictEqual(error._tag === "PDHTTPError" && error.status, 429)
      assert.lengthOf(yield* requests, 4)
    }))

  it.effect("retry: { 429: 0 } turns 429 retries off", () =>
    Effect.gen(function*() {
      const { api, requests } = yield* setup(() => json(429, {}), {}, { retry: { 429: 0 } })
      const error = yield* Effect.flip(api.jget("/users"))
      assert.strictEqual(error._tag === "PDHTTPError" && error.status, 429)
      assert.lengthOf(yield* requests, 1)
    }))

  it.effect("401 and other 4xx are never retried", () =>
    Effect.gen(function*() {
      for (const status of [400, 401, 403, 404]) {
        const { api, requests } = yield* setup(() => json(status, {}))
        yield* Effect.flip(api.jget("/users"))
        assert.lengthOf(yield* requests, 1)
      }
    }))

  it.effect("REST default: 502/503/504 retried twice on GET, with 3 s then 6 s waits", () =>
    Effect.gen(function*() {
      const { at, script } = yield* times(() => json(503, {}))
      const { api, requests } = yield* setup(script, {}, { staggerCooldown: 0 })
      const fiber = yield* Effect.fork(Effect.flip(api.jget("/users")))
      const error = yield* runToEnd(fiber)
      assert.strictEqual(error._tag === "PDHTTPError" && error.status, 503)
      assert.lengthOf(yield* requests, 3)
      assert.deepStrictEqual(yield* at, [0, 3000, 9000])
    }))

  it.effect("REST default: 5xx are not retried on POST unless the user asks", () =>
    Effect.gen(function*() {
      const plain = yield* setup(() => json(503, {}))
      yield* Effect.flip(plain.api.jpost("/teams", { json: {} }))
      assert.lengthOf(yield* plain.requests, 1)
      const asked = yield* setup(() => json(500, {}), {}, { retry: { 500: 2 } })
      const fiber = yield* Effect.fork(Effect.flip(asked.api.jpost("/teams", { json: {} })))
      yield* runToEnd(fiber)
      assert.lengthOf(yield* asked.requests, 3)
    }))

  it.effect("per-status counts: a 503 then a 200 succeeds", () =>
    Effect.gen(function*() {
      const { api, requests } = yield* setup((_, index) => index === 0 ? json(503, {}) : ok())
      const fiber = yield* Effect.fork(api.jget("/users"))
      assert.deepStrictEqual(yield* runToEnd(fiber), { users: [] })
      assert.lengthOf(yield* requests, 2)
    }))

  it.effect("maxHttpAttempts counts exactly: N means at most N requests", () =>
    Effect.gen(function*() {
      const { api, requests } = yield* setup(() => json(500, {}), {}, { retry: { 500: -1 }, maxHttpAttempts: 4 })
      const fiber = yield* Effect.fork(Effect.flip(api.jget("/users")))
      yield* runToEnd(fiber)
      assert.lengthOf(yield* requests, 4)
    }))

  it.effect("transport errors: retried maxNetworkAttempts times, then a Transport error", () =>
    Effect.gen(function*() {
      const recovered = yield* setup((_, index) => index < 2 ? { reset: true } : ok())
      const fiber = yield* Effect.fork(recovered.api.jget("/users"))
      assert.deepStrictEqual(yield* runToEnd(fiber), { users: [] })
      assert.lengthOf(yield* recovered.requests, 3)

      const broken = yield* setup(() => ({ reset: true }))
      const failed = yield* Effect.fork(Effect.flip(broken.api.jget("/users")))
      const error = yield* runToEnd(failed)
      assert.lengthOf(yield* broken.requests, 4)
      assert.strictEqual(error._tag === "PDClientError" && error.reason, "Transport")
      assert.include(error.message, "after 4 attempts")
      assert.include(error.message, "ECONNRESET")
      assert.notInclude(JSON.stringify(error), KEY)
      assert.notInclude(JSON.stringify(error.cause), KEY)
    }))

  it.effect("a hung request times out per attempt, is retried, then fails with a Timeout error", () =>
    Effect.gen(function*() {
      const { api, requests } = yield* setup(() => ({ hang: true }), { timeout: "5 seconds" }, {
        maxNetworkAttempts: 1,
        staggerCooldown: 0
      })
      const fiber = yield* Effect.fork(Effect.flip(api.jget("/users")))
      yield* TestClock.adjust("4 seconds")
      assert.lengthOf(yield* requests, 1)
      const error = yield* runToEnd(fiber)
      assert.strictEqual(error._tag === "PDClientError" && error.reason, "Timeout")
      assert.lengthOf(yield* requests, 2)
      assert.strictEqual(yield* TestClock.currentTimeMillis, 13_000)
    }))

  it.effect("a per-request timeout overrides the configured one", () =>
    Effect.gen(function*() {
      const { api } = yield* setup(() => ({ hang: true }), {}, { maxNetworkAttempts: 0 })
      const fiber = yield* Effect.fork(Effect.flip(api.jget("/users", { timeout: "2 seconds" })))
      yield* TestClock.adjust("1999 millis")
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
      yield* TestClock.adjust("1 millis")
      // Polled, not joined: if the override were lost, the test fails here instead of hanging on a 60 s timeout.
      const done = yield* Fiber.poll(fiber)
      assert.isTrue(Option.isSome(done))
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error._tag === "PDClientError" && error.reason, "Timeout")
    }))

  it.effect("a user schedule replaces the backoff and can stop retrying", () =>
    Effect.gen(function*() {
      const { Schedule } = yield* Effect.promise(() => import("effect"))
      const { at, script } = yield* times(() => json(500, {}))
      const { api, requests } = yield* setup(script, {}, {
        retry: { 500: -1 },
        schedule: Schedule.intersect(Schedule.spaced("2 seconds"), Schedule.recurs(2))
      })
      const fiber = yield* Effect.fork(Effect.flip(api.jget("/users")))
      yield* runToEnd(fiber)
      assert.lengthOf(yield* requests, 3)
      assert.deepStrictEqual(yield* at, [0, 2000, 4000])
    }))

  it.effect("holds requests while PagerDuty says the rate-limit window is spent", () =>
    Effect.gen(function*() {
      const { at, script } = yield* times((index) =>
        index === 0 ? json(200, { users: [] }, { "ratelimit-remaining": "0", "ratelimit-reset": "10" }) : ok()
      )
      const { api } = yield* setup(script)
      yield* api.jget("/users")
      const fiber = yield* Effect.fork(api.jget("/users"))
      yield* runToEnd(fiber)
      assert.deepStrictEqual(yield* at, [0, 10_000])
    }))
})

describe("RestApi logging", () => {
  it.effect("logs every attempt at debug level with method, URL, status and attempt; never the key", () =>
    Effect.gen(function*() {
      const lines = yield* Ref.make<ReadonlyArray<string>>([])
      const logger = Logger.make(({ annotations, logLevel, message }) => {
        const text = `${logLevel.label} ${Array.isArray(message) ? message.join(" ") : String(message)} ${
          JSON.stringify([...annotations])
        }`
        Effect.runSync(Ref.update(lines, (all) => [...all, text]))
      })
      const { api } = yield* setup((_, index) => index === 0 ? { reset: true } : ok(), { debug: true })
      const fiber = yield* api.jget("/users").pipe(
        Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
        Effect.fork
      )
      yield* TestClock.adjust("10 seconds")
      yield* Fiber.join(fiber)
      const logged = yield* lines
      assert.isTrue(
        logged.some((line) =>
          line.startsWith("DEBUG") && line.includes("GET https://api.pagerduty.com/users -> 200 (attempt 2")
        )
      )
      assert.isTrue(logged.some((line) => line.startsWith("WARN") && line.includes("retrying in")))
      for (const line of logged) assert.notInclude(line, KEY)
    }).pipe(Logger.withMinimumLogLevel(LogLevel.All)))
})
