/**
 * An in-memory `HttpClient` for the entity and pagination tests: records every request and answers with a handler.
 */
import { HttpClient, HttpClientResponse } from "@effect/platform"
import { Effect, Layer, Logger, Tracer } from "effect"
import { PagerDutyConfig, RestApi, RetryPolicy } from "effect-pagerduty"
import type { PagerDutyConfigOptions, RetryPolicyOptions } from "effect-pagerduty"

export interface Recorded {
  readonly method: string
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
  /** The parsed JSON body, or `undefined`. */
  readonly body: unknown
}

export interface Reply {
  readonly status?: number
  /** JSON-encoded unless a string. */
  readonly body?: unknown
  readonly headers?: Record<string, string>
}

export type Handler = (request: Recorded) => Effect.Effect<Reply>

export interface Fake {
  readonly client: HttpClient.HttpClient
  readonly requests: Array<Recorded>
}

const decoder = new TextDecoder()

export const makeFake = (handler: Handler): Fake => {
  const requests: Array<Recorded> = []
  const client = HttpClient.make((request, url) =>
    Effect.suspend(() => {
      const text = request.body._tag === "Uint8Array" ? decoder.decode(request.body.body) : undefined
      const recorded: Recorded = {
        method: request.method,
        url,
        headers: request.headers,
        body: text === undefined || text === "" ? undefined : JSON.parse(text)
      }
      requests.push(recorded)
      return Effect.map(handler(recorded), (reply) => {
        const status = reply.status ?? 200
        const body = reply.body === undefined
          ? null
          : typeof reply.body === "string"
          ? reply.body
          : JSON.stringify(reply.body)
        return HttpClientResponse.fromWeb(
          request,
          new Response(status === 204 ? null : body, {
            status,
            headers: { "content-type": "application/json", ...reply.headers }
          })
        )
      })
    })
  )
  return { client, requests }
}

export const layerFor = (
  fake: Fake,
  config: PagerDutyConfigOptions = {},
  retry: RetryPolicyOptions = {}
) =>
  RestApi.layer.pipe(
    Layer.provide([
      PagerDutyConfig.layer({ apiKey: "test-key", ...config }),
      RetryPolicy.layer(retry),
      Layer.succeed(HttpClient.HttpClient, fake.client)
    ])
  )

/** The query of a request as a plain record (repeated keys: the last value). */
export const query = (request: Recorded): Record<string, string> => Object.fromEntries(request.url.searchParams)

export const intParam = (request: Recorded, name: string, fallback: number): number => {
  const value = request.url.searchParams.get(name)
  return value === null ? fallback : Number(value)
}

export interface Collection {
  readonly items: ReadonlyArray<unknown>
  readonly wrapper: string
}

/**
 * Classic offset paging over `items`, as PagerDuty does it: `limit` (default 25), `offset`, `more`, `total` when
 * asked, 400 when `offset + limit` passes 10,000.
 */
export const offsetPage = (request: Recorded, { items, wrapper }: Collection): Reply => {
  const limit = intParam(request, "limit", 25)
  const offset = intParam(request, "offset", 0)
  if (offset + limit > 10_000) {
    return {
      status: 400,
      body: { error: { code: 2001, message: "Offset+limit exceeds maximum allowed value of 10000." } }
    }
  }
  const page = items.slice(offset, offset + limit)
  return {
    body: {
      [wrapper]: page,
      limit,
      offset,
      more: offset + limit < items.length,
      total: request.url.searchParams.get("total") === "true" ? items.length : null
    }
  }
}

export const users = (n: number, from = 0): Array<{ id: string; name: string; email: string }> =>
  Array.from({ length: n }, (_, i) => ({
    id: `PU${String(from + i).padStart(6, "0")}`,
    name: `User ${from + i}`,
    email: `user${from + i}@example.com`
  }))

/** Runs an effect with a tracer that records the spans the default tracer makes. */
export const withSpans = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const base = yield* Effect.tracer
    const spans: Array<Tracer.Span> = []
    const tracer = Tracer.make({
      span: (...args) => {
        const span = base.span(...args)
        spans.push(span)
        return span
      },
      context: (f, fiber) => base.context(f, fiber)
    })
    const result = yield* Effect.withTracer(effect, tracer)
    return [result, spans] as const
  })

export interface LogLine {
  readonly level: string
  readonly message: string
}

/** Runs an effect with a logger that records every line (instead of printing it). */
export const withLogs = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const lines: Array<LogLine> = []
    const logger = Logger.make(({ logLevel, message }) => {
      const parts = Array.isArray(message) ? message : [message]
      lines.push({ level: logLevel.label, message: parts.map(String).join(" ") })
    })
    const result = yield* Effect.provide(effect, Logger.replace(Logger.defaultLogger, logger))
    return [result, lines] as const
  })
