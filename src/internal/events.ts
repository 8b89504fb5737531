/**
 * The shared implementation of `EventsApi` and `ChangeEventsApi`: the routing key, event building, client-side
 * validation (with `effect/Schema`), the size limit, sending through the executor, response decoding, and keeping the
 * routing key out of every error.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Random from "effect/Random"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type { ChangeEvent, ChangeEventOptions, ChangeEventResult, ChangeEventsApiService } from "../ChangeEventsApi.js"
import type { AlertEvent, EventOptions, EventResult, EventsApiService, TriggerOptions } from "../EventsApi.js"
import { PagerDutyConfig } from "../PagerDutyConfig.js"
import type { PagerDutyConfigService } from "../PagerDutyConfig.js"
import { PDClientError, PDHTTPError } from "../PagerDutyError.js"
import { RetryPolicy } from "../RetryPolicy.js"
import { makeExecutor } from "./executor.js"
import { HttpClient, HttpClientError } from "./http.js"
import type { ResponseFacts } from "./responses.js"
import { httpError, parseJson } from "./responses.js"

// ---------------------------------------------------------------------------------------------------------------------
// limits and enums
// ---------------------------------------------------------------------------------------------------------------------

/** PagerDuty's limit on the whole JSON body of an event: 512 KB. @internal */
export const maxEventBytes = 512 * 1024

/** @internal */
export const maxSummaryLength = 1024

/** @internal */
export const maxDedupKeyLength = 255

/** @internal */
export const severities = ["critical", "error", "warning", "info"] as const

/** @internal */
export const eventActions = ["trigger", "acknowledge", "resolve"] as const

const routingKeyShape = /^[A-Za-z0-9]{32}$/

const count = (n: number): string => n.toLocaleString("en-US")

const codePoints = (s: string): number => {
  let n = 0
  for (const _ of s) n += 1
  return n
}

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

const invalid = (field: string, description: string) =>
  new PDClientError({ reason: "InvalidInput", field, description })

// ---------------------------------------------------------------------------------------------------------------------
// the routing key
// ---------------------------------------------------------------------------------------------------------------------

/** @internal */
export type RoutingKeyInput = Redacted.Redacted<string> | string

/**
 * The routing key of a call: the call's own (an option, or `routing_key` in a whole event), else the configured one.
 * Checked for the documented shape (32 letters and digits); no error ever contains the key.
 *
 * @internal
 */
export const resolveRoutingKey = (
  config: PagerDutyConfigService,
  given: unknown
): Either.Either<string, PDClientError> => {
  let key: string
  let origin: string
  if (given === undefined) {
    if (Option.isNone(config.routingKey)) {
      return Either.left(
        new PDClientError({
          reason: "Config",
          field: "routing_key",
          description:
            "No Events API routing key is configured: set routingKey in PagerDutyConfig.layer({ routingKey })" +
            " (or the PAGERDUTY_ROUTING_KEY environment variable with PagerDutyConfig.layerConfig()), or pass" +
            " routingKey to the call. It is the Integration Key of an Events API v2 integration."
        })
      )
    }
    key = Redacted.value(config.routingKey.value)
    origin = "the configured routing key"
  } else {
    const value = Redacted.isRedacted(given) ? Redacted.value(given) : given
    if (typeof value !== "string") {
      return Either.left(invalid("routing_key", "routing_key must be a string (or a Redacted string)"))
    }
    key = value
    origin = "the given routing key"
  }
  if (!routingKeyShape.test(key)) {
    const problem = key.length !== 32
      ? `${origin} has ${count(key.length)} characters`
      : `${origin} contains characters other than letters and digits`
    return Either.left(invalid(
      "routing_key",
      `routing_key must be exactly 32 letters and digits (the Integration Key of an Events API v2 integration); ` +
        `${problem}`
    ))
  }
  return Either.right(key)
}

// ---------------------------------------------------------------------------------------------------------------------
// validation schemas (applied to the JSON that will be sent)
// ---------------------------------------------------------------------------------------------------------------------

const Str = Schema.String.annotations({ message: () => "must be a string" })

const Text = (options: { readonly max?: number; readonly hint?: string }) =>
  Str.pipe(Schema.filter((s) => {
    if (s.trim() === "") return `must not be empty${options.hint !== undefined ? ` (${options.hint})` : ""}`
    if (options.max !== undefined) {
      const length = codePoints(s)
      if (length > options.max) return `must be at most ${count(options.max)} characters (it has ${count(length)})`
    }
    return true
  }))

