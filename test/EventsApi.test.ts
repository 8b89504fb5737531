import { HttpClient, HttpClientError, HttpClientResponse } from "@effect/platform"
import { assert, describe, expect, it } from "@effect/vitest"
import { Cause, DateTime, Effect, Exit, Fiber, Layer, Logger, LogLevel, Option, Redacted, TestClock } from "effect"
import type { EventsApiService, TriggerOptions } from "../src/EventsApi.js"
import { EventsApi } from "../src/EventsApi.js"
import type { PagerDutyConfigOptions } from "../src/PagerDutyConfig.js"
import { PagerDutyConfig } from "../src/PagerDutyConfig.js"
import { PDClientError, PDHTTPError } from "../src/PagerDutyError.js"
import type { RetryPolicyOptions } from "../src/RetryPolicy.js"
import { RetryPolicy } from "../src/RetryPolicy.js"

const KEY = "0123456789abcdef0123456789abcdef"
const OTHER_KEY = "R0123456789ABCDEFGHIJKLMNOPQRSTU"

interface Recorded {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly text: string
  readonly json: unknown
}

type Reply =
  | { readonly status: number; readonly body?: unknown; readonly headers?: Readonly<Record<string, string>> }
  | "transport"

/** An in-memory HttpClient: records every request and answers with the n-th reply (the last one repeats). */
const fakeHttp = (replies: ReadonlyArray<Reply>) => {
  const requests: Array<Recorded> = []
  const client = HttpClient.make((request, url) =>
    Effect.suspend(() => {
      const text = request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : ""
      requests.push({
        method: request.method,
        url: url.toString(),
        headers: { ...request.headers },
        text,
        json: text === "" ? undefined : JSON.parse(text)
      })
      const reply = replies[Math.min(requests.length, replies.length) - 1]
      if (reply === "transport") {
        return Effect.fail(
          new HttpClientError.RequestError({ request, reason: "Transport", cause: new Error("connect ECONNREFUSED") })
        )
      }
      const body = reply.body === undefined
        ? null
        : typeof reply.body === "string"
        ? reply.body
        : JSON.stringify(reply.body)
      return Effect.succeed(
        HttpClientResponse.fromWeb(
          request,
          new Response(body, {
            status: reply.status,
            headers: { "content-type": "application/json", ...reply.headers }
          })
        )
      )
    })
  )
  return { requests, layer: Layer.succeed(HttpClient.HttpClient, client) }
}

const accepted = (dedupKey = "srv01/HTTP"): Reply => ({
  status: 202,
  body: { status: "success", message: "Event processed", dedup_key: dedupKey }
})

const withEvents = <A, E>(
  http: ReturnType<typeof fakeHttp>,
  f: (api: EventsApiService) => Effect.Effect<A, E>,
  config: PagerDutyConfigOptions = { routingKey: KEY },
  retry: RetryPolicyOptions = {}
) =>
  Effect.flatMap(EventsApi, f).pipe(
    Effect.provide(
      EventsApi.layer.pipe(Layer.provide([PagerDutyConfig.layer(config), RetryPolicy.layer(retry), http.layer]))
    )
  )

const deepFreeze = <A>(value: A): A => {
  if (typeof value === "object" && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner)
    Object.freeze(value)
  }
  return value
}

const expectStandardRequest = (request: Recorded) => {
  expect(request.method).toBe("POST")
  expect(request.url).toBe("https://events.pagerduty.com/v2/enqueue")
  expect(request.headers["content-type"]).toBe("application/json")
  expect(request.headers["accept"]).toBe("application/json")
  expect(request.headers["user-agent"]).toBe("effect-pagerduty/0.1.0")
  expect(request.headers["authorization"]).toBeUndefined()
  expect(request.headers["x-routing-key"]).toBeUndefined()
  for (const [name, value] of Object.entries(request.headers)) {
    expect(`${name}: ${value}`).not.toContain(KEY)
  }
}

