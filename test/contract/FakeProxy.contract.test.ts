/**
 * The fake judged by PagerDuty's official REST document: the fake's loopback server behind Prism in PROXY mode
 * (`prism proxy <test copy> <fake>`), which validates every request against the document and every answer of the fake
 * against it too (`sl-violations`). A workload through this library touches the operations whose behaviour the fake
 * implements beyond generic storage (users, contact methods, teams, escalation policies, schedules and overrides,
 * services and integrations, incidents with notes, log entries and alerts, on-calls, priorities, abilities, log
 * entries): 0 request violations, 0 response violations except the allow-list below (defects of the document itself).
 * The Events API (trigger, deduplicated trigger, acknowledge, resolve, change event) goes through a second Prism proxy
 * on the events document: 0 violations.
 *
 * The typed tour (`test/support/typedTour.ts`, shared with `test/TypedApiFake.test.ts`: 100+ typed operations, each
 * create, get, update, list, action and delete of every collection the fake serves) and the sweep of every typed GET
 * without path parameters go through the same proxy. Its one Events API call (the trigger that makes an alert) goes
 * straight to the fake (the Events API has its own proxy test). The sweep's GETs that the fake does not serve answer
 * 404, a status the document does not list: they are checked to be 404 GETs and their response verdicts are not
 * counted (`/business_services/priority_thresholds`, `/enrichment/event_enrichments/default`,
 * `/oauth_delegations/revocation_requests/status`, `/paused_incident_reports/alerts`). Not in the tour, because the
 * fake does not serve them beyond storage: `PUT /incidents/{id}/merge` and `POST /service_dependencies/associate`.
 * No operation the fake serves is kept from Prism's proxy by Prism itself.
 *
 * Spec-dependent: skipped with the reason where the documents are absent (fails instead with
 * `PAGERDUTY_OPENAPI_REQUIRED=1`).
 */
import { assert, it } from "@effect/vitest"
import { Effect, Layer, Stream } from "effect"
import { ChangeEventsApi, EventsApi, PagerDutyConfig, RestApi, RetryPolicy } from "effect-pagerduty"
import { FakePagerDuty } from "effect-pagerduty/testing"
import { FakePagerDutyServer } from "effect-pagerduty/testing/server"
import {
  describeWithOpenApi,
  eventsSpecPath as eventsSpecFile,
  restSpecPath as restSpecFile
} from "../support/openapi.js"
import { knownMismatches, typedGetSweep, typedTour } from "../support/typedTour.js"
import type { Exchange, Violation } from "./prism.js"
import { adjustEventsSpec, adjustRestSpec, describeExchange, makeRecorder, startPrism } from "./prism.js"

/** Letters and digits only: the document's `Authorization` pattern is `Token token=[A-Za-z0-9]+`. */
const KEY = "fakeProxyKey0123456789"
const FROM = "ada@example.com"

const ref = (id: string, type: string) => ({ id, type })

/**
 * Response violations that are defects of the document, not of the fake. Each with the reason.
 */
const ALLOWED_RESPONSE_VIOLATIONS: ReadonlyArray<
  { readonly reason: string; readonly matches: (v: Violation) => boolean }
