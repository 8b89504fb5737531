import { HttpClient, HttpClientRequest } from "@effect/platform"
import { assert, describe, expect, it } from "@effect/vitest"
import { Effect, TestClock } from "effect"
import { FakePagerDuty, type FakePagerDutyOptions } from "effect-pagerduty/testing"

const API = "https://api.pagerduty.com"
const EVENTS = "https://events.pagerduty.com"
const ROUTING_KEY = "0123456789abcdef0123456789abcdef"
const headers = {
  authorization: "Token token=test-key",
  accept: "application/vnd.pagerduty+json;version=2",
  from: "ada@example.com"
}

interface Ref {
  readonly id: string
  readonly type: string
  readonly summary: string
}

interface Incident {
  readonly id: string
  readonly status: string
  readonly incident_number: number
  readonly incident_key: string
  readonly summary: string
  readonly service: Ref
  readonly acknowledgements: ReadonlyArray<unknown>
  readonly alert_counts: { readonly all: number; readonly triggered: number; readonly resolved: number }
}

interface LogEntry {
  readonly type: string
  readonly agent: Ref
}

interface ChangeEvent {
  readonly id: string
  readonly summary: string
  readonly services: ReadonlyArray<Ref>
}

interface ErrorBody {
  readonly error: { readonly message: string; readonly code: number; readonly errors: ReadonlyArray<string> }
}

interface EventReply {
  readonly status: string
  readonly message: string
  readonly dedup_key?: string
  readonly id?: string
  readonly errors?: ReadonlyArray<string>
}

interface IncidentList {
  readonly incidents: ReadonlyArray<Incident>
  readonly total: number | null
}

interface Reply<A> {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: A
}

const send = <A>(request: HttpClientRequest.HttpClientRequest) =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    const response = yield* client.execute(request)
    const text = yield* response.text
    const reply: Reply<A> = {
      status: response.status,
      headers: response.headers,
      body: (text.length > 0 ? JSON.parse(text) : undefined) as A
    }
    return reply
  })

const get = <A>(path: string) =>
  send<A>(HttpClientRequest.get(`${API}${path}`).pipe(HttpClientRequest.setHeaders(headers)))

const rest = <A>(method: "POST" | "PUT", path: string, body: unknown, extra: Record<string, string> = {}) =>
  send<A>(
    HttpClientRequest.make(method)(`${API}${path}`).pipe(
      HttpClientRequest.setHeaders({ ...headers, ...extra }),
      HttpClientRequest.bodyUnsafeJson(body)
    )
  )

const event = (body: unknown, path = "/v2/enqueue") =>
  send<EventReply>(HttpClientRequest.post(`${EVENTS}${path}`).pipe(HttpClientRequest.bodyUnsafeJson(body)))

const trigger = (dedupKey?: string, summary = "Disk full on db01") =>
  event({
    routing_key: ROUTING_KEY,
    event_action: "trigger",
    ...(dedupKey === undefined ? {} : { dedup_key: dedupKey }),
    payload: { summary, source: "db01", severity: "critical" }
  })

const seeded: FakePagerDutyOptions = {
  seed: {
    users: [{ id: "PADA001", name: "Ada Lovelace", email: "ada@example.com" }],
    services: [{ id: "PSVC001", name: "Database", routing_key: ROUTING_KEY }]
  }
}

const run = <A, E>(effect: Effect.Effect<A, E, FakePagerDuty | HttpClient.HttpClient>) =>
  Effect.provide(effect, FakePagerDuty.layer(seeded))