const isAbsoluteUrl = (s: string): boolean => {
  try {
    new URL(s)
    return true
  } catch {
    return false
  }
}

const Url = Text({}).pipe(Schema.filter((s) => isAbsoluteUrl(s) || "must be an absolute URL (such as https://…)"))

const isoDateTime =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:[Zz]|[+-](\d{2})(?::?(\d{2}))?)$/

/** Whether a string is an ISO 8601 date-time with a time zone, such as `2015-07-17T08:42:58.315+0000`. @internal */
export const isIsoDateTime = (s: string): boolean => {
  const match = isoDateTime.exec(s)
  if (match === null) return false
  const [, , month, day, hour, minute, second, offsetHours, offsetMinutes] = match
  const inRange = (value: string | undefined, max: number, min = 0) =>
    value === undefined || (Number(value) >= min && Number(value) <= max)
  return inRange(month, 12, 1) && inRange(day, 31, 1) && inRange(hour, 23) && inRange(minute, 59) &&
    inRange(second, 60) && inRange(offsetHours, 23) && inRange(offsetMinutes, 59) &&
    !Number.isNaN(Date.parse(s.replace(/([+-]\d{2})(\d{2})$/, "$1:$2")))
}

const Timestamp = Str.pipe(Schema.filter((s) =>
  isIsoDateTime(s) ||
  "must be an ISO 8601 date-time with a time zone, such as 2015-07-17T08:42:58.315Z or 2015-07-17T10:42:58+02:00"
))

const Details = Schema.Unknown.pipe(
  Schema.filter((u) => isRecord(u) || "must be an object of key/value details")
)

const OneOf = (values: ReadonlyArray<string>) =>
  Str.pipe(Schema.filter((s) =>
    values.includes(s) ||
    `must be one of ${values.map((v) => JSON.stringify(v)).join(", ")} (got ${JSON.stringify(s.slice(0, 40))})`
  ))

const required = <A, I>(schema: Schema.Schema<A, I>, missing = "is required") =>
  Schema.propertySignature(schema).annotations({ missingMessage: () => missing })

const optional = <A, I>(schema: Schema.Schema<A, I>) => Schema.optionalWith(schema, { exact: true })

const ArrayOf = <A, I>(item: Schema.Schema<A, I>) =>
  Schema.Array(item).annotations({ message: () => "must be an array" })

const Image = Schema.Struct({
  src: required(Url, "is required (the HTTPS URL of the image)"),
  href: optional(Url),
  alt: optional(Str)
}).annotations({ message: () => "must be an object with src (and optionally href, alt)" })

const Link = Schema.Struct({
  href: required(Url),
  text: optional(Str)
}).annotations({ message: () => "must be an object with href (and optionally text)" })

const DedupKey = Text({ max: maxDedupKeyLength, hint: "leave it out to let PagerDuty generate one" })

const AlertPayload = Schema.Struct({
  summary: required(Text({ max: maxSummaryLength })),
  source: required(Text({})),
  severity: required(OneOf(severities)),
  timestamp: optional(Timestamp),
  component: optional(Str),
  group: optional(Str),
  class: optional(Str),
  custom_details: optional(Details)
}).annotations({ message: () => "must be an object" })

const EventAction = Schema.Struct({ event_action: required(OneOf(eventActions)) })

const TriggerEvent = Schema.Struct({
  event_action: required(OneOf(eventActions)),
  dedup_key: optional(DedupKey),
  payload: required(AlertPayload, "is required for a trigger event (summary, source and severity)"),
  client: optional(Str),
  client_url: optional(Url),
  images: optional(ArrayOf(Image)),
  links: optional(ArrayOf(Link))
})

const UpdateEvent = Schema.Struct({
  event_action: required(OneOf(eventActions)),
  dedup_key: required(DedupKey, "is required to acknowledge or resolve an alert (the dedup_key of its trigger)")
})

const ChangePayload = Schema.Struct({
  summary: required(Text({ max: maxSummaryLength })),
  source: optional(Text({})),
  timestamp: optional(Timestamp),
  custom_details: optional(Details)
}).annotations({ message: () => "must be an object" })

const ChangeEventSchema = Schema.Struct({
  payload: required(ChangePayload, "is required (with at least a summary)"),
  links: optional(ArrayOf(Link)),
  images: optional(ArrayOf(Image))
})

const fieldName = (path: ReadonlyArray<PropertyKey>): string =>
  path.reduce<string>(
    (out, key) => typeof key === "number" ? `${out}[${key}]` : out === "" ? String(key) : `${out}.${String(key)}`,
    ""
  )