> = [
  {
    reason:
      "`Channel` is a `oneOf` of overlapping object schemas: every channel object matches several (or none), so " +
      "no log entry's `channel` can satisfy it",
    matches: (v) => v.location.includes("channel") && /oneOf|must match exactly one/i.test(v.message)
  },
  {
    reason: "`GET /schedules/{id}/overrides` documents its success as 201 (copied from the POST); PagerDuty, and the " +
      "fake, answer a GET with 200",
    matches: (v) => v.location.length === 1 && /returned status code .*: 201,/.test(v.message)
  },
  {
    reason: "`LogEntry` is a `oneOf` of one schema per log entry type; as every alternative fails on the `Channel` " +
      "defect above, the entry fails the `oneOf` and each alternative also reports its own `type` (`... must be equal to one of the allowed values: " +
      "annotate_log_entry`)",
    matches: (v) =>
      (v.code === "enum" && v.location.at(-1) === "type" &&
        /allowed values: (?!acknowledgement_)\w+_log_entry$/.test(v.message)) ||
      (v.code === "oneOf" && /^log_entr(y|ies)$/.test(v.location.at(-2) ?? "") &&
        /^\d+$/.test(v.location.at(-1) ?? "")) ||
      (v.code === "oneOf" && v.location.length === 3 && v.location[2] === "log_entry")
  },
  {
    reason: "the document names the acknowledgement log entry `acknowledgement_log_entry`; PagerDuty sends " +
      "`acknowledge_log_entry` (as the fake does)",
    matches: (v) => v.code === "enum" && /allowed values: acknowledgement_log_entry$/.test(v.message)
  },
  {
    reason: "`Oncall.start` and `Oncall.end` are described as `null` for a permanent on-call (\"If `null`, the user " +
      "does not go off-call\") but typed as non-nullable strings",
    matches: (v) =>
      v.code === "type" && v.location[2] === "oncalls" && ["start", "end"].includes(v.location.at(-1) ?? "") &&
      /must be string$/.test(v.message)
  },
  {
    reason: "`Oncall.schedule` is not nullable, yet an on-call through an escalation rule that targets a user " +
      "directly comes from no schedule: PagerDuty answers `schedule: null` there",
    matches: (v) =>
      v.location[2] === "oncalls" && v.location.at(-1) === "schedule" &&
      (/must be object$/.test(v.message) || v.code === "oneOf")
  },
  {
    reason: "`GET /vendors/{id}` wraps the vendor in an array (`{\"vendor\": [...]}`); PagerDuty answers " +
      "`{\"vendor\": {...}}` (as go-pagerduty decodes it, and as the fake does)",
    matches: (v) => v.location.length === 3 && v.location[2] === "vendor" && /must be array$/.test(v.message)
  },
  {
    reason: "`Addon` is an `allOf` of the reference base (`type`: `full_page_addon_reference`, " +
      "`incident_show_addon_reference`) and the add-on (`type`: `full_page_addon`, `incident_show_addon`): no " +
      "add-on can satisfy both enums",
    matches: (v) =>
      v.code === "enum" && v.location.at(-1) === "type" && /^addons?$/.test(v.location[2] ?? "") &&
      /allowed values: full_page_addon_reference, incident_show_addon_reference$/.test(v.message)
  },
  {
    reason: "`Alert.body.details` is described as \"an arbitrary JSON object or string\" but typed `object`: an " +
      "alert triggered without custom details has a string",
    matches: (v) => v.code === "type" && v.location.at(-1) === "details" && v.location.at(-2) === "body"
  }
]

const seed = {
  users: [
    { id: "PADA001", name: "Ada Lovelace", email: FROM, role: "admin", time_zone: "Etc/UTC" },
    { id: "PBOB001", name: "Bob", email: "bob@example.com", role: "user", time_zone: "Etc/UTC" }
  ],
  schedules: [{
    id: "PSCHED1",
    name: "Primary",
    time_zone: "Etc/UTC",
    schedule_layers: [{
      id: "PLAYER1",
      name: "Layer 1",
      start: "2020-01-01T00:00:00Z",
      rotation_virtual_start: "2020-01-01T00:00:00Z",
      rotation_turn_length_seconds: 86_400,
      users: [{ user: ref("PADA001", "user_reference") }]
    }]
  }]
}

