/**
 * The fake behaves like PagerDuty (issue 13), item by item, over the loopback server and real sockets: schedule
 * overrides, assignments and on-calls, `include[]`, the fields of created records, strict input, and the smaller
 * gaps. Each test fails on 0.1.0.
 */
import { HttpClient, HttpClientRequest } from "@effect/platform"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { PagerDutyConfig, RestApi, RetryPolicy } from "effect-pagerduty"
import { FakePagerDuty } from "effect-pagerduty/testing"
import { FakePagerDutyServer, type FakePagerDutyServerOptions } from "effect-pagerduty/testing/server"

const KEY = "fidelity-key"
const FROM = "ada@example.com"

/** The value at a dotted path of parsed JSON (`"incident.assignments.0.assignee.id"`, `"users.length"`). */
const at = (value: unknown, path: string): unknown =>
  path.split(".").reduce<unknown>(
    (current, key) =>
      typeof current === "object" && current !== null ? (current as Record<string, unknown>)[key] : undefined,
    value
  )

const list = (value: unknown, path: string): ReadonlyArray<unknown> => {
  const found = at(value, path)
  return Array.isArray(found) ? found : []
}

const serverLayer = (options?: FakePagerDutyServerOptions) =>
  Layer.merge(FakePagerDutyServer.layer(options), NodeHttpClient.layerUndici)

/** One REST request to the server, as any HTTP client sends it. */
const call = (
  method: "GET" | "POST" | "PUT" | "DELETE",
  path: string,
  body?: unknown,
  extra?: Readonly<Record<string, string>>
) =>
  Effect.gen(function*() {
    const server = yield* FakePagerDutyServer
    const client = yield* HttpClient.HttpClient
    let request = HttpClientRequest.make(method)(`${server.url}${path}`).pipe(
      HttpClientRequest.setHeaders({
        authorization: `Token token=${KEY}`,
        accept: "application/vnd.pagerduty+json;version=2",
        from: FROM,
        ...extra
      })
    )
    if (body !== undefined) request = HttpClientRequest.bodyUnsafeJson(request, body)
    const response = yield* client.execute(request)
    const text = yield* response.text
    const parsed: unknown = text === "" ? undefined : JSON.parse(text)
    return { status: response.status, body: parsed, headers: response.headers }
  }).pipe(Effect.orDie)

const ref = (id: string, type: string) => ({ id, type })

/** A user on call through a schedule, a policy targeting the schedule, a service on the policy. */
const seedOnCall = Effect.gen(function*() {
  const fake = yield* FakePagerDuty
  const [ada, bob] = yield* fake.seed("users", [
    { id: "PADA001", name: "Ada Lovelace", email: FROM },
    { id: "PBOB001", name: "Bob", email: "bob@example.com" }
  ])
  yield* fake.seed("schedules", [{
    id: "PSCHED1",
    name: "Primary",
    schedule_layers: [{
      name: "Layer 1",
      start: "2020-01-01T00:00:00Z",
      rotation_virtual_start: "2020-01-01T00:00:00Z",
      rotation_turn_length_seconds: 100 * 365 * 86_400,
      users: [{ user: ref("PADA001", "user_reference") }]
    }]
  }])
  yield* fake.seed("escalation_policies", [{
    id: "PPOLICY",
    name: "Default",
    escalation_rules: [
      { escalation_delay_in_minutes: 30, targets: [ref("PSCHED1", "schedule_reference")] },
      { escalation_delay_in_minutes: 30, targets: [ref("PBOB001", "user_reference")] }
    ]
  }])
  yield* fake.seed("services", [{
    id: "PSVC001",
    name: "Checkout",
    escalation_policy: ref("PPOLICY", "escalation_policy_reference")
  }])
  return { ada, bob }
})

const newIncident = (title: string) => ({
  incident: { type: "incident", title, service: ref("PSVC001", "service_reference") }
})