/** Every way an error can be shown: message, toString, JSON, and the pretty cause. */
const renderings = (error: unknown): ReadonlyArray<string> => [
  error instanceof Error ? error.message : "",
  String(error),
  JSON.stringify(error),
  Cause.pretty(Cause.fail(error))
]

describe("EventsApi.trigger", () => {
  it.effect("sends the minimal trigger event: URL, headers, body with the routing key, no routing key header", () =>
    Effect.gen(function*() {
      const http = fakeHttp([accepted("PD-generated")])
      const dedupKey = yield* withEvents(http, (api) => api.trigger("Disk full on db-1", "db-1.example.com"))
      expect(dedupKey).toBe("PD-generated")
      expect(http.requests).toHaveLength(1)
      expectStandardRequest(http.requests[0])
      // A trigger without a dedup key gets a generated one (a UUID), so that a retry cannot open a second incident.
      expect(http.requests[0].json).toEqual({
        routing_key: KEY,
        event_action: "trigger",
        payload: { summary: "Disk full on db-1", source: "db-1.example.com", severity: "critical" },
        dedup_key: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
      })
    }))

  it.effect("sends every option in its place", () =>
    Effect.gen(function*() {
      const http = fakeHttp([accepted("srv01/mysql")])
      const dedupKey = yield* withEvents(http, (api) =>
        api.trigger("MySQL down", "srv01", {
          dedupKey: "srv01/mysql",
          severity: "warning",
          component: "mysql",
          group: "prod-datapipe",
          class: "availability",
          timestamp: new Date(Date.UTC(2015, 6, 17, 8, 42, 58, 315)),
          customDetails: { "free space": "1%", "load avg": 0.75 },
          images: [{ src: "https://charts.example.com/a.png", href: "https://example.com", alt: "chart" }],
          links: [{ href: "https://wiki.example.com/runbook", text: "Runbook" }],
          client: "Sample Monitoring Service",
          clientUrl: "https://monitoring.example.com"
        }))
      expect(dedupKey).toBe("srv01/mysql")
      expect(http.requests[0].json).toEqual({
        routing_key: KEY,
        event_action: "trigger",
        dedup_key: "srv01/mysql",
        payload: {
          summary: "MySQL down",
          source: "srv01",
          severity: "warning",
          component: "mysql",
          group: "prod-datapipe",
          class: "availability",
          timestamp: "2015-07-17T08:42:58.315Z",
          custom_details: { "free space": "1%", "load avg": 0.75 }
        },
        images: [{ src: "https://charts.example.com/a.png", href: "https://example.com", alt: "chart" }],
        links: [{ href: "https://wiki.example.com/runbook", text: "Runbook" }],
        client: "Sample Monitoring Service",
        client_url: "https://monitoring.example.com"
      })
    }))

  it.effect("sends a timestamp as ISO 8601: DateTime and epoch millis in UTC, a string as given", () =>
    Effect.gen(function*() {
      const http = fakeHttp([accepted()])
      const timestamps: ReadonlyArray<TriggerOptions["timestamp"]> = [
        DateTime.unsafeMake(Date.UTC(2024, 1, 29, 23, 59, 59, 1)),
        Date.UTC(2020, 2, 25),
        "2015-07-17T08:42:58.315+0000",
        "2015-07-17T10:42:58+02:00"
      ]
      for (const timestamp of timestamps) {
        yield* withEvents(http, (api) => api.trigger("s", "src", { timestamp }))
      }
      expect(http.requests.map((r) => (r.json as { payload: { timestamp: string } }).payload.timestamp)).toEqual([
        "2024-02-29T23:59:59.001Z",
        "2020-03-25T00:00:00.000Z",
        "2015-07-17T08:42:58.315+0000",
        "2015-07-17T10:42:58+02:00"
      ])
    }))

  it.effect("the payload option wins over summary, source, severity and the named options", () =>
    Effect.gen(function*() {
      const http = fakeHttp([accepted()])
      yield* withEvents(http, (api) =>
        api.trigger("from argument", "arg-source", {
          severity: "warning",
          component: "from option",
          payload: { summary: "from payload", source: "payload-source", severity: "info", component: "payload comp" }
        }))
      expect((http.requests[0].json as { payload: unknown }).payload).toEqual({
        summary: "from payload",
        source: "payload-source",
        severity: "info",
        component: "payload comp"
      })
    }))

  it.effect("customDetails is merged key by key into payload.custom_details and wins on a shared key", () =>
    Effect.gen(function*() {
      const http = fakeHttp([accepted()])
      yield* withEvents(http, (api) =>
        api.trigger("s", "src", {
          customDetails: { shared: "from customDetails", onlyOption: 1 },
          payload: { custom_details: { shared: "from payload", onlyPayload: true } }
        }))
      expect((http.requests[0].json as { payload: { custom_details: unknown } }).payload.custom_details).toEqual({
        shared: "from customDetails",
        onlyOption: 1,
        onlyPayload: true
      })
    }))

  it.effect("payload fields set to undefined are ignored", () =>
    Effect.gen(function*() {
      const http = fakeHttp([accepted()])
      yield* withEvents(http, (api) => api.trigger("s", "src", { payload: { severity: undefined } }))
      expect((http.requests[0].json as { payload: unknown }).payload).toEqual({
        summary: "s",
        source: "src",
        severity: "critical"
      })
    }))

  it.effect("never mutates the caller's objects", () =>
    Effect.gen(function*() {
      const http = fakeHttp([accepted()])
      const options: TriggerOptions = {
        dedupKey: "k",
        customDetails: { a: 1, nested: { b: 2 } },
        payload: { custom_details: { c: 3 }, component: "x" },
        images: [{ src: "https://example.com/i.png" }],
        links: [{ href: "https://example.com" }]
      }
      const snapshot = structuredClone(options)
      deepFreeze(options)
      yield* withEvents(http, (api) => api.trigger("s", "src", options))
      expect(options).toEqual(snapshot)
      expect(http.requests).toHaveLength(1)
    }))

  it.effect("a per-call routing key (string or Redacted) replaces the configured one", () =>
    Effect.gen(function*() {
      const http = fakeHttp([accepted()])
      yield* withEvents(http, (api) => api.trigger("s", "src", { routingKey: Redacted.make(OTHER_KEY) }))
      yield* withEvents(http, (api) => api.acknowledge("k", { routingKey: OTHER_KEY }))
      expect(http.requests.map((r) => (r.json as { routing_key: string }).routing_key)).toEqual([OTHER_KEY, OTHER_KEY])
    }))

  it.effect("a summary of exactly 1,024 characters is accepted", () =>
    Effect.gen(function*() {
      const http = fakeHttp([accepted()])
      yield* withEvents(http, (api) => api.trigger("x".repeat(1024), "src"))
      expect(http.requests).toHaveLength(1)
    }))

  it.effect("the EU region sends to the EU events host", () =>
    Effect.gen(function*() {
      const http = fakeHttp([accepted()])
      yield* withEvents(http, (api) => api.trigger("s", "src"), { routingKey: KEY, region: "eu" })
      expect(http.requests[0].url).toBe("https://events.eu.pagerduty.com/v2/enqueue")
    }))

  it.effect("userAgent: null sends no User-Agent header", () =>
    Effect.gen(function*() {
      const http = fakeHttp([accepted()])
      yield* withEvents(http, (api) => api.trigger("s", "src"), { routingKey: KEY, userAgent: null })
      expect(http.requests[0].headers["user-agent"]).toBeUndefined()
    }))
})