const validate = <A, I>(
  schema: Schema.Schema<A, I>,
  what: string,
  value: unknown
): Either.Either<void, PDClientError> => {
  const result = Schema.decodeUnknownEither(schema, { errors: "all" })(value)
  if (Either.isRight(result)) return Either.void
  const seen = new Set<string>()
  const problems: Array<{ readonly field: string; readonly message: string }> = []
  for (const issue of ParseResult.ArrayFormatter.formatErrorSync(result.left)) {
    const field = fieldName(issue.path)
    const line = `${field} ${issue.message}`
    if (seen.has(line)) continue
    seen.add(line)
    problems.push({ field, message: issue.message })
  }
  const first = problems[0] ?? { field: "event", message: "is invalid" }
  return Either.left(invalid(
    first.field,
    `Invalid ${what}, nothing was sent: ${problems.map((p) => `${p.field} ${p.message}`).join("; ")}`
  ))
}

/** Validates an Events API v2 (alert) event as it will be sent. @internal */
export const validateAlertEvent = (event: unknown): Either.Either<void, PDClientError> => {
  if (!isRecord(event)) {
    return Either.left(invalid("event", "Invalid event, nothing was sent: the event must be an object"))
  }
  return Either.flatMap(
    validate(EventAction, "event", event),
    () =>
      event.event_action === "trigger"
        ? validate(TriggerEvent, "trigger event", event)
        : validate(UpdateEvent, `${String(event.event_action)} event`, event)
  )
}

/** Validates a change event as it will be sent. @internal */
export const validateChangeEvent = (event: unknown): Either.Either<void, PDClientError> =>
  isRecord(event) ?
    validate(ChangeEventSchema, "change event", event) :
    Either.left(invalid("event", "Invalid change event, nothing was sent: the change event must be an object"))

// ---------------------------------------------------------------------------------------------------------------------
// building events
// ---------------------------------------------------------------------------------------------------------------------

/**
 * A timestamp option as sent: a string as given (validated later as ISO 8601); anything else `DateTime` accepts
 * (a `DateTime`, a `Date`, epoch milliseconds, parts) as ISO 8601 in UTC.
 *
 * @internal
 */
export const timestampOption = (
  input: DateTime.DateTime.Input,
  field: string
): Either.Either<string, PDClientError> => {
  if (typeof input === "string") return Either.right(input)
  return Option.match(DateTime.make(input), {
    onNone: () => Either.left(invalid(field, `Invalid event, nothing was sent: ${field} is not a valid date`)),
    onSome: (dateTime) => Either.right(DateTime.formatIso(dateTime))
  })
}

/** Copies the entries of `record` whose value is not `undefined`. */
const defined = (record: Readonly<Record<string, unknown>>): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(record)) {
    if (value !== undefined) out[key] = value
  }
  return out
}

/**
 * The body of a trigger event (without the routing key): the named options, then the `payload` option's fields over
 * them (they win, summary, source and severity included), then the `customDetails` option merged key by key over
 * `payload.custom_details` (it wins on a shared key). Nothing the caller passed is mutated.
 *
 * @internal
 */
export const buildTrigger = (
  summary: string,
  source: string,
  options: TriggerOptions
): Either.Either<Record<string, unknown>, PDClientError> => {
  const timestamp = options.timestamp === undefined
    ? Either.right(undefined)
    : timestampOption(options.timestamp, "payload.timestamp")
  return Either.map(timestamp, (timestamp) => {
    const override = options.payload === undefined ? {} : defined(options.payload)
    const payload: Record<string, unknown> = {
      ...defined({
        summary,
        source,
        severity: options.severity ?? "critical",
        timestamp,
        component: options.component,
        group: options.group,
        class: options.class,
        custom_details: options.customDetails
      }),
      ...override
    }
    if (options.customDetails !== undefined) {
      const base = override.custom_details
      if (base === undefined || isRecord(base)) payload.custom_details = { ...base, ...options.customDetails }
    }
    return defined({
      event_action: "trigger",
      dedup_key: options.dedupKey,
      payload,
      client: options.client,
      client_url: options.clientUrl,
      images: options.images,
      links: options.links
    })
  })
}