const workload = Effect.gen(function*() {
  const api = yield* RestApi
  yield* Stream.runDrain(api.iterAll("/users"))
  const user = yield* api.rpost("/users", { json: { type: "user", name: "Cy", email: "cy@example.com" } })
  const userId = String((user as { readonly id: string }).id)
  yield* api.rget(`/users/${userId}`)
  yield* api.rput(`/users/${userId}`, { json: { type: "user", name: "Cy Young", email: "cy@example.com" } })
  yield* api.rpost(`/users/${userId}/contact_methods`, {
    json: { type: "email_contact_method", summary: "Work", label: "Work", address: "cy@work.example" }
  })
  yield* api.rget(`/users/${userId}/contact_methods`)
  yield* api.rget("/users/me")
  const team = yield* api.rpost("/teams", { json: { type: "team", name: "SRE" } })
  yield* Stream.runDrain(api.iterAll("/teams"))
  const policy = yield* api.rpost("/escalation_policies", {
    json: {
      type: "escalation_policy",
      name: "Default",
      escalation_rules: [{ escalation_delay_in_minutes: 30, targets: [ref("PSCHED1", "schedule_reference")] }]
    }
  })
  const policyId = String((policy as { readonly id: string }).id)
  yield* api.rget(`/escalation_policies/${policyId}`)
  yield* api.rget("/schedules/PSCHED1")
  yield* api.post("/schedules/PSCHED1/overrides", {
    json: {
      overrides: [{
        start: "2030-01-01T00:00:00Z",
        end: "2030-01-02T00:00:00Z",
        user: ref("PBOB001", "user_reference")
      }]
    }
  })
  yield* api.rget("/schedules/PSCHED1/overrides", {
    params: { since: "2029-01-01T00:00:00Z", until: "2031-01-01T00:00:00Z" }
  })
  const service = yield* api.rpost("/services", {
    json: { type: "service", name: "Checkout", escalation_policy: ref(policyId, "escalation_policy_reference") }
  })
  const serviceId = String((service as { readonly id: string }).id)
  yield* api.rget(`/services/${serviceId}`)
  yield* api.rpost(`/services/${serviceId}/integrations`, {
    json: { type: "events_api_v2_inbound_integration", name: "Monitoring" }
  })
  const incident = yield* api.rpost("/incidents", {
    json: { type: "incident", title: "Checkout down", service: ref(serviceId, "service_reference") }
  })
  const incidentId = String((incident as { readonly id: string }).id)
  yield* api.rget(`/incidents/${incidentId}`)
  yield* api.rpost(`/incidents/${incidentId}/notes`, { json: { content: "Looking" } })
  yield* api.rget(`/incidents/${incidentId}/notes`)
  yield* api.rput(`/incidents/${incidentId}`, { json: { type: "incident", status: "acknowledged" } })
  yield* api.put("/incidents", {
    json: { incidents: [{ id: incidentId, type: "incident_reference", status: "resolved" }] }
  })
  yield* Stream.runDrain(api.iterAll(`/incidents/${incidentId}/log_entries`))
  yield* Stream.runDrain(api.iterAll(`/incidents/${incidentId}/alerts`))
  yield* Stream.runDrain(api.iterAll("/incidents", { params: { "include[]": ["assignees"] } }))
  yield* Stream.runDrain(api.iterAll("/oncalls"))
  yield* Stream.runDrain(api.iterAll("/log_entries"))
  yield* Stream.runDrain(api.iterAll("/priorities"))
  yield* api.rget("/abilities")
  yield* api.get("/abilities/teams")
  yield* api.delete(`/teams/${String((team as { readonly id: string }).id)}`)
})

const VIOLATION = /\{"location":\[[^\]]*\],"severity":"[^"]*"(?:,"code":"[^"]*")?,"message":"(?:[^"\\]|\\.)*"\}/g

/**
 * The violations of an exchange. Prism truncates a long header ("Too many violations! [..."): the complete
 * violations of the kept prefix are read (and the check below needs every one of them allowed).
 */
const allViolations = (exchange: Exchange): ReadonlyArray<Violation> => {
  if (exchange.violations !== undefined) return exchange.violations
  const raw = exchange.rawViolations ?? ""
  return Array.from(raw.matchAll(VIOLATION), (match) => JSON.parse(match[0]) as Violation)
}

const violationsOf = (exchanges: ReadonlyArray<Exchange>, side: "request" | "response") =>
  exchanges.flatMap((exchange) =>
    allViolations(exchange).filter((violation) => violation.location[0] === side).map((violation) => ({
      exchange,
      violation
    }))
  )

