import { HttpClient, HttpClientResponse } from "@effect/platform"
import { assert, describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Fiber, Layer, Option, Redacted, TestClock } from "effect"
import type { ChangeEventOptions, ChangeEventsApiService } from "../src/ChangeEventsApi.js"
import { ChangeEventsApi } from "../src/ChangeEventsApi.js"
import type { PagerDutyConfigOptions } from "../src/PagerDutyConfig.js"
import { PagerDutyConfig } from "../src/PagerDutyConfig.js"
import { PDClientError, PDHTTPError } from "../src/PagerDutyError.js"
import { RetryPolicy } from "../src/RetryPolicy.js"

const KEY = "737ea619db564d41bd9824063e1f8au1"
const OTHER_KEY = "0123456789abcdef0123456789abcdef"
const URL_US = "https://events.pagerduty.com/v2/change/enqueue"

interface Recorded {
  readonly url: string
  readonly method: string
  readonly headers: Readonly<Record<string, string>>
  readonly json: unknown
}

interface Reply {
  readonly status: number
  readonly body?: unknown
  readonly headers?: Readonly<Record<string, string>>
}

const fakeHttp = (replies: ReadonlyArray<Reply>) => {
  const requests: Array<Recorded> = []
  const client = HttpClient.make((request, url) =>
    Effect.sync(() => {
      const text = request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : ""
      requests.push({
        url: url.toString(),
        method: request.method,
        headers: { ...request.headers },
        json: JSON.parse(text)
      })
      const reply = replies[Math.min(requests.length, replies.length) - 1]
      const body = reply.body === undefined
        ? null
        : typeof reply.body === "string"
        ? reply.body
        : JSON.stringify(reply.body)
      return HttpClientResponse.fromWeb(
        request,
        new Response(body, { status: reply.status, headers: { "content-type": "application/json", ...reply.headers } })
      )
    })
  )
  return { requests, layer: Layer.succeed(HttpClient.HttpClient, client) }
}

const processed: Reply = { status: 202, body: { status: "success", message: "Change event processed" } }

const withChanges = <A, E>(
  http: ReturnType<typeof fakeHttp>,
  f: (api: ChangeEventsApiService) => Effect.Effect<A, E>,
  config: PagerDutyConfigOptions = { routingKey: KEY }
) =>
  Effect.flatMap(ChangeEventsApi, f).pipe(
    Effect.provide(
      ChangeEventsApi.layer.pipe(Layer.provide([PagerDutyConfig.layer(config), RetryPolicy.layer(), http.layer]))
    )
  )

const deepFreeze = <A>(value: A): A => {
  if (typeof value === "object" && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner)
    Object.freeze(value)
  }
  return value
}