/** The body of a change event (without the routing key). @internal */
export const buildChange = (
  summary: string,
  options: ChangeEventOptions,
  now: number
): Either.Either<Record<string, unknown>, PDClientError> => {
  const timestamp = options.timestamp === undefined
    ? Either.right(DateTime.formatIso(DateTime.unsafeMake(now)))
    : timestampOption(options.timestamp, "payload.timestamp")
  return Either.map(timestamp, (timestamp) =>
    defined({
      payload: defined({ summary, timestamp, source: options.source, custom_details: options.customDetails }),
      links: options.links,
      images: options.images
    }))
}

// ---------------------------------------------------------------------------------------------------------------------
// keeping the routing key out of errors
// ---------------------------------------------------------------------------------------------------------------------

const mask = "***"

const scrub = (text: string, secret: string): string => text.split(secret).join(mask)

const mentions = (value: unknown, secret: string): boolean => {
  try {
    return (JSON.stringify(value) ?? "").includes(secret) || String(value).includes(secret)
  } catch {
    return true
  }
}

/**
 * A cause that is safe to keep: an HTTP client error carries the request, whose JSON body (with the routing key) its
 * `toJSON` prints, so only its underlying cause is kept; anything that still mentions the key is dropped.
 */
const safeCause = (cause: unknown, secret: string): unknown => {
  const inner = HttpClientError.isHttpClientError(cause) ? cause.cause : cause
  return inner === undefined || mentions(inner, secret) ? undefined : inner
}

/**
 * The error with every occurrence of the routing key replaced by `***` (PagerDuty may echo the body), and without
 * causes that would print the request body.
 *
 * @internal
 */
export const redactError = <E extends PDClientError | PDHTTPError>(error: E, secret: string): E => {
  if (error._tag === "PDHTTPError") {
    const e: PDHTTPError = error
    if (secret.length === 0 || !mentions(e, secret)) return error
    return new PDHTTPError({
      reason: e.reason,
      status: e.status,
      method: e.method,
      url: scrub(e.url, secret),
      errors: e.errors.map((s) => scrub(s, secret)),
      body: scrub(e.body, secret),
      ...(e.code !== undefined ? { code: e.code } : {}),
      ...(e.errorMessage !== undefined ? { errorMessage: scrub(e.errorMessage, secret) } : {}),
      ...(e.requestId !== undefined ? { requestId: e.requestId } : {}),
      ...(e.rateLimit !== undefined ? { rateLimit: e.rateLimit } : {}),
      ...(e.description !== undefined ? { description: scrub(e.description, secret) } : {})
    }) as E
  }
  const e: PDClientError = error
  const cause = e.cause === undefined ? undefined : safeCause(e.cause, secret)
  if (cause === e.cause && (secret.length === 0 || !mentions(e, secret))) return error
  const clean = (s: string) => secret.length === 0 ? s : scrub(s, secret)
  return new PDClientError({
    reason: e.reason,
    description: clean(e.description),
    ...(e.method !== undefined ? { method: e.method } : {}),
    ...(e.url !== undefined ? { url: clean(e.url) } : {}),
    ...(e.status !== undefined ? { status: e.status } : {}),
    ...(e.bodySnippet !== undefined ? { bodySnippet: clean(e.bodySnippet) } : {}),
    ...(e.field !== undefined ? { field: e.field } : {}),
    ...(cause !== undefined ? { cause } : {})
  }) as E
}

// ---------------------------------------------------------------------------------------------------------------------
// sending
// ---------------------------------------------------------------------------------------------------------------------

/** What one send needs. @internal */
interface Outgoing {
  /** `EventsApi.trigger`, …: the span name. */
  readonly operation: string
  /** `/v2/enqueue` or `/v2/change/enqueue`. */
  readonly path: string
  /** `event` or `change event`, for messages. */
  readonly what: string
  /** The event without its routing key (the caller's `routing_key`, if any, is replaced). */
  readonly event: Readonly<Record<string, unknown>>
  /** The call's own routing key (option or the event's `routing_key`); `undefined` takes the configured one. */
  readonly routingKey: unknown
  readonly validate: (body: unknown) => Either.Either<void, PDClientError>
  readonly attributes?: Readonly<Record<string, unknown>> | undefined
}

/** A 2xx answer, decoded as JSON, with what an error about it needs. @internal */
interface Answer {
  readonly facts: ResponseFacts
  readonly json: unknown
}

const eventResponse = Schema.Struct({
  status: Schema.String,
  message: Schema.optional(Schema.String),
  dedup_key: Schema.String
})

const changeResponse = Schema.Struct({
  status: Schema.optional(Schema.String),
  message: Schema.optional(Schema.String),
  id: Schema.optional(Schema.String)
})

