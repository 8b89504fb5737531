/**
 * Contract tests: the library's Events API v2 and Change Events API requests, sent through `EventsApi` and
 * `ChangeEventsApi` over Node's HTTP client to Prism serving a test copy of PagerDuty's official events document,
 * must draw no violation (`sl-violations`). The copy moves the server's `/v2` into the paths (see
 * `adjustEventsSpec`), so `eventsUrl` is Prism's bare origin and Prism checks the path the client really sends
 * (`/v2/enqueue`, `/v2/change/enqueue`). A hand-made invalid event proves Prism's check is live.
 *
 * Prism starts once for this file, on the first test (a failure to start fails every test with Prism's output; it
 * never skips), and stops when the file's layer closes.
 */
import { assert, expect, layer } from "@effect/vitest"
import { Context, Effect, Layer, Scope } from "effect"
import { ChangeEventsApi, EventsApi, PagerDutyConfig, RetryPolicy } from "effect-pagerduty"
import { readFile } from "node:fs/promises"
import { describeWithOpenApi } from "../support/openapi.js"
import type { Exchange, Prism, Recorder } from "./prism.js"
import {
  adjustEventsSpec,
  assertNoViolations,
  eventsSpecPath,
  makeRecorder,
  parseViolations,
  recorded,
  startPrism
} from "./prism.js"

/** An Events API v2 integration key: 32 letters and digits. */
const ROUTING_KEY = "R0123456789abcdef0123456789abcde"

interface Contract {
  readonly prism: Prism
  readonly events: Context.Tag.Service<typeof EventsApi>
  readonly changes: Context.Tag.Service<typeof ChangeEventsApi>
  readonly recorder: Recorder
}

class EventsContract extends Context.Tag("test/EventsContract")<EventsContract, Effect.Effect<Contract, unknown>>() {}

/** Starts Prism and builds the services on the first use, once; all live until the file's layer closes. */
const EventsContractLive = Layer.scoped(
  EventsContract,
  Effect.gen(function*() {
    const scope = yield* Effect.scope
    return yield* Effect.cached(
      Effect.gen(function*() {
        const prism = yield* startPrism(eventsSpecPath, adjustEventsSpec)
        const recorder = yield* makeRecorder
        const context = yield* Layer.build(
          Layer.mergeAll(EventsApi.layer, ChangeEventsApi.layer).pipe(
            Layer.provide([
              PagerDutyConfig.layer({ routingKey: ROUTING_KEY, eventsUrl: prism.url, timeout: "30 seconds" }),
              RetryPolicy.layer({ sleepTimer: "10 millis" }),
              recorder.layer
            ])
          )
        )
        return {
          prism,
          events: Context.get(context, EventsApi),
          changes: Context.get(context, ChangeEventsApi),
          recorder
        }
      }).pipe(Scope.extend(scope))
    )
  })
)

const contract = Effect.flatten(EventsContract)

/** Runs the library's calls with a fresh record of the exchanges. */
const checked = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.flatMap(contract, ({ recorder }) => recorded(recorder, effect))

/** See `assertNoViolations`; and each went to `path` on Prism. */
const assertClean = (exchanges: ReadonlyArray<Exchange>, count: number, path: string) =>
  Effect.map(contract, ({ prism }) => {
    assertNoViolations(prism, exchanges, count)
    for (const exchange of exchanges) assert.strictEqual(exchange.url, `${prism.url}${path}`)
  })

const prismTimeout = 150_000