describe("ChangeEventsApi.submit", () => {
  it.effect("sends the minimal change event with the timestamp from the Clock (TestClock), ISO 8601 UTC", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.UTC(2026, 0, 5, 10, 30, 0, 123))
      const http = fakeHttp([processed])
      const id = yield* withChanges(http, (api) => api.submit("Deployed checkout-api v42"))
      expect(id).toBeUndefined()
      expect(http.requests).toHaveLength(1)
      const request = http.requests[0]
      expect(request.method).toBe("POST")
      expect(request.url).toBe(URL_US)
      expect(request.headers["content-type"]).toBe("application/json")
      expect(request.headers["accept"]).toBe("application/json")
      expect(request.headers["authorization"]).toBeUndefined()
      expect(request.headers["x-routing-key"]).toBeUndefined()
      for (const [name, value] of Object.entries(request.headers)) expect(`${name}: ${value}`).not.toContain(KEY)
      expect(request.json).toEqual({
        routing_key: KEY,
        payload: { summary: "Deployed checkout-api v42", timestamp: "2026-01-05T10:30:00.123Z" }
      })
    }))

  it.effect("the default timestamp follows the clock", () =>
    Effect.gen(function*() {
      const http = fakeHttp([processed])
      yield* withChanges(http, (api) => api.submit("first"))
      yield* TestClock.adjust("90 minutes")
      yield* withChanges(http, (api) => api.submit("second"))
      expect(http.requests.map((r) => (r.json as { payload: { timestamp: string } }).payload.timestamp)).toEqual([
        "1970-01-01T00:00:00.000Z",
        "1970-01-01T01:30:00.000Z"
      ])
    }))

  it.effect("sends every option in its place, and returns the id when PagerDuty gives one", () =>
    Effect.gen(function*() {
      const http = fakeHttp([{ status: 202, body: { id: "abc123" } }])
      const options: ChangeEventOptions = {
        source: "github-actions",
        customDetails: { commit: "4f2a9c1", build: 220 },
        links: [{ href: "https://github.com/acme/shop/pull/812", text: "PR #812" }],
        images: [{ src: "https://ci.example.com/badge.png" }],
        timestamp: new Date(Date.UTC(2015, 6, 17, 8, 42, 58, 315))
      }
      const snapshot = structuredClone(options)
      deepFreeze(options)
      const id = yield* withChanges(http, (api) => api.submit("Build passed", options))
      expect(id).toBe("abc123")
      expect(options).toEqual(snapshot)
      expect(http.requests[0].json).toEqual({
        routing_key: KEY,
        payload: {
          summary: "Build passed",
          timestamp: "2015-07-17T08:42:58.315Z",
          source: "github-actions",
          custom_details: { commit: "4f2a9c1", build: 220 }
        },
        links: [{ href: "https://github.com/acme/shop/pull/812", text: "PR #812" }],
        images: [{ src: "https://ci.example.com/badge.png" }]
      })
    }))

  it.effect("a string timestamp is sent as given; a per-call routing key replaces the configured one", () =>
    Effect.gen(function*() {
      const http = fakeHttp([processed])
      yield* withChanges(
        http,
        (api) => api.submit("x", { timestamp: "2015-07-17T08:42:58.315+0000", routingKey: Redacted.make(OTHER_KEY) })
      )
      expect(http.requests[0].json).toEqual({
        routing_key: OTHER_KEY,
        payload: { summary: "x", timestamp: "2015-07-17T08:42:58.315+0000" }
      })
    }))

  it.effect("the EU region sends to the EU events host", () =>
    Effect.gen(function*() {
      const http = fakeHttp([processed])
      yield* withChanges(http, (api) => api.submit("x"), { routingKey: KEY, region: "eu" })
      expect(http.requests[0].url).toBe("https://events.eu.pagerduty.com/v2/change/enqueue")
    }))
})

describe("ChangeEventsApi.send", () => {
  it.effect("sends a whole change event as given, with the configured routing key, without adding a timestamp", () =>
    Effect.gen(function*() {
      const http = fakeHttp([processed])
      const event = deepFreeze({
        payload: { summary: "Merge Pull Request", source: "git", custom_details: { author: "PagerDuty" } },
        links: [{ href: "https://buildpipeline.example.com/builds/220", text: "View in Build Pipeline" }]
      })
      const result = yield* withChanges(http, (api) => api.send(event))
      expect(result).toEqual({ status: "success", message: "Change event processed", id: undefined })
      expect(http.requests[0].url).toBe(URL_US)
      expect(http.requests[0].json).toEqual({ routing_key: KEY, ...event })
    }))

  it.effect("uses the event's own routing_key, and an empty 202 body is fine", () =>
    Effect.gen(function*() {
      const http = fakeHttp([{ status: 202 }])
      const result = yield* withChanges(http, (api) =>
        api.send({ routing_key: Redacted.make(OTHER_KEY), payload: { summary: "x" } }))
      expect(result).toEqual({ status: undefined, message: undefined, id: undefined })
      expect((http.requests[0].json as { routing_key: string }).routing_key).toBe(OTHER_KEY)
    }))

  it.effect("a 202 whose JSON is not the documented shape is PDHTTPError UnexpectedShape", () =>
    Effect.gen(function*() {
      const http = fakeHttp([{ status: 202, body: [1, 2] }])
      const error = yield* Effect.flip(withChanges(http, (api) => api.submit("x")))
      assert(error instanceof PDHTTPError)
      expect(error.reason).toBe("UnexpectedShape")
    }))
})

