/**
 * Observability: every logical call is a span named after the method and canonical path (`RestApi.rget GET
 * /users/{id}`), with the status, the number of attempts and PagerDuty's request id as attributes, and retries as
 * span events; every call updates Effect metrics (calls and attempts counted separately, latency, 429s) tagged by
 * endpoint. No secret is ever put in an attribute, and no trace header is sent to PagerDuty.
 *
 * Spans go to whatever Tracer the program provides (@effect/opentelemetry for a real exporter); here a small console
 * tracer prints each span as it ends. Metrics are read with Effect's Metric module (a Prometheus or OTLP exporter
 * reads the same registry).
 *
 *   PAGERDUTY_API_KEY=... npx tsx examples/observability.ts
 */
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import type { Context, Exit, Option } from "effect"
import { Console, Effect, Layer, Metric, MetricState, Tracer } from "effect"
import { PagerDuty, PagerDutyMetrics, RestApi } from "effect-pagerduty"

// A console "exporter": a Tracer whose spans print their name, duration, attributes and events when they end.
class ConsoleSpan implements Tracer.Span {
  readonly _tag = "Span"
  readonly spanId = Math.random().toString(16).slice(2, 10)
  readonly traceId: string
  readonly sampled = true
  readonly attributes = new Map<string, unknown>()
  readonly links: Array<Tracer.SpanLink>
  readonly events: Array<string> = []
  status: Tracer.SpanStatus

  constructor(
    readonly name: string,
    readonly parent: Option.Option<Tracer.AnySpan>,
    readonly context: Context.Context<never>,
    links: ReadonlyArray<Tracer.SpanLink>,
    startTime: bigint,
    readonly kind: Tracer.SpanKind
  ) {
    this.traceId = parent._tag === "Some" ? parent.value.traceId : Math.random().toString(16).slice(2, 18)
    this.links = [...links]
    this.status = { _tag: "Started", startTime }
  }

  end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
    this.status = { _tag: "Ended", startTime: this.status.startTime, endTime, exit }
    const millis = (Number(endTime - this.status.startTime) / 1e6).toFixed(1)
    // Keep the library's attributes; of the HTTP client's own span, only the status.
    const shown = [...this.attributes].filter(([key]) =>
      key.startsWith("pagerduty.") || key === "http.response.status_code" || key === "http.request.method"
    )
    const attributes = shown.map(([key, value]) => `${key}=${String(value)}`).join(" ")
    const indent = "  ".repeat(depth(this))
    // console.log, not Console.log: a tracer is called synchronously, outside any Effect.
    console.log(`[span] ${indent}${this.name} (${exit._tag}, ${millis} ms) ${attributes}`)
    for (const event of this.events) console.log(`[span] ${indent}  event: ${event}`)
  }

  attribute(key: string, value: unknown): void {
    this.attributes.set(key, value)
  }

  event(name: string, _startTime: bigint, attributes?: Record<string, unknown>): void {
    this.events.push(`${name} ${JSON.stringify(attributes ?? {})}`)
  }

  addLinks(links: ReadonlyArray<Tracer.SpanLink>): void {
    this.links.push(...links)
  }
}

const depth = (span: Tracer.AnySpan): number =>
  span._tag === "Span" && span.parent._tag === "Some" ? 1 + depth(span.parent.value) : 0

const ConsoleTracer = Tracer.make({
  span: (name, parent, context, links, startTime, kind) =>
    new ConsoleSpan(name, parent, context, links, startTime, kind),
  context: (f) => f()
})

// The metrics of every endpoint called so far, from the registry.
const printMetrics = Effect.gen(function*() {
  const byEndpoint = new Map<string, { calls: number; attempts: number; rateLimited: number; millis: number }>()
  for (const pair of yield* Metric.snapshot) {
    const endpoint = pair.metricKey.tags.find((tag) => tag.key === "endpoint")?.value
    if (endpoint === undefined || !pair.metricKey.name.startsWith("pagerduty_")) continue
    const row = byEndpoint.get(endpoint) ?? { calls: 0, attempts: 0, rateLimited: 0, millis: 0 }
    const state = pair.metricState
    if (MetricState.isCounterState(state)) {
      const count = Number(state.count)
      if (pair.metricKey.name === "pagerduty_calls_total") row.calls += count
      if (pair.metricKey.name === "pagerduty_attempts_total") row.attempts += count
      if (pair.metricKey.name === "pagerduty_rate_limited_total") row.rateLimited += count
    } else if (MetricState.isHistogramState(state)) {
      row.millis += state.sum
    }
    byEndpoint.set(endpoint, row)
  }
  yield* Console.log("[metrics] endpoint                  calls  attempts  429s  total ms")
  for (const [endpoint, row] of byEndpoint) {
    yield* Console.log(
      `[metrics] ${endpoint.padEnd(25)} ${String(row.calls).padStart(5)}  ${String(row.attempts).padStart(8)}  ${
        String(row.rateLimited).padStart(4)
      }  ${row.millis.toFixed(1).padStart(8)}`
    )
  }
  // One metric directly: Metric.value of the counter tagged with its endpoint.
  const userListings = yield* Metric.value(Metric.tagged(PagerDutyMetrics.attempts, "endpoint", "GET /users"))
  yield* Console.log(`[metrics] GET /users attempts (Metric.value): ${userListings.count}`)
})

const program = Effect.gen(function*() {
  const api = yield* RestApi
  const users = yield* api.listAll("/users", { pageSize: 2 })
  yield* Console.log(`listed ${users.length} users`)
  yield* api.rget("/users/PNOEXST").pipe(
    Effect.catchTag("PDHTTPError", (error) => Console.log(`404 as expected: ${error.status}`))
  )
  yield* printMetrics
}).pipe(Effect.withSpan("observability-example"))

const PagerDutyLive = PagerDuty.layerConfig().pipe(Layer.provide(NodeHttpClient.layerUndici))

program.pipe(Effect.provide(Layer.merge(PagerDutyLive, Layer.setTracer(ConsoleTracer))), NodeRuntime.runMain)