describe("EventsApi.acknowledge / resolve / send", () => {
  it.effect("acknowledge and resolve send the action and the dedup key", () =>
    Effect.gen(function*() {
      const http = fakeHttp([accepted("abc123")])
      const results = yield* withEvents(http, (api) => Effect.all([api.acknowledge("abc123"), api.resolve("abc123")]))
      expect(results).toEqual([undefined, undefined])
      expect(http.requests).toHaveLength(2)
      http.requests.forEach(expectStandardRequest)
      expect(http.requests.map((r) => r.json)).toEqual([
        { routing_key: KEY, event_action: "acknowledge", dedup_key: "abc123" },
        { routing_key: KEY, event_action: "resolve", dedup_key: "abc123" }
      ])
    }))

  it.effect("send posts a whole event with the configured routing key and decodes the 202", () =>
    Effect.gen(function*() {
      const http = fakeHttp([accepted("srv01/mysql")])
      const event = deepFreeze({
        event_action: "trigger" as const,
        dedup_key: "srv01/mysql",
        payload: { summary: "MySQL down", source: "srv01", severity: "error" as const },
        client: "Monitor"
      })
      const result = yield* withEvents(http, (api) => api.send(event))
      expect(result).toEqual({ status: "success", message: "Event processed", dedupKey: "srv01/mysql" })
      expectStandardRequest(http.requests[0])
      expect(http.requests[0].json).toEqual({ routing_key: KEY, ...event })
      expect(event).not.toHaveProperty("routing_key")
    }))

  it.effect("send uses the event's own routing_key (string or Redacted) when it has one", () =>
    Effect.gen(function*() {
      const http = fakeHttp([accepted()])
      yield* withEvents(http, (api) =>
        Effect.all([
          api.send({ event_action: "resolve", dedup_key: "k", routing_key: OTHER_KEY }),
          api.send({ event_action: "resolve", dedup_key: "k", routing_key: Redacted.make(OTHER_KEY) })
        ]))
      expect(http.requests.map((r) => r.json)).toEqual([
        { routing_key: OTHER_KEY, event_action: "resolve", dedup_key: "k" },
        { routing_key: OTHER_KEY, event_action: "resolve", dedup_key: "k" }
      ])
    }))

  it.effect("a 202 without a message decodes with message undefined", () =>
    Effect.gen(function*() {
      const http = fakeHttp([{ status: 202, body: { status: "success", dedup_key: "k" } }])
      const result = yield* withEvents(http, (api) => api.send({ event_action: "resolve", dedup_key: "k" }))
      expect(result).toEqual({ status: "success", message: undefined, dedupKey: "k" })
    }))
})