describeWithOpenApi("the fake behind Prism's validating proxy", () => {
  it.live(
    "a workload through the library: 0 request violations, 0 response violations but the allow-list",
    () =>
      Effect.gen(function*() {
        const server = yield* FakePagerDutyServer
        const prism = yield* startPrism(restSpecFile, adjustRestSpec, { _tag: "Proxy", upstream: server.url })
        const recorder = yield* makeRecorder
        yield* workload.pipe(
          Effect.provide(
            RestApi.layer.pipe(Layer.provide([
              PagerDutyConfig.layer({ apiKey: KEY, restUrl: prism.url, defaultFrom: FROM, timeout: "30 seconds" }),
              RetryPolicy.layer({ sleepTimer: "10 millis" }),
              recorder.layer
            ]))
          )
        )
        const exchanges = yield* recorder.exchanges
        const context = `${exchanges.map(describeExchange).join("\n")}\n--- Prism (tail) ---\n${
          prism.output().slice(-3000)
        }`
        assert.isAbove(exchanges.length, 30, context)
        for (const exchange of exchanges) {
          assert.isTrue(exchange.status >= 200 && exchange.status < 300, `${describeExchange(exchange)}\n${context}`)
          if (exchange.rawViolations !== undefined) {
            assert.match(exchange.rawViolations, /^Too many violations! /, context)
            assert.isAbove(allViolations(exchange).length, 0, context)
          }
        }
        const requestViolations = violationsOf(exchanges, "request").map(({ exchange, violation }) =>
          `${exchange.method} ${exchange.url}: ${violation.location.join(".")} ${violation.message}`
        )
        assert.deepStrictEqual(requestViolations, [], `${requestViolations.join("\n")}\n${context}`)
        const unexpected = violationsOf(exchanges, "response").filter(({ violation }) =>
          !ALLOWED_RESPONSE_VIOLATIONS.some((allowed) => allowed.matches(violation))
        )
        const unexpectedLines = unexpected.map(({ exchange, violation }) =>
          `${exchange.method} ${exchange.url}: ${violation.location.join(".")} ${violation.message}`
        )
        assert.deepStrictEqual(unexpectedLines, [], `${unexpectedLines.join("\n")}\n${context}`)
      }).pipe(
        Effect.scoped,
        // Behind a front, as PagerDuty is: links on PagerDuty's own base URL (the document's `url` format refuses an
        // IP address).
        Effect.provide(FakePagerDutyServer.layer({
          seed,
          userApiKeys: { [KEY]: "PADA001" },
          publicUrl: "https://api.pagerduty.com"
        }))
      ),
    180_000
  )

  it.live(
    "the typed tour and the typed GET sweep through the library: 0 request violations, 0 response violations but " +
      "the allow-list",
    () =>
      Effect.gen(function*() {
        const server = yield* FakePagerDutyServer
        const prism = yield* startPrism(restSpecFile, adjustRestSpec, { _tag: "Proxy", upstream: server.url })
        const recorder = yield* makeRecorder
        const { sweep, tour } = yield* Effect.all({ tour: typedTour, sweep: typedGetSweep }).pipe(
          Effect.provide(
            Layer.mergeAll(RestApi.layer, EventsApi.layer).pipe(Layer.provide([
              // The Events API goes straight to the fake (its own proxy test is below): only the REST calls are judged.
              PagerDutyConfig.layer({
                apiKey: KEY,
                restUrl: prism.url,
                eventsUrl: server.url,
                defaultFrom: FROM,
                timeout: "30 seconds"
              }),
              RetryPolicy.layer({ sleepTimer: "10 millis" }),
              recorder.layer
            ]))
          )
        )
        const exchanges = (yield* recorder.exchanges).filter((exchange) => exchange.url.startsWith(prism.url))
        const context = `${exchanges.map(describeExchange).join("\n")}\n--- Prism (tail) ---\n${
          prism.output().slice(-3000)
        }`
        assert.deepStrictEqual(tour.failures, [], context)
        assert.deepStrictEqual([...knownMismatches.keys()].filter((name) => !tour.stillMismatched.has(name)), [])
        assert.isAbove(tour.called.size, 100)
        assert.deepStrictEqual(sweep.failures, [], context)
        yield* Effect.logInfo(
          `through the proxy: ${new Set([...tour.called, ...sweep.called]).size} operations, ` +
            `${tour.called.size} in the tour, ${sweep.called.length} in the sweep ` +
            `(${sweep.answered.length} answered), ${exchanges.length} exchanges`
        )
        const requestViolations = violationsOf(exchanges, "request").map(({ exchange, violation }) =>
          `${exchange.method} ${exchange.url}: ${violation.location.join(".")} ${violation.message}`
        )
        const unexpected = violationsOf(exchanges, "response").filter(({ violation }) =>
          !ALLOWED_RESPONSE_VIOLATIONS.some((allowed) => allowed.matches(violation))
        )
        assert.deepStrictEqual(requestViolations, [], `${requestViolations.join("\n")}\n${context}`)
        // The operations the fake does not serve answer 404 (a status the document does not list): only the sweep
        // reaches them, and only with a GET.
        const notServed = exchanges.filter((exchange) => exchange.status < 200 || exchange.status >= 300)
        for (const exchange of notServed) {
          assert.strictEqual(exchange.status, 404, `${describeExchange(exchange)}\n${context}`)
          assert.strictEqual(exchange.method, "GET", `${describeExchange(exchange)}\n${context}`)
        }
        const served = unexpected.filter(({ exchange }) => exchange.status >= 200 && exchange.status < 300)
        const servedLines = served.map(({ exchange, violation }) =>
          `${exchange.method} ${exchange.url}: ${violation.location.join(".")} ${violation.message}`
        )
        yield* Effect.logInfo(
          `not served (404): ${notServed.map((exchange) => `${exchange.method} ${exchange.url}`).join(", ")}`
        )
        assert.deepStrictEqual(servedLines, [], `${servedLines.join("\n")}\n${context}`)
      }).pipe(
        Effect.scoped,
        Effect.provide(FakePagerDutyServer.layer({
          userApiKeys: { [KEY]: FROM },
          publicUrl: "https://api.pagerduty.com"
        }))
      ),
    300_000
  )

  it.live(
    "the Events API through the library (trigger, dedup, acknowledge, resolve, change): 0 violations",
    () =>
      Effect.gen(function*() {
        const server = yield* FakePagerDutyServer
        const fake = yield* FakePagerDuty
        const [service] = yield* fake.seed("services", [{ name: "Checkout" }])
        const routingKey = yield* fake.addIntegration(String(service.id))
        const prism = yield* startPrism(eventsSpecFile, adjustEventsSpec, { _tag: "Proxy", upstream: server.url })
        const recorder = yield* makeRecorder
        yield* Effect.gen(function*() {
          const events = yield* EventsApi
          const changes = yield* ChangeEventsApi
          const dedupKey = yield* events.trigger("Disk full", "db-1")
          yield* events.trigger("Disk full, again", "db-1", { dedupKey })
          yield* events.acknowledge(dedupKey)
          yield* events.resolve(dedupKey)
          yield* changes.submit("Deployed v2", { source: "ci" })
        }).pipe(
          Effect.provide(
            Layer.mergeAll(EventsApi.layer, ChangeEventsApi.layer).pipe(Layer.provide([
              PagerDutyConfig.layer({ routingKey, eventsUrl: prism.url, timeout: "30 seconds" }),
              RetryPolicy.layer({ sleepTimer: "10 millis" }),
              recorder.layer
            ]))
          )
        )
        const exchanges = yield* recorder.exchanges
        const context = `${exchanges.map(describeExchange).join("\n")}\n--- Prism (tail) ---\n${
          prism.output().slice(-3000)
        }`
        assert.strictEqual(exchanges.length, 5, context)
        for (const exchange of exchanges) {
          assert.strictEqual(exchange.status, 202, context)
          assert.deepStrictEqual(allViolations(exchange), [], context)
        }
        assert.strictEqual((yield* fake.events).length, 5)
      }).pipe(Effect.scoped, Effect.provide(FakePagerDutyServer.layer())),
    180_000
  )
})