describe("FakePagerDuty incidents", () => {
  it.effect("POST /incidents requires From, opens a triggered incident and logs it", () =>
    run(Effect.gen(function*() {
      const body = {
        incident: { type: "incident", title: "Checkout down", service: { id: "PSVC001", type: "service_reference" } }
      }
      const withoutFrom = yield* send<ErrorBody>(
        HttpClientRequest.post(`${API}/incidents`).pipe(
          HttpClientRequest.setHeaders({ authorization: headers.authorization }),
          HttpClientRequest.bodyUnsafeJson(body)
        )
      )
      assert.strictEqual(withoutFrom.status, 400)

      const created = yield* rest<{ incident: Incident }>("POST", "/incidents", body)
      assert.strictEqual(created.status, 201)
      const incident = created.body.incident
      assert.strictEqual(incident.status, "triggered")
      assert.strictEqual(incident.incident_number, 1)
      assert.strictEqual(incident.summary, "[#1] Checkout down")
      assert.strictEqual(incident.service.id, "PSVC001")
      assert.strictEqual(incident.service.type, "service_reference")

      const log = yield* get<{ log_entries: ReadonlyArray<LogEntry> }>(`/incidents/${incident.id}/log_entries`)
      assert.deepStrictEqual(log.body.log_entries.map((entry) => entry.type), ["trigger_log_entry"])
      assert.strictEqual(log.body.log_entries[0].agent.id, "PADA001")

      const unknownService = yield* rest<ErrorBody>("POST", "/incidents", {
        incident: { type: "incident", title: "x", service: { id: "PNOPE00", type: "service_reference" } }
      })
      assert.strictEqual(unknownService.status, 400)
      const duplicateKey = {
        incident: {
          type: "incident",
          title: "y",
          service: { id: "PSVC001", type: "service_reference" },
          incident_key: "k1"
        }
      }
      assert.strictEqual((yield* rest<unknown>("POST", "/incidents", duplicateKey)).status, 201)
      assert.strictEqual((yield* rest<unknown>("POST", "/incidents", duplicateKey)).status, 400)
    })))

  it.effect("PUT /incidents/{id} and multi-update PUT /incidents move the status and write log entries", () =>
    run(Effect.gen(function*() {
      const open = (title: string) =>
        Effect.map(
          rest<{ incident: Incident }>("POST", "/incidents", {
            incident: { type: "incident", title, service: { id: "PSVC001", type: "service_reference" } }
          }),
          (reply) => reply.body.incident.id
        )
      const first = yield* open("One")
      const second = yield* open("Two")

      const acked = yield* rest<{ incident: Incident }>("PUT", `/incidents/${first}`, {
        incident: { type: "incident", status: "acknowledged" }
      })
      assert.strictEqual(acked.status, 200)
      assert.strictEqual(acked.body.incident.status, "acknowledged")
      assert.strictEqual(acked.body.incident.acknowledgements.length, 1)

      const multi = yield* rest<{ incidents: ReadonlyArray<Incident> }>("PUT", "/incidents", {
        incidents: [
          { id: first, type: "incident_reference", status: "resolved" },
          { id: second, type: "incident_reference", status: "resolved" }
        ]
      })
      assert.strictEqual(multi.status, 200)
      assert.deepStrictEqual(multi.body.incidents.map((i) => i.status), ["resolved", "resolved"])

      const reopen = yield* rest<ErrorBody>("PUT", `/incidents/${first}`, {
        incident: { type: "incident", status: "acknowledged" }
      })
      assert.strictEqual(reopen.status, 400)
      assert.include(reopen.body.error.errors[0], "Already Resolved")

      const log = yield* get<{ log_entries: ReadonlyArray<LogEntry> }>(`/incidents/${first}/log_entries`)
      assert.deepStrictEqual(
        log.body.log_entries.map((entry) => entry.type),
        ["trigger_log_entry", "acknowledge_log_entry", "resolve_log_entry"]
      )
      const all = yield* get<{ total: number }>("/log_entries?total=true")
      assert.strictEqual(all.body.total, 5)
    })))

  it.effect("notes: POST /incidents/{id}/notes returns the note; GET lists them", () =>
    run(Effect.gen(function*() {
      const created = yield* rest<{ incident: Incident }>("POST", "/incidents", {
        incident: { type: "incident", title: "Notes", service: { id: "PSVC001", type: "service_reference" } }
      })
      const id = created.body.incident.id
      const note = yield* rest<{ note: { content: string; user: Ref } }>("POST", `/incidents/${id}/notes`, {
        note: { content: "Firefighters are on the scene." }
      })
      assert.strictEqual(note.status, 200)
      assert.strictEqual(note.body.note.content, "Firefighters are on the scene.")
      assert.strictEqual(note.body.note.user.summary, "Ada Lovelace")
      const notes = yield* get<{ notes: ReadonlyArray<unknown> }>(`/incidents/${id}/notes`)
      assert.strictEqual(notes.body.notes.length, 1)
      assert.strictEqual(
        (yield* rest<ErrorBody>("POST", `/incidents/${id}/notes`, { note: { content: "" } })).status,
        400
      )
    })))

  it.effect("filters incidents by array params and since/until", () =>
    Effect.provide(
      Effect.gen(function*() {
        const statuses = yield* get<IncidentList>("/incidents?statuses[]=triggered&statuses[]=acknowledged")
        assert.deepStrictEqual(statuses.body.incidents.map((i) => i.id), ["PINC001", "PINC002"])
        const services = yield* get<IncidentList>("/incidents?service_ids[]=PSVC002")
        assert.deepStrictEqual(services.body.incidents.map((i) => i.id), ["PINC003"])
        const users = yield* get<IncidentList>("/incidents?user_ids[]=PADA001")
        assert.deepStrictEqual(users.body.incidents.map((i) => i.id), ["PINC002"])
        const window = yield* get<IncidentList>(
          "/incidents?since=2024-01-02T00:00:00Z&until=2024-01-03T00:00:00Z&total=true"
        )
        assert.deepStrictEqual(window.body.incidents.map((i) => i.id), ["PINC002"])
        assert.strictEqual(window.body.total, 1)
        const badDate = yield* get<ErrorBody>("/incidents?since=yesterday")
        assert.strictEqual(badDate.status, 400)
        const urgency = yield* get<IncidentList>("/incidents?urgencies[]=low")
        assert.deepStrictEqual(urgency.body.incidents.map((i) => i.id), ["PINC003"])
      }),
      FakePagerDuty.layer({
        seed: {
          incidents: [
            {
              id: "PINC001",
              status: "triggered",
              urgency: "high",
              service: { id: "PSVC001", type: "service_reference" },
              created_at: "2024-01-01T10:00:00Z"
            },
            {
              id: "PINC002",
              status: "acknowledged",
              urgency: "high",
              service: { id: "PSVC001", type: "service_reference" },
              assignments: [{ assignee: { id: "PADA001", type: "user_reference" } }],
              created_at: "2024-01-02T10:00:00Z"
            },
            {
              id: "PINC003",
              status: "resolved",
              urgency: "low",
              service: { id: "PSVC002" },
              created_at: "2024-01-03T10:00:00Z"
            }
          ]
        }
      })
    ))
})