interface InvalidCase {
  readonly name: string
  readonly call: (api: EventsApiService) => Effect.Effect<unknown, PDHTTPError | PDClientError>
  readonly field: string
  readonly says: string
  readonly config?: PagerDutyConfigOptions
}

const hugeDetails = { blob: "x".repeat(600 * 1024) }
const cyclic: Record<string, unknown> = {}
cyclic.self = cyclic

const invalidCases: ReadonlyArray<InvalidCase> = [
  { name: "empty summary", call: (api) => api.trigger("", "src"), field: "payload.summary", says: "must not be empty" },
  {
    name: "blank summary",
    call: (api) => api.trigger("   ", "src"),
    field: "payload.summary",
    says: "must not be empty"
  },
  {
    name: "summary over 1,024 characters",
    call: (api) => api.trigger("x".repeat(1025), "src"),
    field: "payload.summary",
    says: "must be at most 1,024 characters (it has 1,025)"
  },
  {
    name: "summary missing in a whole event",
    call: (api) =>
      api.send(
        { event_action: "trigger", payload: { source: "s", severity: "info" } } as unknown as Parameters<
          EventsApiService["send"]
        >[0]
      ),
    field: "payload.summary",
    says: "is required"
  },
  { name: "empty source", call: (api) => api.trigger("s", ""), field: "payload.source", says: "must not be empty" },
  {
    name: "severity outside the enum",
    call: (api) => api.trigger("s", "src", { severity: "fatal" as unknown as "info" }),
    field: "payload.severity",
    says: "must be one of \"critical\", \"error\", \"warning\", \"info\" (got \"fatal\")"
  },
  {
    name: "severity outside the enum through the payload option",
    call: (api) => api.trigger("s", "src", { payload: { severity: "CRITICAL" as unknown as "info" } }),
    field: "payload.severity",
    says: "must be one of"
  },
  {
    name: "event_action outside the enum",
    call: (api) => api.send({ event_action: "snooze" as unknown as "resolve", dedup_key: "k" }),
    field: "event_action",
    says: "must be one of \"trigger\", \"acknowledge\", \"resolve\""
  },
  {
    name: "a trigger event without payload",
    call: (api) => api.send({ event_action: "trigger" }),
    field: "payload",
    says: "is required for a trigger event"
  },
  {
    name: "acknowledge with an empty dedup key",
    call: (api) => api.acknowledge(""),
    field: "dedup_key",
    says: "must not be empty"
  },
  {
    name: "resolve without a dedup key",
    call: (api) => api.send({ event_action: "resolve" }),
    field: "dedup_key",
    says: "is required to acknowledge or resolve an alert"
  },
  {
    name: "a dedup key over 255 characters",
    call: (api) => api.trigger("s", "src", { dedupKey: "k".repeat(256) }),
    field: "dedup_key",
    says: "must be at most 255 characters (it has 256)"
  },
  {
    name: "an image without src",
    call: (api) => api.trigger("s", "src", { images: [{ alt: "x" } as unknown as { src: string }] }),
    field: "images[0].src",
    says: "is required"
  },
  {
    name: "an image whose src is not a URL",
    call: (api) => api.trigger("s", "src", { images: [{ src: "https://ok.example.com/a.png" }, { src: "chart.png" }] }),
    field: "images[1].src",
    says: "must be an absolute URL"
  },
  {
    name: "images that is not an array",
    call: (api) => api.trigger("s", "src", { images: { src: "https://a.example" } as unknown as [] }),
    field: "images",
    says: "must be an array"
  },
  {
    name: "a link without href",
    call: (api) => api.trigger("s", "src", { links: [{ text: "x" } as unknown as { href: string }] }),
    field: "links[0].href",
    says: "is required"
  },
  {
    name: "a link text that is not a string",
    call: (api) => api.trigger("s", "src", { links: [{ href: "https://a.example", text: 5 as unknown as string }] }),
    field: "links[0].text",
    says: "must be a string"
  },
  {
    name: "a client_url that is not a URL",
    call: (api) => api.trigger("s", "src", { clientUrl: "monitoring" }),
    field: "client_url",
    says: "must be an absolute URL"
  },
  {
    name: "a timestamp that is not ISO 8601",
    call: (api) => api.trigger("s", "src", { timestamp: "yesterday" }),
    field: "payload.timestamp",
    says: "must be an ISO 8601 date-time with a time zone"
  },
  {
    name: "a timestamp without a time zone",
    call: (api) => api.trigger("s", "src", { timestamp: "2015-07-17T08:42:58" }),
    field: "payload.timestamp",
    says: "must be an ISO 8601 date-time with a time zone"
  },
  {
    name: "a timestamp with month 13",
    call: (api) => api.trigger("s", "src", { timestamp: "2015-13-17T08:42:58Z" }),
    field: "payload.timestamp",
    says: "must be an ISO 8601 date-time"
  },
  {
    name: "an invalid Date",
    call: (api) => api.trigger("s", "src", { timestamp: new Date(Number.NaN) }),
    field: "payload.timestamp",
    says: "is not a valid date"
  },
  {
    name: "custom_details that is not an object",
    call: (api) => api.trigger("s", "src", { payload: { custom_details: "text" as unknown as Record<string, never> } }),
    field: "payload.custom_details",
    says: "must be an object"
  },
  {
    name: "an event over 512 KB",
    call: (api) => api.trigger("s", "src", { customDetails: hugeDetails }),
    field: "event",
    says: "PagerDuty accepts at most 512 KB (524,288 bytes)"
  },
  {
    name: "an event that cannot be serialized",
    call: (api) => api.trigger("s", "src", { customDetails: cyclic }),
    field: "event",
    says: "cannot be serialized as JSON"
  },
  {
    name: "an event that is not an object",
    call: (api) => api.send(null as unknown as Parameters<EventsApiService["send"]>[0]),
    field: "event",
    says: "must be an object"
  },
  {
    name: "a configured routing key of 31 characters",
    call: (api) => api.trigger("s", "src"),
    config: { routingKey: KEY.slice(0, 31) },
    field: "routing_key",
    says: "must be exactly 32 letters and digits"
  },
  {
    name: "a routing key with other characters",
    call: (api) => api.trigger("s", "src", { routingKey: "0123456789abcdef-123456789abcdef" }),
    field: "routing_key",
    says: "contains characters other than letters and digits"
  },
  {
    name: "a routing key that is not a string",
    call: (api) => api.send({ event_action: "resolve", dedup_key: "k", routing_key: 42 as unknown as string }),
    field: "routing_key",
    says: "must be a string"
  }
]