describe("ChangeEventsApi validation: rejected before anything is sent", () => {
  const cases: ReadonlyArray<{
    readonly name: string
    readonly call: (api: ChangeEventsApiService) => Effect.Effect<unknown, PDHTTPError | PDClientError>
    readonly field: string
    readonly says: string
    readonly config?: PagerDutyConfigOptions
  }> = [
    { name: "empty summary", call: (api) => api.submit(""), field: "payload.summary", says: "must not be empty" },
    {
      name: "summary over 1,024 characters",
      call: (api) => api.submit("é".repeat(1025)),
      field: "payload.summary",
      says: "must be at most 1,024 characters (it has 1,025)"
    },
    {
      name: "a whole event without payload",
      call: (api) => api.send({} as unknown as Parameters<ChangeEventsApiService["send"]>[0]),
      field: "payload",
      says: "is required"
    },
    {
      name: "a link without href",
      call: (api) => api.submit("x", { links: [{ text: "t" } as unknown as { href: string }] }),
      field: "links[0].href",
      says: "is required"
    },
    {
      name: "a link whose href is not a URL",
      call: (api) => api.submit("x", { links: [{ href: "build 220" }] }),
      field: "links[0].href",
      says: "must be an absolute URL"
    },
    {
      name: "an image without src",
      call: (api) => api.submit("x", { images: [{} as unknown as { src: string }] }),
      field: "images[0].src",
      says: "is required"
    },
    {
      name: "a timestamp that is not ISO 8601",
      call: (api) => api.submit("x", { timestamp: "17/07/2015 08:42" }),
      field: "payload.timestamp",
      says: "ISO 8601"
    },
    {
      name: "an empty source",
      call: (api) => api.submit("x", { source: "" }),
      field: "payload.source",
      says: "must not be empty"
    },
    {
      name: "an event over 512 KB",
      call: (api) => api.submit("x", { customDetails: { log: "y".repeat(520 * 1024) } }),
      field: "event",
      says: "at most 512 KB"
    },
    {
      name: "a routing key of 33 characters",
      call: (api) => api.submit("x"),
      config: { routingKey: `${KEY}0` },
      field: "routing_key",
      says: "must be exactly 32 letters and digits"
    }
  ]

  for (const c of cases) {
    it.effect(c.name, () =>
      Effect.gen(function*() {
        const http = fakeHttp([processed])
        const error = yield* Effect.flip(withChanges(http, c.call, c.config))
        assert(error instanceof PDClientError, `expected PDClientError, got ${String(error)}`)
        expect(error.reason).toBe("InvalidInput")
        expect(error.field).toBe(c.field)
        expect(error.message).toContain(c.field)
        expect(error.message).toContain(c.says)
        expect(error.message).not.toContain(KEY)
        expect(http.requests).toHaveLength(0)
      }))
  }

  it.effect("a missing routing key is a Config error", () =>
    Effect.gen(function*() {
      const http = fakeHttp([processed])
      const error = yield* Effect.flip(withChanges(http, (api) => api.submit("x"), {}))
      assert(error instanceof PDClientError)
      expect(error.reason).toBe("Config")
      expect(error.message).toContain("PAGERDUTY_ROUTING_KEY")
      expect(http.requests).toHaveLength(0)
    }))
})

describe("ChangeEventsApi responses and retries", () => {
  it.effect("400 fails with PDHTTPError carrying PagerDuty's errors; an echoed routing key is redacted", () =>
    Effect.gen(function*() {
      const http = fakeHttp([{
        status: 400,
        body: { status: "invalid event", message: `bad key ${KEY}`, errors: ["'payload.summary' is missing"] }
      }])
      const error = yield* Effect.flip(withChanges(http, (api) => api.submit("x")))
      assert(error instanceof PDHTTPError)
      expect(error.status).toBe(400)
      expect(error.errors).toEqual(["'payload.summary' is missing"])
      expect(error.errorMessage).toBe("bad key ***")
      for (const text of [error.message, JSON.stringify(error), Cause.pretty(Cause.fail(error))]) {
        expect(text).not.toContain(KEY)
      }
      expect(http.requests).toHaveLength(1)
    }))

  it.effect("429 with ratelimit-reset waits (TestClock), then the retry succeeds", () =>
    Effect.gen(function*() {
      const http = fakeHttp([{ status: 429, headers: { "ratelimit-reset": "10" } }, {
        status: 202,
        body: { id: "c1" }
      }])
      const fiber = yield* Effect.fork(withChanges(http, (api) => api.submit("x")))
      yield* TestClock.adjust("9900 millis")
      expect(Option.isNone(yield* Fiber.poll(fiber))).toBe(true)
      expect(http.requests).toHaveLength(1)
      yield* TestClock.adjust("2 seconds")
      expect(yield* Fiber.join(fiber)).toBe("c1")
      expect(http.requests).toHaveLength(2)
    }))

  it.effect("500 is retried twice (exactly 3 requests), then fails with PDHTTPError", () =>
    Effect.gen(function*() {
      const http = fakeHttp([{ status: 500 }])
      const fiber = yield* Effect.fork(Effect.flip(withChanges(http, (api) => api.submit("x"))))
      yield* TestClock.adjust("1 minute")
      const error = yield* Fiber.join(fiber)
      assert(error instanceof PDHTTPError)
      expect(error.status).toBe(500)
      expect(http.requests).toHaveLength(3)
    }))
})