describeWithOpenApi(
  "Events API contract",
  () =>
    layer(EventsContractLive, { excludeTestServices: true, timeout: "30 seconds" })(
      "Events API and Change Events API contract (Prism)",
      (it) => {
        it.effect("Prism serves the test copy of the official events spec at /v2/...", () =>
          Effect.gen(function*() {
            const { prism } = yield* contract
            assert.match(prism.url, /^http:\/\/127\.0\.0\.1:\d+$/)
            // the same absolute URLs as upstream: the server's `/v2` moved into the paths, nothing else changed
            const copy: { readonly servers: ReadonlyArray<{ readonly url: string }>; readonly paths: object } = JSON
              .parse(
                yield* Effect.promise(() => readFile(prism.specFile, "utf8"))
              )
            assert.deepStrictEqual(copy.servers.map((server) => server.url), ["https://events.pagerduty.com"])
            assert.deepStrictEqual(Object.keys(copy.paths).sort(), ["/v2/change/enqueue", "/v2/enqueue"])
          }), prismTimeout)

        it.effect("flags a hand-made invalid event (the check is live)", () =>
          Effect.gen(function*() {
            const { prism } = yield* contract
            // the library validates events before sending; fetch does not
            const response = yield* Effect.promise(() =>
              fetch(`${prism.url}/v2/enqueue`, {
                method: "POST",
                headers: { accept: "application/json", "content-type": "application/json" },
                body: JSON.stringify({ event_action: "explode", payload: { summary: "no source, no severity" } })
              })
            )
            yield* Effect.promise(() => response.text())
            const { violations } = parseViolations(response.headers.get("sl-violations"))
            const where = (violations ?? []).map((v) => `${v.location.join(".")}: ${v.message}`)
            expect(where).toEqual(
              expect.arrayContaining([
                expect.stringMatching(/^request\.body: .*'routing_key'/),
                expect.stringMatching(/^request\.body\.event_action: /),
                expect.stringMatching(/^request\.body\.payload: .*'source'/)
              ])
            )
            expect(response.status).toBeGreaterThanOrEqual(400)
          }), prismTimeout)

        it.effect("trigger with every option, then acknowledge and resolve the same alert", () =>
          Effect.gen(function*() {
            const { events } = yield* contract
            const { exchanges, value } = yield* checked(
              Effect.gen(function*() {
                const dedupKey = yield* events.trigger("DISK at 99% on machine prod-datapipe03", "prod-datapipe03", {
                  dedupKey: "srv01/mysql",
                  severity: "error",
                  component: "mysql",
                  group: "prod-datapipe",
                  class: "disk",
                  timestamp: "2015-07-17T08:42:58.315+0000",
                  customDetails: { "free space": "1%", "load avg": 0.75 },
                  client: "Sample Monitoring Service",
                  clientUrl: "https://monitoring.example.com",
                  links: [{ href: "https://example.com/runbook", text: "Runbook" }],
                  images: [{ src: "https://example.com/chart.png", href: "https://example.com", alt: "Chart" }]
                })
                yield* events.acknowledge(dedupKey)
                yield* events.resolve(dedupKey)
                return dedupKey
              })
            )
            yield* assertClean(exchanges, 3, "/v2/enqueue")
            assert.isString(value)
          }), prismTimeout)

        it.effect("a minimal trigger (PagerDuty's dedup key) and a whole event with send", () =>
          Effect.gen(function*() {
            const { events } = yield* contract
            const { exchanges } = yield* checked(
              Effect.all([
                events.trigger("Checkout latency above 2 s", "checkout-api"),
                events.send({
                  event_action: "trigger",
                  payload: { summary: "Queue depth above 10k", source: "queue-1", severity: "warning" }
                }),
                events.send({ event_action: "resolve", dedup_key: "srv01/mysql" })
              ])
            )
            yield* assertClean(exchanges, 3, "/v2/enqueue")
          }), prismTimeout)

        it.effect(
          "change events: submit with options, with the defaults, and a whole event with send",
          () =>
            Effect.gen(function*() {
              const { changes } = yield* contract
              const { exchanges } = yield* checked(
                Effect.all([
                  changes.submit("Build Success: increase snapshot create timeout to 30 seconds", {
                    source: "prod-build-agent-i-0b148d1040d565540",
                    timestamp: "2015-07-17T08:42:58.315+0000",
                    customDetails: { build_state: "passed", build_number: "220", run_time: "1236s" },
                    links: [{ href: "https://buildpipeline.example.com/builds/220", text: "View in Build Pipeline" }],
                    images: [{ src: "https://example.com/build.png" }]
                  }),
                  changes.submit("Deployed checkout-api v42"),
                  changes.send({ payload: { summary: "Merge Pull Request", source: "git" } })
                ])
              )
              yield* assertClean(exchanges, 3, "/v2/change/enqueue")
            }),
          prismTimeout
        )
      }
    )
)