describe("EventsApi validation: rejected before anything is sent", () => {
  for (const c of invalidCases) {
    it.effect(c.name, () =>
      Effect.gen(function*() {
        const http = fakeHttp([accepted()])
        const error = yield* Effect.flip(withEvents(http, c.call, c.config))
        assert(error instanceof PDClientError, `expected PDClientError, got ${String(error)}`)
        expect(error.reason).toBe("InvalidInput")
        expect(error.field).toBe(c.field)
        expect(error.message).toContain(c.field)
        expect(error.message).toContain(c.says)
        expect(http.requests).toHaveLength(0)
      }))
  }

  it.effect("every problem is listed, the first one is the field", () =>
    Effect.gen(function*() {
      const http = fakeHttp([accepted()])
      const error = yield* Effect.flip(withEvents(http, (api) => api.trigger("", "", { links: [{ href: "" }] })))
      assert(error instanceof PDClientError)
      expect(error.field).toBe("payload.summary")
      expect(error.message).toBe(
        "Invalid trigger event, nothing was sent: payload.summary must not be empty; payload.source must not be " +
          "empty; links[0].href must not be empty"
      )
      expect(http.requests).toHaveLength(0)
    }))

  it.effect("a missing routing key is a Config error that says how to set it", () =>
    Effect.gen(function*() {
      const http = fakeHttp([accepted()])
      const error = yield* Effect.flip(withEvents(http, (api) => api.trigger("s", "src"), {}))
      assert(error instanceof PDClientError)
      expect(error.reason).toBe("Config")
      expect(error.message).toContain("routingKey")
      expect(error.message).toContain("PAGERDUTY_ROUTING_KEY")
      expect(http.requests).toHaveLength(0)
    }))
})

