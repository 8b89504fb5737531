/**
 * Runs an effect with a recording tracer and a logger that keeps every line at every level, and gathers every text a
 * user or an operator could see of it: the error's renderings (`message`, `String`, `JSON.stringify`,
 * `Cause.pretty`), the exit, log lines, span names, attributes, events and exits, and metric labels. The secrets tests
 * assert that no credential appears in any of them.
 */
import { assert } from "@effect/vitest"
import { Cause, Effect, Exit, HashMap, Layer, Logger, LogLevel, Metric, Option, Tracer } from "effect"

export interface Observed<A, E> {
  readonly exit: Exit.Exit<A, E>
  readonly logs: ReadonlyArray<string>
  readonly spans: ReadonlyArray<Tracer.Span>
}

const safeJson = (value: unknown): string => {
  try {
    return JSON.stringify(value) ?? ""
  } catch {
    return ""
  }
}

/** Every way an error can be shown. */
export const renderings = (error: unknown): ReadonlyArray<string> => [
  error instanceof Error ? error.message : "",
  String(error),
  safeJson(error),
  Cause.pretty(Cause.fail(error))
]

export const observe = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<Observed<A, E>, never, R> =>
  Effect.gen(function*() {
    const tracer = yield* Effect.tracer
    const spans: Array<Tracer.Span> = []
    const recording = Tracer.make({
      span: (...args) => {
        const span = tracer.span(...args)
        spans.push(span)
        return span
      },
      context: (f, fiber) => tracer.context(f, fiber)
    })
    const logs: Array<string> = []
    const logger = Logger.make(({ annotations, cause, logLevel, message }) => {
      logs.push(
        `${logLevel.label} ${safeJson(message)} ${safeJson(Array.from(HashMap.toEntries(annotations)))} ${
          Cause.isEmpty(cause) ? "" : Cause.pretty(cause)
        }`
      )
    })
    const logging = Layer.merge(Logger.replace(Logger.defaultLogger, logger), Logger.minimumLogLevel(LogLevel.All))
    const exit = yield* effect.pipe(Effect.withTracer(recording), Effect.provide(logging), Effect.exit)
    return { exit, logs, spans }
  })

/** Every text of an observed run, metric labels included. */
export const texts = <A, E>(observed: Observed<A, E>): Effect.Effect<ReadonlyArray<string>> =>
  Effect.gen(function*() {
    const out: Array<string> = [String(observed.exit), safeJson(observed.exit), ...observed.logs]
    if (Exit.isFailure(observed.exit)) {
      out.push(Cause.pretty(observed.exit.cause))
      const failure = Cause.failureOption(observed.exit.cause)
      if (Option.isSome(failure)) out.push(...renderings(failure.value))
    }
    for (const span of observed.spans) {
      out.push(span.name)
      for (const [name, value] of span.attributes) out.push(`${name}=${String(value)} ${safeJson(value)}`)
      const events = (span as unknown as { readonly events?: ReadonlyArray<unknown> }).events ?? []
      out.push(safeJson(events))
      if (span.status._tag === "Ended") {
        out.push(String(span.status.exit), safeJson(span.status.exit))
        if (Exit.isFailure(span.status.exit)) out.push(Cause.pretty(span.status.exit.cause))
      }
    }
    for (const pair of yield* Metric.snapshot) {
      out.push(pair.metricKey.name, ...pair.metricKey.tags.map((tag) => `${tag.key}=${tag.value}`))
    }
    return out
  })

/** Asserts that no secret (as is, or URL-encoded) appears in any text of the run. */
export const assertNoSecret = <A, E>(observed: Observed<A, E>, secrets: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const all = yield* texts(observed)
    for (const secret of secrets) {
      for (const form of new Set([secret, encodeURIComponent(secret)])) {
        for (const text of all) {
          assert.notInclude(text, form, `a credential leaked into: ${text.slice(0, 300)}`)
        }
      }
    }
  })