describe("FakePagerDuty fidelity (loopback)", () => {
  it.live("1. POST /schedules/{id}/overrides takes the documented array and answers 201 with {status, override}s", () =>
    Effect.gen(function*() {
      yield* seedOnCall
      const overrides = [
        { start: "2030-07-01T00:00:00Z", end: "2030-07-02T00:00:00Z", user: ref("PBOB001", "user_reference") },
        { start: "2030-07-03T00:00:00Z", end: "2030-07-03T00:00:00Z", user: ref("PBOB001", "user_reference") }
      ]
      const reply = yield* call("POST", "/schedules/PSCHED1/overrides", { overrides })
      assert.strictEqual(reply.status, 201)
      assert.isArray(reply.body)
      assert.strictEqual(at(reply.body, "0.status"), 201)
      assert.strictEqual(at(reply.body, "0.override.user.id"), "PBOB001")
      assert.isString(at(reply.body, "0.override.id"))
      assert.strictEqual(at(reply.body, "1.status"), 400)
      assert.deepStrictEqual(at(reply.body, "1.errors"), ["Override must end after its start"])

      // The library's rpost: the bare array comes back as is.
      const server = yield* FakePagerDutyServer
      const created = yield* Effect.flatMap(
        RestApi,
        (api) => api.rpost("/schedules/PSCHED1/overrides", { json: { overrides: overrides.slice(0, 1) } })
      ).pipe(
        Effect.provide(
          RestApi.layer.pipe(Layer.provide([
            PagerDutyConfig.layer({ apiKey: KEY, restUrl: server.url }),
            RetryPolicy.layer()
          ]))
        )
      )
      assert.isArray(created)
      const listed = yield* call(
        "GET",
        "/schedules/PSCHED1/overrides?since=2030-01-01T00:00:00Z&until=2031-01-01T00:00:00Z"
      )
      assert.strictEqual(at(listed.body, "overrides.length"), 2)
    }).pipe(Effect.provide(serverLayer())))

  it.live("2. incidents are assigned from the policy's first rule; /oncalls is computed; user_ids[] filters", () =>
    Effect.gen(function*() {
      yield* seedOnCall
      const created = yield* call("POST", "/incidents", newIncident("Checkout down"))
      assert.strictEqual(created.status, 201)
      assert.deepStrictEqual(list(created.body, "incident.assignments").map((a) => at(a, "assignee.id")), ["PADA001"])

      const mine = yield* call("GET", "/incidents?user_ids[]=PADA001")
      assert.strictEqual(at(mine.body, "incidents.length"), 1)
      const bobs = yield* call("GET", "/incidents?user_ids[]=PBOB001")
      assert.strictEqual(at(bobs.body, "incidents.length"), 0)

      const onCalls = yield* call("GET", "/oncalls")
      const entries = list(onCalls.body, "oncalls").map((o) => [
        at(o, "escalation_level"),
        at(o, "user.id"),
        at(o, "schedule.id") ?? null
      ])
      assert.deepStrictEqual(entries, [[1, "PADA001", "PSCHED1"], [2, "PBOB001", null]])
      const adaOnly = yield* call("GET", "/oncalls?user_ids[]=PADA001")
      assert.strictEqual(at(adaOnly.body, "oncalls.length"), 1)
      assert.strictEqual(at(adaOnly.body, "oncalls.0.escalation_policy.id"), "PPOLICY")

      // An override moves the schedule's on-call user, and the next incident's assignee.
      yield* call("POST", "/schedules/PSCHED1/overrides", {
        overrides: [{
          start: "2000-01-01T00:00:00Z",
          end: "2099-01-01T00:00:00Z",
          user: ref("PBOB001", "user_reference")
        }]
      })
      const next = yield* call("POST", "/incidents", newIncident("Again"))
      assert.deepStrictEqual(list(next.body, "incident.assignments").map((a) => at(a, "assignee.id")), ["PBOB001"])
    }).pipe(Effect.provide(serverLayer())))

  it.live("3. include[] expands references: assignees, on-call users, contact methods", () =>
    Effect.gen(function*() {
      yield* seedOnCall
      yield* call("POST", "/incidents", newIncident("Included"))
      const incidents = yield* call("GET", "/incidents?include[]=assignees&include[]=services")
      const incident = at(incidents.body, "incidents.0")
      assert.strictEqual(at(incident, "assignments.0.assignee.email"), FROM)
      assert.strictEqual(at(incident, "service.name"), "Checkout")
      const onCalls = yield* call("GET", "/oncalls?include[]=users")
      assert.strictEqual(at(onCalls.body, "oncalls.0.user.email"), FROM)

      const user = yield* call("POST", "/users", { user: { type: "user", name: "Cy", email: "cy@example.com" } })
      const id = String(at(user.body, "user.id"))
      const method = yield* call("POST", `/users/${id}/contact_methods`, {
        contact_method: { type: "email_contact_method", summary: "Work", label: "Work", address: "cy@work.example" }
      })
      assert.strictEqual(method.status, 201)
      const plain = yield* call("GET", `/users/${id}`)
      assert.isUndefined(at(plain.body, "user.contact_methods.0.address"))
      const expanded = yield* call("GET", `/users/${id}?include[]=contact_methods`)
      assert.strictEqual(at(expanded.body, "user.contact_methods.0.address"), "cy@work.example")
    }).pipe(Effect.provide(serverLayer())))

  it.live("4. created records get the fields PagerDuty fills in", () =>
    Effect.gen(function*() {
      yield* seedOnCall
      const service = yield* call("POST", "/services", {
        service: { type: "service", name: "Payments", escalation_policy: ref("PPOLICY", "escalation_policy_reference") }
      })
      assert.strictEqual(service.status, 201)
      const s = at(service.body, "service")
      assert.deepStrictEqual(at(s, "teams"), [])
      assert.deepStrictEqual(at(s, "integrations"), [])
      assert.strictEqual(at(s, "status"), "active")
      assert.isNumber(at(s, "acknowledgement_timeout"))
      assert.isNumber(at(s, "auto_resolve_timeout"))
      assert.deepStrictEqual(at(s, "incident_urgency_rule"), { type: "constant", urgency: "high" })
      assert.strictEqual(at(s, "alert_creation"), "create_alerts_and_incidents")

      const user = yield* call("POST", "/users", { user: { type: "user", name: "Di", email: "di@example.com" } })
      const u = at(user.body, "user")
      assert.strictEqual(at(u, "role"), "user")
      assert.strictEqual(at(u, "time_zone"), "Etc/UTC")
      assert.deepStrictEqual([at(u, "teams"), at(u, "contact_methods"), at(u, "notification_rules")], [[], [], []])
      assert.isString(at(u, "avatar_url"))
      assert.isString(at(u, "color"))
      assert.isBoolean(at(u, "invitation_sent"))

      const policy = yield* call("POST", "/escalation_policies", {
        escalation_policy: {
          type: "escalation_policy",
          name: "Second",
          escalation_rules: [{ escalation_delay_in_minutes: 10, targets: [ref("PADA001", "user_reference")] }]
        }
      })
      const p = at(policy.body, "escalation_policy")
      assert.strictEqual(at(p, "num_loops"), 0)
      assert.deepStrictEqual([at(p, "services"), at(p, "teams")], [[], []])
      assert.strictEqual(at(p, "on_call_handoff_notifications"), "if_has_services")

      const team = yield* call("POST", "/teams", { team: { type: "team", name: "SRE" } })
      assert.strictEqual(at(team.body, "team.default_role"), "manager")
      assert.strictEqual(at(team.body, "team.description"), "") // the document: a string, not nullable
    }).pipe(Effect.provide(serverLayer())))

  it.live("4b. the document's success statuses and field types (found by the proxy contract test)", () =>
    Effect.gen(function*() {
      yield* seedOnCall
      // The document answers these with 200 (or 202), not 201.
      const business = yield* call("POST", "/business_services", { business_service: { name: "Payments" } })
      assert.strictEqual(business.status, 200)
      const preview = yield* call(
        "POST",
        "/schedules/preview?since=2026-01-01T00:00:00Z&until=2026-01-02T00:00:00Z",
        { schedule: { type: "schedule", name: "Preview", time_zone: "Etc/UTC" } }
      )
      assert.strictEqual(preview.status, 200)
      const team = yield* call("POST", "/teams", { team: { type: "team", name: "SRE" } })
      const tags = yield* call("POST", `/teams/${String(at(team.body, "team.id"))}/change_tags`, {
        add: [{ type: "tag", label: "x" }]
      })
      assert.strictEqual(tags.status, 200)
      const incident = yield* call("POST", "/incidents", newIncident("Disk full"))
      const incidentId = String(at(incident.body, "incident.id"))
      const update = yield* call("POST", `/incidents/${incidentId}/status_updates`, { message: "Investigating" })
      assert.strictEqual(update.status, 200)
      const entries = yield* call("GET", `/incidents/${incidentId}/log_entries`)
      const entryId = String(at(entries.body, "log_entries.0.id"))
      const channel = yield* call("PUT", `/log_entries/${entryId}/channel`, {
        channel: { type: "web_trigger", details: "Updated" }
      })
      assert.strictEqual(channel.status, 202)
      const subscription = yield* call("POST", "/webhook_subscriptions", {
        webhook_subscription: {
          type: "webhook_subscription",
          delivery_method: { type: "http_delivery_method", url: "https://example.com/hook" },
          events: ["incident.triggered"],
          filter: { type: "account_reference" }
        }
      })
      assert.strictEqual(subscription.status, 200)
      assert.strictEqual(at(subscription.body, "webhook_subscription.description"), "") // a string, not nullable

      // The creator is the `From` header's user; a ruleset created through the API is a global one.
      const window = yield* call("POST", "/maintenance_windows", {
        maintenance_window: {
          type: "maintenance_window",
          start_time: "2026-03-01T00:00:00Z",
          end_time: "2026-03-01T02:00:00Z",
          services: [ref("PSVC001", "service_reference")]
        }
      })
      assert.strictEqual(at(window.body, "maintenance_window.created_by.id"), "PADA001")
      assert.strictEqual(at(window.body, "maintenance_window.created_by.type"), "user_reference")
      const ruleset = yield* call("POST", "/rulesets", { ruleset: { name: "Routing" } })
      assert.strictEqual(at(ruleset.body, "ruleset.type"), "global")
      // A cursor page, as the document answers it.
      const dashboards = yield* call("GET", "/status_dashboards")
      assert.strictEqual(at(dashboards.body, "limit"), 100)
      assert.strictEqual(at(dashboards.body, "next_cursor"), null)
      assert.deepStrictEqual(at(dashboards.body, "status_dashboards"), [])
    }).pipe(Effect.provide(serverLayer())))

  it.live("5. strict input: 400 with PagerDuty's error body for what PagerDuty refuses", () =>
    Effect.gen(function*() {
      yield* seedOnCall
      const refused = [
        yield* call("POST", "/escalation_policies", {
          escalation_policy: { type: "escalation_policy", name: "No rules" }
        }),
        yield* call("POST", "/incidents", {
          incident: { title: "No type", service: ref("PSVC001", "service_reference") }
        }),
        yield* call("PUT", "/incidents", { incidents: [{ id: "PX", status: "resolved" }] }),
        yield* call("POST", "/incidents", {
          incident: { ...newIncident("Medium").incident, urgency: "medium" }
        }),
        yield* call("POST", "/users", { user: { type: "user", name: "E", email: "not-an-email" } }),
        yield* call("GET", "/users?total=maybe"),
        yield* call("POST", "/services", { service: { type: "service", name: "No policy" } })
      ]
      for (const reply of refused) {
        assert.strictEqual(reply.status, 400, JSON.stringify(reply.body))
        assert.strictEqual(at(reply.body, "error.message"), "Invalid Input Provided")
        assert.strictEqual(at(reply.body, "error.code"), 2001)
        assert.isAbove(list(reply.body, "error.errors").length, 0)
      }
      const id = String(at((yield* call("POST", "/incidents", newIncident("Typed"))).body, "incident.id"))
      const untyped = yield* call("PUT", `/incidents/${id}`, { incident: { status: "acknowledged" } })
      assert.strictEqual(untyped.status, 400)
      expect(JSON.stringify(at(refused[3].body, "error.errors"))).toContain("high, low")
      expect(JSON.stringify(at(refused[4].body, "error.errors"))).toContain("email")
    }).pipe(Effect.provide(serverLayer())))

  it.live("6a. numbers continue after seeded incidents; events follow the service's urgency rule; links", () =>
    Effect.gen(function*() {
      const fake = yield* FakePagerDuty
      yield* seedOnCall
      yield* fake.seed("incidents", [{ title: "Old", incident_number: 41, status: "resolved" }])
      const created = yield* call("POST", "/incidents", newIncident("New"))
      assert.strictEqual(at(created.body, "incident.incident_number"), 42)

      const lowService = yield* call("POST", "/services", {
        service: {
          type: "service",
          name: "Batch",
          escalation_policy: ref("PPOLICY", "escalation_policy_reference"),
          incident_urgency_rule: { type: "constant", urgency: "low" }
        }
      })
      const routingKey = yield* fake.addIntegration(String(at(lowService.body, "service.id")))
      const server = yield* FakePagerDutyServer
      const client = yield* HttpClient.HttpClient
      yield* client.execute(
        HttpClientRequest.post(`${server.url}/v2/enqueue`).pipe(HttpClientRequest.bodyUnsafeJson({
          routing_key: routingKey,
          event_action: "trigger",
          payload: { summary: "Critical but low", source: "batch", severity: "critical" }
        }))
      ).pipe(Effect.orDie)
      const incidents = yield* call("GET", `/incidents?service_ids[]=${String(at(lowService.body, "service.id"))}`)
      const incident = at(incidents.body, "incidents.0")
      assert.strictEqual(at(incident, "urgency"), "low")

      const alerts = yield* call("GET", `/incidents/${String(at(incident, "id"))}/alerts`)
      assert.isString(at(alerts.body, "alerts.0.html_url"))
      assert.strictEqual(at(alerts.body, "alerts.0.integration.type"), "events_api_v2_inbound_integration_reference")
      const log = yield* call("GET", `/incidents/${String(at(incident, "id"))}/log_entries`)
      assert.strictEqual(
        at(log.body, "log_entries.0.self"),
        `${server.url}/log_entries/${String(at(log.body, "log_entries.0.id"))}`
      )
      assert.isString(at(log.body, "log_entries.0.html_url"))

      yield* fake.seed("priorities", [{ name: "P1", description: "Critical" }])
      const priorities = yield* call("GET", "/priorities")
      const p1 = at(priorities.body, "priorities.0")
      assert.deepStrictEqual([at(p1, "type"), at(p1, "summary")], ["priority", "P1"])
      assert.strictEqual(at(p1, "self"), `${server.url}/priorities/${String(at(p1, "id"))}`)
    }).pipe(Effect.provide(serverLayer())))

  it.live("6b. /users/me by key kind; abilities 204/402/404; X-Forwarded-Proto; OAuth only on identity hosts", () =>
    Effect.gen(function*() {
      yield* seedOnCall
      const account = yield* call("GET", "/users/me")
      assert.strictEqual(account.status, 400)
      const mine = yield* call("GET", "/users/me", undefined, { authorization: "Token token=ada-user-key" })
      assert.strictEqual(mine.status, 200)
      assert.strictEqual(at(mine.body, "user.id"), "PADA001")

      assert.strictEqual((yield* call("GET", "/abilities/teams")).status, 204)
      assert.strictEqual((yield* call("GET", "/abilities/sso")).status, 402)
      assert.strictEqual((yield* call("GET", "/abilities/no_such_ability")).status, 404)

      const tls = yield* call("GET", "/users/PADA001", undefined, { "x-forwarded-proto": "https" })
      expect(at(tls.body, "user.self")).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/users\/PADA001$/)

      const form = "grant_type=client_credentials&client_id=any-app&client_secret=s&scope=users.read"
      const server = yield* FakePagerDutyServer
      const client = yield* HttpClient.HttpClient
      const token = (host: string | undefined) =>
        client.execute(
          HttpClientRequest.post(`${server.url}/oauth/token`).pipe(
            HttpClientRequest.bodyText(form, "application/x-www-form-urlencoded"),
            HttpClientRequest.setHeaders(host === undefined ? {} : { host })
          )
        ).pipe(Effect.map((response) => response.status), Effect.orDie)
      // No `oauth.clients`: any app is accepted, like any key without `apiKeys`.
      assert.strictEqual(yield* token(undefined), 200)
      assert.strictEqual(yield* token("identity.pagerduty.com"), 200)
      // On the REST host, /oauth/token is a REST path: unauthenticated, 401.
      assert.strictEqual(yield* token("api.pagerduty.com"), 401)
    }).pipe(Effect.provide(serverLayer({
      userApiKeys: { "ada-user-key": "PADA001" },
      abilities: ["teams", "urgencies"]
    }))))
})