describe("EventsApi responses and retries", () => {
  it.effect("400 fails at once with PDHTTPError carrying PagerDuty's errors", () =>
    Effect.gen(function*() {
      const http = fakeHttp([{
        status: 400,
        body: { status: "invalid event", message: "Event object is invalid", errors: ["'payload' is invalid"] }
      }])
      const error = yield* Effect.flip(withEvents(http, (api) => api.trigger("s", "src")))
      assert(error instanceof PDHTTPError)
      expect(error.status).toBe(400)
      expect(error.reason).toBe("StatusCode")
      expect(error.errorMessage).toBe("Event object is invalid")
      expect(error.errors).toEqual(["'payload' is invalid"])
      expect(error.url).toBe("https://events.pagerduty.com/v2/enqueue")
      expect(error.message).toContain("'payload' is invalid")
      expect(http.requests).toHaveLength(1)
    }))

  it.effect("a 202 without dedup_key is PDHTTPError UnexpectedShape", () =>
    Effect.gen(function*() {
      const http = fakeHttp([{ status: 202, body: { status: "success", message: "Event processed" } }])
      const error = yield* Effect.flip(withEvents(http, (api) => api.trigger("s", "src")))
      assert(error instanceof PDHTTPError)
      expect(error.reason).toBe("UnexpectedShape")
      expect(error.status).toBe(202)
      expect(error.message).toContain("dedup_key")
    }))

  it.effect("a 202 whose body is not JSON is a Decode error", () =>
    Effect.gen(function*() {
      const http = fakeHttp([{ status: 202, body: "<html>ok</html>", headers: { "content-type": "text/html" } }])
      const error = yield* Effect.flip(withEvents(http, (api) => api.trigger("s", "src")))
      assert(error instanceof PDClientError)
      expect(error.reason).toBe("Decode")
    }))

  it.effect("429 with ratelimit-reset waits that long (TestClock) then succeeds", () =>
    Effect.gen(function*() {
      const http = fakeHttp([{ status: 429, headers: { "ratelimit-reset": "5" } }, accepted("after-429")])
      const fiber = yield* Effect.fork(withEvents(http, (api) => api.trigger("s", "src")))
      yield* TestClock.adjust("4900 millis")
      expect(Option.isNone(yield* Fiber.poll(fiber))).toBe(true)
      expect(http.requests).toHaveLength(1)
      yield* TestClock.adjust("2 seconds")
      expect(yield* Fiber.join(fiber)).toBe("after-429")
      expect(http.requests).toHaveLength(2)
      expect(http.requests[1].json).toEqual(http.requests[0].json)
    }))

  it.effect("429 without headers waits the policy's backoff (3 s ± 10%) then succeeds", () =>
    Effect.gen(function*() {
      const http = fakeHttp([{ status: 429 }, accepted("k")])
      const fiber = yield* Effect.fork(withEvents(http, (api) => api.resolve("k")))
      yield* TestClock.adjust("2600 millis")
      expect(Option.isNone(yield* Fiber.poll(fiber))).toBe(true)
      expect(http.requests).toHaveLength(1)
      yield* TestClock.adjust("800 millis")
      yield* Fiber.join(fiber)
      expect(http.requests).toHaveLength(2)
    }))

  it.effect("500 is retried twice (Events defaults: exactly 3 requests), then fails with PDHTTPError 500", () =>
    Effect.gen(function*() {
      const http = fakeHttp([{ status: 500, body: { status: "error", message: "Internal error" } }])
      const fiber = yield* Effect.fork(Effect.flip(withEvents(http, (api) => api.trigger("s", "src"))))
      yield* TestClock.adjust("2 seconds")
      expect(http.requests).toHaveLength(1)
      yield* TestClock.adjust("2 seconds") // first wait: 3 s ± 10%
      expect(http.requests).toHaveLength(2)
      yield* TestClock.adjust("7 seconds") // second wait: 6 s ± 10%
      const error = yield* Fiber.join(fiber)
      assert(error instanceof PDHTTPError)
      expect(error.status).toBe(500)
      expect(http.requests).toHaveLength(3)
      yield* TestClock.adjust("5 minutes")
      expect(http.requests).toHaveLength(3)
    }))

  it.effect("502 is retried four times (5 requests), then succeeds if PagerDuty recovers", () =>
    Effect.gen(function*() {
      const http = fakeHttp([{ status: 502 }, { status: 502 }, { status: 502 }, { status: 502 }, accepted("late")])
      const fiber = yield* Effect.fork(withEvents(http, (api) => api.trigger("s", "src")))
      yield* TestClock.adjust("60 seconds")
      expect(yield* Fiber.join(fiber)).toBe("late")
      expect(http.requests).toHaveLength(5)
    }))

  it.effect("the eventsRetry option of RetryPolicy changes the Events counts", () =>
    Effect.gen(function*() {
      const http = fakeHttp([{ status: 500 }])
      const fiber = yield* Effect.fork(
        Effect.flip(
          withEvents(http, (api) => api.trigger("s", "src"), { routingKey: KEY }, { eventsRetry: { 500: 0 } })
        )
      )
      yield* TestClock.adjust("1 minute")
      const error = yield* Fiber.join(fiber)
      assert(error instanceof PDHTTPError)
      expect(http.requests).toHaveLength(1)
    }))
})

