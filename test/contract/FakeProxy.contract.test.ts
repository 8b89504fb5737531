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
      (v.code === "oneOf" && /^log_entr(y|ies)$/.test(v.location.at(-2) ?? "") && /^\d+$/.test(v.location.at(-1) ?? ""))
  },
  {
    reason: "the document names the acknowledgement log entry `acknowledgement_log_entry`; PagerDuty sends " +
      "`acknowledge_log_entry` (as the fake does)",
    matches: (v) => v.code === "enum" && /allowed values: acknowledgement_log_entry$/.test(v.message)
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