const makeSender = Effect.gen(function*() {
  const config = yield* PagerDutyConfig
  const policy = yield* RetryPolicy
  const client = yield* HttpClient.HttpClient
  const executor = yield* makeExecutor({ client, policy, rules: "events", credentials: undefined, debug: config.debug })

  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" }
  if (Option.isSome(config.userAgent)) headers["user-agent"] = config.userAgent.value

  const post = (outgoing: Outgoing): Effect.Effect<Answer, PDClientError | PDHTTPError> => {
    const given = Redacted.isRedacted(outgoing.routingKey) ? Redacted.value(outgoing.routingKey) : outgoing.routingKey
    let secret = typeof given === "string"
      ? given
      : outgoing.routingKey === undefined && Option.isSome(config.routingKey)
      ? Redacted.value(config.routingKey.value)
      : ""
    return Effect.gen(function*() {
      const key = yield* resolveRoutingKey(config, outgoing.routingKey)
      secret = key
      const body: Record<string, unknown> = { routing_key: key }
      for (const [name, value] of Object.entries(outgoing.event)) {
        if (name !== "routing_key") body[name] = value
      }
      const text = yield* Effect.try({
        try: () => JSON.stringify(body),
        catch: (cause) =>
          invalid(
            "event",
            `Invalid ${outgoing.what}, nothing was sent: it cannot be serialized as JSON (${
              cause instanceof Error ? cause.message : String(cause)
            })`
          )
      })
      yield* outgoing.validate(JSON.parse(text))
      const bytes = new TextEncoder().encode(text).length
      if (bytes > maxEventBytes) {
        return yield* invalid(
          "event",
          `Invalid ${outgoing.what}, nothing was sent: its JSON is ${count(bytes)} bytes; PagerDuty accepts at most ` +
            `512 KB (${count(maxEventBytes)} bytes). Shorten custom_details or the summary.`
        )
      }
      const url = `${config.eventsUrl}${outgoing.path}`
      // The status check and parsing run inside the call's span (`finish`), so their failures are the span's.
      return yield* executor.send(
        {
          method: "POST",
          url,
          endpoint: `POST ${outgoing.path}`,
          operation: outgoing.operation,
          headers,
          body: { contentType: "application/json", text },
          timeout: config.timeout,
          attributes: outgoing.attributes,
          // Scrubbed from any transport error text before it reaches a retry log or span event.
          secrets: [Redacted.make(key)],
          rateLimitKey: Redacted.make(key)
        },
        (response) => response.text,
        (sent): Effect.Effect<Answer, PDHTTPError | PDClientError> => {
          const facts: ResponseFacts = {
            method: "POST",
            url,
            status: sent.response.status,
            headers: sent.response.headers,
            bodyText: scrub(sent.value, key)
          }
          if (facts.status < 200 || facts.status >= 300) return Effect.fail(httpError(facts))
          const parsed = parseJson(facts)
          if (parsed._tag === "Left") return Effect.fail(parsed.error)
          return Effect.succeed({ facts, json: parsed.value })
        }
      )
    }).pipe(Effect.mapError((error) => redactError(error, secret.length >= 8 ? secret : "")))
  }

  return { post }
})

const decodeAnswer = <A, I>(
  answer: Answer,
  schema: Schema.Schema<A, I>,
  expected: string
): Effect.Effect<A, PDHTTPError> =>
  Either.match(Schema.decodeUnknownEither(schema)(answer.json), {
    onLeft: () => Effect.fail(httpError(answer.facts, expected)),
    onRight: Effect.succeed
  })

const withoutRoutingKey = (event: Readonly<Record<string, unknown>>): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(event)) {
    if (name !== "routing_key") out[name] = value
  }
  return out
}

/**
 * A dedup key for a trigger that has none: a random UUID (v4), made once before the first attempt, so that a retry
 * after a timeout (PagerDuty may have received the first attempt) updates the same alert instead of opening a second
 * incident.
 *
 * @internal
 */
export const generateDedupKey: Effect.Effect<string> = Effect.suspend(() => {
  const crypto = (globalThis as { readonly crypto?: { readonly randomUUID?: () => string } }).crypto
  if (crypto !== undefined && typeof crypto.randomUUID === "function") {
    const randomUUID = crypto.randomUUID.bind(crypto)
    return Effect.sync(randomUUID)
  }
  // Without Web Crypto: 122 random bits from Effect's Random, in the UUID v4 layout.
  return Effect.map(
    Effect.all(Array.from({ length: 16 }, () => Random.nextIntBetween(0, 256))),
    (bytes) => uuidFromBytes(bytes)
  )
})