describe("FakePagerDuty Events API v2", () => {
  it.effect("trigger opens an incident with an alert; the same dedup key deduplicates into it", () =>
    run(Effect.gen(function*() {
      const first = yield* trigger("db01/disk")
      assert.strictEqual(first.status, 202)
      assert.deepStrictEqual(first.body, { status: "success", message: "Event processed", dedup_key: "db01/disk" })
      assert.isString(first.headers["x-request-id"])
      const again = yield* trigger("db01/disk", "Still full")
      assert.strictEqual(again.body.dedup_key, "db01/disk")

      const incidents = yield* get<IncidentList>("/incidents")
      assert.strictEqual(incidents.body.incidents.length, 1)
      const incident = incidents.body.incidents[0]
      assert.strictEqual(incident.incident_key, "db01/disk")
      assert.strictEqual(incident.alert_counts.all, 1)
      const alerts = yield* get<{ alerts: ReadonlyArray<{ alert_key: string }> }>(`/incidents/${incident.id}/alerts`)
      assert.strictEqual(alerts.body.alerts.length, 1)
      assert.strictEqual(alerts.body.alerts[0].alert_key, "db01/disk")

      const fake = yield* FakePagerDuty
      const events = yield* fake.events
      assert.deepStrictEqual(events.map((e) => [e.action, e.deduplicated, e.incidentId]), [
        ["trigger", false, incident.id],
        ["trigger", true, incident.id]
      ])

      const generated = yield* trigger()
      expect(generated.body.dedup_key).toMatch(/^[0-9a-f]{32}$/)
      assert.strictEqual((yield* get<IncidentList>("/incidents")).body.incidents.length, 2)
    })))

  it.effect("acknowledge and resolve move the incident; unknown dedup keys are accepted and ignored", () =>
    run(Effect.gen(function*() {
      yield* trigger("k")
      const ack = yield* event({ routing_key: ROUTING_KEY, event_action: "acknowledge", dedup_key: "k" })
      assert.strictEqual(ack.status, 202)
      assert.strictEqual((yield* get<IncidentList>("/incidents")).body.incidents[0].status, "acknowledged")
      const resolve = yield* event({ routing_key: ROUTING_KEY, event_action: "resolve", dedup_key: "k" }, "/enqueue")
      assert.strictEqual(resolve.status, 202)
      const incident = (yield* get<IncidentList>("/incidents")).body.incidents[0]
      assert.strictEqual(incident.status, "resolved")
      assert.strictEqual(incident.alert_counts.resolved, 1)
      const ignored = yield* event({ routing_key: ROUTING_KEY, event_action: "resolve", dedup_key: "nope" })
      assert.strictEqual(ignored.status, 202)
      // A resolved alert's key opens a new incident.
      yield* trigger("k")
      assert.strictEqual((yield* get<IncidentList>("/incidents?statuses[]=triggered")).body.incidents.length, 1)
    })))

  it.effect("resolving every alert through REST resolves the incident and frees the dedup key", () =>
    run(Effect.gen(function*() {
      yield* trigger("rest-alert")
      const incident = (yield* get<IncidentList>("/incidents")).body.incidents[0]
      const alerts = yield* get<{ alerts: ReadonlyArray<{ id: string }> }>(`/incidents/${incident.id}/alerts`)
      const updated = yield* rest<{ alerts: ReadonlyArray<{ status: string }> }>(
        "PUT",
        `/incidents/${incident.id}/alerts`,
        { alerts: alerts.body.alerts.map((alert) => ({ id: alert.id, type: "alert", status: "resolved" })) }
      )
      assert.strictEqual(updated.status, 200)
      assert.deepStrictEqual(updated.body.alerts.map((alert) => alert.status), ["resolved"])
      const after = (yield* get<{ incident: Incident }>(`/incidents/${incident.id}`)).body.incident
      assert.strictEqual(after.status, "resolved")
      assert.deepStrictEqual(after.alert_counts, { all: 1, triggered: 0, resolved: 1 })
      yield* trigger("rest-alert")
      assert.strictEqual((yield* get<IncidentList>("/incidents")).body.incidents.length, 2)
      // An action endpoint answers with its incident.
      const snoozed = yield* rest<{ incident: Incident }>("POST", `/incidents/${incident.id}/snooze`, { duration: 60 })
      assert.strictEqual(snoozed.body.incident.id, incident.id)
    })))

  it.effect("rejects invalid events and unknown routing keys with 400", () =>
    run(Effect.gen(function*() {
      const missing = yield* event({ routing_key: ROUTING_KEY, event_action: "trigger", payload: { summary: "x" } })
      assert.strictEqual(missing.status, 400)
      assert.strictEqual(missing.body.status, "invalid event")
      assert.strictEqual(missing.body.message, "Event object is invalid")
      assert.includeMembers([...(missing.body.errors ?? [])], [
        "'payload.source' is missing or blank",
        "'payload.severity' is missing or blank"
      ])
      const noDedup = yield* event({ routing_key: ROUTING_KEY, event_action: "acknowledge" })
      assert.deepStrictEqual(noDedup.body.errors, ["'dedup_key' is missing or blank"])
      const action = yield* event({ routing_key: ROUTING_KEY, event_action: "explode" })
      assert.strictEqual(action.status, 400)
      const unknown = yield* event({
        routing_key: "ffffffffffffffffffffffffffffffff",
        event_action: "trigger",
        payload: { summary: "x", source: "y", severity: "info" }
      })
      assert.deepStrictEqual(unknown.body.errors, ["Invalid routing key"])
      const short = yield* event({ routing_key: "short", event_action: "resolve", dedup_key: "k" })
      assert.match(short.body.errors?.[0] ?? "", /should be 32 characters/)
      const garbage = yield* send<EventReply>(
        HttpClientRequest.post(`${EVENTS}/v2/enqueue`).pipe(HttpClientRequest.bodyText("{not json", "application/json"))
      )
      assert.strictEqual(garbage.status, 400)
      assert.strictEqual(garbage.body.status, "Unrecognized object")
    })))

  it.effect("routes keys registered with addIntegration or POST /services/{id}/integrations", () =>
    run(Effect.gen(function*() {
      const fake = yield* FakePagerDuty
      const key = yield* fake.addIntegration("PSVC001")
      expect(key).toMatch(/^[0-9a-f]{32}$/)
      const viaHelper = yield* event({
        routing_key: key,
        event_action: "trigger",
        payload: { summary: "a", source: "b", severity: "error" }
      })
      assert.strictEqual(viaHelper.status, 202)
      const integration = yield* rest<{ integration: { integration_key: string } }>(
        "POST",
        "/services/PSVC001/integrations",
        {
          integration: { type: "events_api_v2_inbound_integration", name: "Monitoring" }
        }
      )
      assert.strictEqual(integration.status, 201)
      const viaRest = yield* event({
        routing_key: integration.body.integration.integration_key,
        event_action: "trigger",
        payload: { summary: "c", source: "d", severity: "warning" }
      })
      assert.strictEqual(viaRest.status, 202)
      const service = yield* get<{ service: { integrations: ReadonlyArray<Ref> } }>("/services/PSVC001")
      assert.strictEqual(service.body.service.integrations.length, 2)
      assert.strictEqual(yield* Effect.either(fake.addIntegration("PNOPE00")).pipe(Effect.map((e) => e._tag)), "Left")
    })))

  it.effect("change events are accepted and listed by GET /change_events (since/until on timestamp)", () =>
    run(Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2024-05-01T12:00:00Z"))
      const accepted = yield* event({
        routing_key: ROUTING_KEY,
        payload: { summary: "Deployed v42", source: "ci", custom_details: { build: 42 } },
        links: [{ href: "https://ci.example.com/42", text: "Build" }]
      }, "/v2/change/enqueue")
      assert.strictEqual(accepted.status, 202)
      assert.strictEqual(accepted.body.status, "success")
      assert.strictEqual(accepted.body.message, "Change event processed")
      yield* event({
        routing_key: ROUTING_KEY,
        payload: { summary: "Old deploy", timestamp: "2024-01-01T00:00:00Z" }
      }, "/change/enqueue")
      const listed = yield* get<{ change_events: ReadonlyArray<ChangeEvent> }>("/change_events")
      assert.deepStrictEqual(listed.body.change_events.map((c) => c.summary), [
        "Deployed v42",
        "Old deploy"
      ])
      assert.strictEqual(listed.body.change_events[0].id, accepted.body.id)
      assert.strictEqual(listed.body.change_events[0].services[0].id, "PSVC001")
      const recent = yield* get<{ change_events: ReadonlyArray<ChangeEvent> }>(
        "/change_events?since=2024-04-01T00:00:00Z"
      )
      assert.deepStrictEqual(recent.body.change_events.map((c) => c.summary), ["Deployed v42"])
      const invalid = yield* event({ routing_key: ROUTING_KEY, payload: {} }, "/v2/change/enqueue")
      assert.strictEqual(invalid.status, 400)
      const fake = yield* FakePagerDuty
      assert.deepStrictEqual((yield* fake.events).map((e) => e.kind), ["change", "change"])
    })))
})