describe("the routing key never leaks", () => {
  const echo = `routing key ${KEY} is not allowed here`

  const expectNoKey = (error: unknown, key = KEY) => {
    for (const text of renderings(error)) expect(text).not.toContain(key)
  }

  it.effect("a 400 that echoes the key: message, errors and body are redacted", () =>
    Effect.gen(function*() {
      const http = fakeHttp([{ status: 400, body: { status: "invalid", message: echo, errors: [echo] } }])
      const error = yield* Effect.flip(withEvents(http, (api) => api.trigger("s", "src")))
      assert(error instanceof PDHTTPError)
      expectNoKey(error)
      expect(error.errors).toEqual(["routing key *** is not allowed here"])
      expect(error.body).toContain("***")
    }))

  it.effect("a 401 that echoes the key (built by the executor) is redacted", () =>
    Effect.gen(function*() {
      const http = fakeHttp([{ status: 401, body: { status: "unauthorized", message: echo } }])
      const error = yield* Effect.flip(withEvents(http, (api) => api.trigger("s", "src")))
      assert(error instanceof PDHTTPError)
      expect(error.status).toBe(401)
      expectNoKey(error)
    }))

  it.effect("a 2xx body that is not JSON but echoes the key: the snippet is redacted", () =>
    Effect.gen(function*() {
      const http = fakeHttp([{ status: 202, body: `accepted ${KEY}`, headers: { "content-type": "text/plain" } }])
      const error = yield* Effect.flip(withEvents(http, (api) => api.trigger("s", "src")))
      assert(error instanceof PDClientError)
      expect(error.reason).toBe("Decode")
      expectNoKey(error)
    }))

  it.effect("transport failures: the error's cause does not carry the request body", () =>
    Effect.gen(function*() {
      const http = fakeHttp(["transport"])
      const fiber = yield* Effect.fork(Effect.flip(withEvents(http, (api) => api.trigger("s", "src"))))
      yield* TestClock.adjust("5 minutes")
      const error = yield* Fiber.join(fiber)
      assert(error instanceof PDClientError)
      expect(error.reason).toBe("Transport")
      expect(http.requests).toHaveLength(4)
      expect(error.message).toContain("ECONNREFUSED")
      expectNoKey(error)
    }))

  it.effect("an invalid routing key is not quoted in the error", () =>
    Effect.gen(function*() {
      const http = fakeHttp([accepted()])
      const shortKey = KEY.slice(0, 31)
      const error = yield* Effect.flip(
        withEvents(http, (api) => api.trigger("s", "src", { routingKey: Redacted.make(shortKey) }))
      )
      expectNoKey(error, shortKey)
      expect(http.requests).toHaveLength(0)
    }))

  it.effect("no log line contains the key, even at LogLevel.All with debug on", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      const capture = Logger.map(Logger.logfmtLogger, (line) => {
        lines.push(line)
      })
      const http = fakeHttp([
        { status: 429, headers: { "ratelimit-reset": "1" } },
        { status: 500, body: { message: echo } },
        "transport",
        { status: 400, body: { status: "invalid", message: echo, errors: [echo] } }
      ])
      const fiber = yield* Effect.fork(
        withEvents(http, (api) => api.trigger("s", "src"), { routingKey: KEY, debug: true }).pipe(
          Effect.tapErrorCause(Effect.logError),
          Effect.exit,
          Effect.provide(Logger.add(capture)),
          Logger.withMinimumLogLevel(LogLevel.All)
        )
      )
      yield* TestClock.adjust("5 minutes")
      const exit = yield* Fiber.join(fiber)
      expect(Exit.isFailure(exit)).toBe(true)
      expect(http.requests).toHaveLength(4)
      expect(lines.length).toBeGreaterThan(3)
      for (const line of lines) expect(line).not.toContain(KEY)
    }))
})