/** The UUID v4 string of 16 bytes (version and variant bits set). @internal */
export const uuidFromBytes = (bytes: ReadonlyArray<number>): string => {
  const b = bytes.map((byte, index) => index === 6 ? (byte & 0x0f) | 0x40 : index === 8 ? (byte & 0x3f) | 0x80 : byte)
  const hex = b.map((byte) => byte.toString(16).padStart(2, "0")).join("")
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** A trigger without `dedup_key` gets a generated one; any other event is returned as is. */
const withDedupKey = (event: Record<string, unknown>): Effect.Effect<Record<string, unknown>> =>
  event.event_action === "trigger" && event.dedup_key === undefined
    ? Effect.map(generateDedupKey, (dedupKey) => ({ ...event, dedup_key: dedupKey }))
    : Effect.succeed(event)

/** @internal */
export const makeEventsApi: Effect.Effect<
  EventsApiService,
  never,
  PagerDutyConfig | RetryPolicy | HttpClient.HttpClient
> = Effect.gen(function*() {
  const { post } = yield* makeSender

  const sendEvent = (
    operation: string,
    event: unknown,
    routingKey: unknown
  ): Effect.Effect<EventResult, PDClientError | PDHTTPError> =>
    Effect.gen(function*() {
      if (!isRecord(event)) {
        return yield* invalid("event", "Invalid event, nothing was sent: the event must be an object")
      }
      const answer = yield* post({
        operation,
        path: "/v2/enqueue",
        what: "event",
        event: yield* withDedupKey(withoutRoutingKey(event)),
        routingKey: routingKey ?? event.routing_key,
        validate: validateAlertEvent,
        attributes: typeof event.event_action === "string"
          ? { "pagerduty.event_action": event.event_action }
          : undefined
      })
      const decoded = yield* decodeAnswer(
        answer,
        eventResponse,
        "The Events API accepted the event but its answer has no dedup_key (expected {status, message, dedup_key})"
      )
      return { status: decoded.status, message: decoded.message, dedupKey: decoded.dedup_key }
    })

  const update = (action: "acknowledge" | "resolve") => (dedupKey: string, options?: EventOptions) =>
    Effect.asVoid(
      sendEvent(`EventsApi.${action}`, { event_action: action, dedup_key: dedupKey }, options?.routingKey)
    )

  return {
    trigger: (summary, source, options = {}) =>
      Effect.suspend(() =>
        Effect.flatMap(
          buildTrigger(summary, source, options),
          (event) => sendEvent("EventsApi.trigger", event, options.routingKey)
        )
      ).pipe(Effect.map((result) => result.dedupKey)),
    acknowledge: update("acknowledge"),
    resolve: update("resolve"),
    send: (event: AlertEvent) => Effect.suspend(() => sendEvent("EventsApi.send", event, undefined))
  }
})

/** @internal */
export const makeChangeEventsApi: Effect.Effect<
  ChangeEventsApiService,
  never,
  PagerDutyConfig | RetryPolicy | HttpClient.HttpClient
> = Effect.gen(function*() {
  const { post } = yield* makeSender

  const sendChange = (
    operation: string,
    event: unknown,
    routingKey: unknown
  ): Effect.Effect<ChangeEventResult, PDClientError | PDHTTPError> =>
    Effect.gen(function*() {
      if (!isRecord(event)) {
        return yield* invalid("event", "Invalid change event, nothing was sent: the change event must be an object")
      }
      const answer = yield* post({
        operation,
        path: "/v2/change/enqueue",
        what: "change event",
        event: withoutRoutingKey(event),
        routingKey: routingKey ?? event.routing_key,
        validate: validateChangeEvent
      })
      if (answer.json === undefined) return { status: undefined, message: undefined, id: undefined }
      const decoded = yield* decodeAnswer(
        answer,
        changeResponse,
        "The Change Events API accepted the event but its answer is not an object of {status, message, id} strings"
      )
      return { status: decoded.status, message: decoded.message, id: decoded.id }
    })

  return {
    submit: (summary, options = {}) =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const event = yield* buildChange(summary, options, now)
        const result = yield* sendChange("ChangeEventsApi.submit", event, options.routingKey)
        return result.id
      }),
    send: (event: ChangeEvent) => Effect.suspend(() => sendChange("ChangeEventsApi.send", event, undefined))
  }
})
