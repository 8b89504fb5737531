import { assert, describe, expect, it } from "@effect/vitest"
import { Effect, Option, Schema } from "effect"
import type { PagerDutyConfigOptions, RestApiService } from "effect-pagerduty"
import { PDClientError, PDHTTPError, RestApi } from "effect-pagerduty"
import type { Fake, Handler, Reply } from "./support/paginationClient.js"
import { layerFor, makeFake, offsetPage, query, users, withSpans } from "./support/paginationClient.js"

const withApi = <A, E>(
  fake: Fake,
  f: (api: RestApiService) => Effect.Effect<A, E>,
  config: PagerDutyConfigOptions = {}
) => Effect.flatMap(RestApi, f).pipe(Effect.provide(layerFor(fake, config)))

const reply = (body: unknown, status = 200): Effect.Effect<Reply> => Effect.succeed({ status, body })
const always = (body: unknown, status = 200): Handler => () => reply(body, status)

describe("RestApi entity verbs", () => {
  it.effect("rget unwraps the entity", () =>
    Effect.gen(function*() {
      const fake = makeFake(always({ user: { id: "P1", name: "Ada" } }))
      const user = yield* withApi(fake, (api) => api.rget("/users/P1"))
      assert.deepStrictEqual(user, { id: "P1", name: "Ada" })
      expect(fake.requests[0].method).toBe("GET")
      expect(fake.requests[0].url.pathname).toBe("/users/P1")
    }))

  it.effect("each entity verb is one span named after the operation and the canonical path", () =>
    Effect.gen(function*() {
      const fake = makeFake((request) =>
        Effect.succeed(request.method === "DELETE" ? { status: 204 } : { body: { service: { id: "S1" } } })
      )
      const [, spans] = yield* withSpans(
        withApi(
          fake,
          (api) =>
            Effect.all([api.rget("/services/S1"), api.rput("/services/S1", { json: {} }), api.rdelete("/services/S1")])
        )
      )
      expect(spans.map((span) => span.name).filter((name) => name.startsWith("RestApi."))).toEqual([
        "RestApi.rget GET /services/{id}",
        "RestApi.rput PUT /services/{id}",
        "RestApi.rdelete DELETE /services/{id}"
      ])
    }))

  it.effect("rget accepts a path without a slash, a full URL and an entity with self", () =>
    Effect.gen(function*() {
      const fake = makeFake(always({ service: { id: "S1" } }))
      yield* withApi(fake, (api) =>
        Effect.all([
          api.rget("services/S1"),
          api.rget("https://api.pagerduty.com/services/S1"),
          api.rget({ self: "https://api.pagerduty.com/services/S1" })
        ]))
      expect(fake.requests.map((r) => r.url.href)).toEqual([
        "https://api.pagerduty.com/services/S1",
        "https://api.pagerduty.com/services/S1",
        "https://api.pagerduty.com/services/S1"
      ])
    }))

  it.effect("irregular wrappers: /users/me → user, event orchestrations → orchestration", () =>
    Effect.gen(function*() {
      const fake = makeFake((request) =>
        request.url.pathname === "/users/me"
          ? reply({ user: { id: "ME" } })
          : request.method === "GET"
          ? reply({ orchestration: { id: "EO1" } })
          : reply({ orchestration: { id: "EO2", name: "new" } }, 201)
      )
      const me = yield* withApi(fake, (api) => api.rget("/users/me"))
      const eo = yield* withApi(fake, (api) => api.rget("/event_orchestrations/EO1"))
      const created = yield* withApi(fake, (api) => api.rpost("/event_orchestrations", { json: { name: "new" } }))
      assert.deepStrictEqual(me, { id: "ME" })
      assert.deepStrictEqual(eo, { id: "EO1" })
      assert.deepStrictEqual(created, { id: "EO2", name: "new" })
      assert.deepStrictEqual(fake.requests[2].body, { orchestration: { name: "new" } })
    }))

  it.effect("rpost wraps the body with the singular name and unwraps the answer", () =>
    Effect.gen(function*() {
      const fake = makeFake(always({ service: { id: "S1", name: "Web" } }, 201))
      const created = yield* withApi(fake, (api) => api.rpost("/services", { json: { name: "Web" } }))
      assert.deepStrictEqual(fake.requests[0].body, { service: { name: "Web" } })
      expect(fake.requests[0].headers["content-type"]).toBe("application/json")
      assert.deepStrictEqual(created, { id: "S1", name: "Web" })
    }))

  it.effect("an already wrapped body is sent as is; a body merely containing the wrapper key is wrapped", () =>
    Effect.gen(function*() {
      const fake = makeFake(always({ service: { id: "S1" } }, 201))
      yield* withApi(fake, (api) => api.rpost("/services", { json: { service: { name: "Web" } } }))
      yield* withApi(fake, (api) => api.rpost("/services", { json: { service: "x", name: "Web" } }))
      assert.deepStrictEqual(fake.requests[0].body, { service: { name: "Web" } })
      assert.deepStrictEqual(fake.requests[1].body, { service: { service: "x", name: "Web" } })
    }))

  it.effect("rput wraps; the caller's body is not mutated", () =>
    Effect.gen(function*() {
      const fake = makeFake(always({ team: { id: "T1", name: "Ops" } }))
      const body = { name: "Ops" }
      const team = yield* withApi(fake, (api) => api.rput("/teams/T1", { json: body }))
      assert.deepStrictEqual(fake.requests[0].body, { team: { name: "Ops" } })
      assert.deepStrictEqual(body, { name: "Ops" })
      assert.deepStrictEqual(team, { id: "T1", name: "Ops" })
    }))

  it.effect("rpatch follows the table (the spec's one PATCH is bare) and infers the wrapper elsewhere", () =>
    Effect.gen(function*() {
      const fake = makeFake((request) =>
        reply(request.url.pathname.startsWith("/workflows") ? { id: "C1", name: "c" } : { team: { id: "T1" } })
      )
      const connection = yield* withApi(
        fake,
        (api) => api.rpatch("/workflows/integrations/I1/connections/C1", { json: { name: "c" } })
      )
      const team = yield* withApi(fake, (api) => api.rpatch("/teams/T1", { json: { name: "Ops" } }))
      expect(fake.requests.map((r) => r.method)).toEqual(["PATCH", "PATCH"])
      assert.deepStrictEqual(fake.requests[0].body, { name: "c" })
      assert.deepStrictEqual(connection, { id: "C1", name: "c" })
      assert.deepStrictEqual(fake.requests[1].body, { team: { name: "Ops" } })
      assert.deepStrictEqual(team, { id: "T1" })
    }))

  it.effect("snooze sends the body bare and returns the incident", () =>
    Effect.gen(function*() {
      const fake = makeFake(always({ incident: { id: "I1", status: "acknowledged" } }, 201))
      const incident = yield* withApi(
        fake,
        (api) => api.rpost("/incidents/I1/snooze", { json: { duration: 3600 } }),
        { defaultFrom: "oncall@example.com" }
      )
      assert.deepStrictEqual(fake.requests[0].body, { duration: 3600 })
      assert.deepStrictEqual(incident, { id: "I1", status: "acknowledged" })
    }))

  it.effect("schedule overrides: the body is wrapped in overrides, the answer is a bare array", () =>
    Effect.gen(function*() {
      const answer = [{ status: 201, override: { id: "O1" } }, { status: 400, errors: ["bad"] }]
      const fake = makeFake(always(answer, 201))
      const result = yield* withApi(
        fake,
        (api) => api.rpost("/schedules/S1/overrides", { json: [{ start: "a" }, { start: "b" }] })
      )
      assert.deepStrictEqual(fake.requests[0].body, { overrides: [{ start: "a" }, { start: "b" }] })
      assert.deepStrictEqual(result, answer)
    }))

  it.effect("analytics bodies are sent and returned unwrapped", () =>
    Effect.gen(function*() {
      const answer = { data: [{ mean_seconds_to_resolve: 10 }], filters: {} }
      const fake = makeFake(always(answer))
      const result = yield* withApi(
        fake,
        (api) => api.rpost("/analytics/metrics/incidents/all", { json: { filters: { urgency: "high" } } })
      )
      assert.deepStrictEqual(fake.requests[0].body, { filters: { urgency: "high" } })
      assert.deepStrictEqual(result, answer)
    }))

  it.effect("multi-update: an array is wrapped in the plural name and the list returned", () =>
    Effect.gen(function*() {
      const fake = makeFake((request) => {
        const path = request.url.pathname
        const key = path === "/incidents" ? "incidents" : path === "/priorities" ? "priorities" : "alerts"
        return reply({ [key]: [{ id: "X1" }, { id: "X2" }] })
      })
      const updates = [{ id: "X1", status: "resolved" }, { id: "X2", status: "resolved" }]
      const from = { defaultFrom: "oncall@example.com" }
      const incidents = yield* withApi(fake, (api) => api.rput("/incidents", { json: updates }), from)
      const alerts = yield* withApi(fake, (api) => api.rput("/incidents/I1/alerts", { json: updates }), from)
      const priorities = yield* withApi(fake, (api) => api.rput("/priorities", { json: updates }), from)
      assert.deepStrictEqual(fake.requests.map((r) => r.body), [
        { incidents: updates },
        { alerts: updates },
        { priorities: updates }
      ])
      for (const result of [incidents, alerts, priorities]) {
        assert.deepStrictEqual(result, [{ id: "X1" }, { id: "X2" }])
      }
    }))

  it.effect("204 gives undefined (rdelete, and a PUT answered with no content)", () =>
    Effect.gen(function*() {
      const fake = makeFake(() => Effect.succeed({ status: 204 }))
      const deleted = yield* withApi(fake, (api) => api.rdelete("/services/S1"))
      const added = yield* withApi(fake, (api) => api.rput("/teams/T1/users/U1", { json: { role: "manager" } }))
      const emptyWrapped = yield* withApi(fake, (api) => api.rget("/services/S1"))
      expect(deleted).toBeUndefined()
      expect(added).toBeUndefined()
      expect(emptyWrapped).toBeUndefined()
      expect(fake.requests.map((r) => r.method)).toEqual(["DELETE", "PUT", "GET"])
    }))

  it.effect("with a schema, a 204 is decoded too (so the result is what the schema claims)", () =>
    Effect.gen(function*() {
      const fake = makeFake(() => Effect.succeed({ status: 204 }))
      const none = yield* withApi(fake, (api) => api.rdelete("/services/S1", { schema: Schema.Undefined }))
      expect(none).toBeUndefined()
      const error = yield* Effect.flip(
        withApi(fake, (api) => api.rput("/services/S1", { json: {}, schema: Schema.Struct({ id: Schema.String }) }))
      )
      assert.instanceOf(error, PDClientError)
      expect(error.reason).toBe("Decode")
    }))

  it.effect("a 2xx without the expected wrapper fails with PDHTTPError UnexpectedShape, body attached", () =>
    Effect.gen(function*() {
      const fake = makeFake(always({ users: [], more: false }))
      const error = yield* Effect.flip(withApi(fake, (api) => api.rget("/users/P1")))
      assert.instanceOf(error, PDHTTPError)
      expect(error.reason).toBe("UnexpectedShape")
      expect(error.status).toBe(200)
      expect(error.body).toBe(JSON.stringify({ users: [], more: false }))
      expect(error.message).toContain("\"user\"")
      expect(error.message).toContain("its keys are: \"users\", \"more\"")
    }))

  it.effect("a non-2xx fails with PDHTTPError StatusCode", () =>
    Effect.gen(function*() {
      const fake = makeFake(always({ error: { code: 2100, message: "Not Found" } }, 404))
      const error = yield* Effect.flip(withApi(fake, (api) => api.rget("/users/P1")))
      assert.instanceOf(error, PDHTTPError)
      expect(error.reason).toBe("StatusCode")
      expect(error.status).toBe(404)
      expect(error.errorMessage).toBe("Not Found")
    }))

  it.effect("a URL that matches no documented endpoint fails before sending; the JSON verbs still work", () =>
    Effect.gen(function*() {
      const fake = makeFake(always({ thing: 1 }))
      const error = yield* Effect.flip(withApi(fake, (api) => api.rget("/no_such_thing/P1")))
      assert.instanceOf(error, PDClientError)
      expect(error.reason).toBe("InvalidUrl")
      expect(error.message).toContain("matches no documented endpoint")
      expect(fake.requests).toHaveLength(0)
      const raw = yield* withApi(fake, (api) => api.jget("/no_such_thing/P1"))
      assert.deepStrictEqual(raw, { thing: 1 })
    }))

  it.effect("a URL on another origin fails with InvalidUrl and sends nothing", () =>
    Effect.gen(function*() {
      const fake = makeFake(always({ user: {} }))
      const error = yield* Effect.flip(withApi(fake, (api) => api.rget("https://evil.example.com/users/P1")))
      assert.instanceOf(error, PDClientError)
      expect(error.reason).toBe("InvalidUrl")
      expect(fake.requests).toHaveLength(0)
    }))
})

describe("RestApi typed results", () => {
  const User = Schema.Struct({
    id: Schema.String,
    email: Schema.String,
    teams: Schema.Array(Schema.Struct({ id: Schema.String }))
  })

  it.effect("a schema decodes the entity", () =>
    Effect.gen(function*() {
      const fake = makeFake(always({ user: { id: "P1", email: "a@example.com", teams: [{ id: "T1" }], extra: 1 } }))
      const user = yield* withApi(fake, (api) => api.rget("/users/P1", { schema: User }))
      expect(user.email).toBe("a@example.com")
      expect(user.teams[0].id).toBe("T1")
    }))

  it.effect("a decode failure is a PDClientError naming the field", () =>
    Effect.gen(function*() {
      const fake = makeFake(always({ user: { id: "P1", email: 42, teams: [] } }))
      const error = yield* Effect.flip(withApi(fake, (api) => api.rget("/users/P1", { schema: User })))
      assert.instanceOf(error, PDClientError)
      expect(error.reason).toBe("Decode")
      expect(error.field).toBe("email")
      expect(error.message).toContain("email")

      const nested = makeFake(always({ user: { id: "P1", email: "a", teams: [{ id: "T1" }, { name: "x" }] } }))
      const nestedError = yield* Effect.flip(withApi(nested, (api) => api.rget("/users/P1", { schema: User })))
      assert.instanceOf(nestedError, PDClientError)
      expect(nestedError.field).toBe("teams[1].id")
    }))
})

describe("RestApi From header", () => {
  // What PagerDuty answers an account-level key's request without From.
  const fromRefusal = {
    error: {
      message: "Invalid Input Provided",
      code: 2001,
      errors: ["You must specify a user's email address in the \"From\" header to perform this action."]
    }
  }
  const createIncident = (api: RestApiService, headers?: Record<string, string>) =>
    api.rpost("/incidents", { json: { title: "Down", service: { id: "S1" } }, ...(headers ? { headers } : {}) })

  it.effect("without From, a request is sent: a user's API key or OAuth token needs none, and PagerDuty accepts it", () =>
    Effect.gen(function*() {
      const fake = makeFake(always({ incident: { id: "I1" } }, 201))
      const [first, second] = yield* withApi(fake, (api) => Effect.all([createIncident(api), createIncident(api)]))
      assert.deepStrictEqual([first, second], [{ id: "I1" }, { id: "I1" }])
      expect(fake.requests).toHaveLength(2)
      expect(fake.requests.map((r) => r.headers["from"])).toEqual([undefined, undefined])
    }))

  it.effect("an account-level key: PagerDuty's 400 says how to set From, and later requests fail before sending", () =>
    Effect.gen(function*() {
      const fake = makeFake((request) =>
        request.headers["from"] === undefined ? reply(fromRefusal, 400) : reply({ incident: { id: "I1" } }, 201)
      )
      const [refused, early, withFrom, other] = yield* withApi(fake, (api) =>
        Effect.all([
          Effect.flip(createIncident(api)),
          Effect.flip(createIncident(api)),
          createIncident(api, { From: "oncall@example.com" }),
          // Another operation that requires From: also known now.
          Effect.flip(api.rpost("/incidents/I1/notes", { json: { note: { content: "x" } } }))
        ]))
      assert.instanceOf(refused, PDHTTPError)
      expect(refused.status).toBe(400)
      expect(refused.reason).toBe("StatusCode")
      expect(refused.code).toBe(2001)
      expect(refused.errors).toEqual(fromRefusal.error.errors)
      expect(refused.message).toContain("POST /incidents requires a From header")
      expect(refused.message).toContain("defaultFrom")
      expect(refused.message).toContain("You must specify a user's email address")

      assert.instanceOf(early, PDClientError)
      expect(early.reason).toBe("Config")
      expect(early.message).toContain("POST /incidents requires a From header")
      expect(early.message).toContain("account-level")
      expect(early.message).toContain("defaultFrom")

      assert.deepStrictEqual(withFrom, { id: "I1" })
      assert.instanceOf(other, PDClientError)
      expect(other.message).toContain("POST /incidents/{id}/notes requires a From header")
      // Sent: the refused one and the one with From; not the two that failed early.
      expect(fake.requests.map((r) => `${r.url.pathname} ${r.headers["from"] ?? "-"}`)).toEqual([
        "/incidents -",
        "/incidents oncall@example.com"
      ])
    }))

  it.effect("a 400 that does not name From gets the hint but teaches nothing: the next request is sent", () =>
    Effect.gen(function*() {
      const fake = makeFake(
        always({ error: { message: "Invalid Input Provided", code: 2001, errors: ["Title"] } }, 400)
      )
      const [first, second] = yield* withApi(
        fake,
        (api) => Effect.all([Effect.flip(createIncident(api)), Effect.flip(createIncident(api))])
      )
      assert.instanceOf(first, PDHTTPError)
      assert.instanceOf(second, PDHTTPError)
      expect(second.message).toContain("requires a From header")
      expect(fake.requests).toHaveLength(2)
    }))

  it.effect("an operation that does not require From never gets the hint", () =>
    Effect.gen(function*() {
      const fake = makeFake(always({ error: { message: "Invalid Input Provided", code: 2001, errors: ["From"] } }, 400))
      const error = yield* Effect.flip(withApi(fake, (api) => api.rpost("/services", { json: { name: "x" } })))
      assert.instanceOf(error, PDHTTPError)
      expect(error.message).not.toContain("requires a From header")
    }))

  it.effect("defaultFrom, or a From header on the call, is sent", () =>
    Effect.gen(function*() {
      const fake = makeFake(always({ incident: { id: "I1" } }, 201))
      yield* withApi(fake, (api) => api.rpost("/incidents", { json: { title: "Down" } }), {
        defaultFrom: "oncall@example.com"
      })
      yield* withApi(fake, (api) =>
        api.rpost("/incidents", {
          json: { title: "Down" },
          headers: { From: "other@example.com" }
        }))
      expect(fake.requests.map((r) => r.headers["from"])).toEqual(["oncall@example.com", "other@example.com"])
      assert.deepStrictEqual(fake.requests[0].body, { incident: { title: "Down" } })
    }))
})

describe("RestApi.find", () => {
  const people = [
    { id: "P1", name: "Ada Lovelace", email: "ada@example.com", f: 5 },
    { id: "P2", name: "ada", email: "ADA2@example.com", f: 6 },
    { id: "P3", email: "nobody@example.com" }
  ]
  const listing = (items: ReadonlyArray<unknown>): Handler => (request) =>
    Effect.succeed(offsetPage(request, { items, wrapper: "users" }))

  it.effect("matches exactly, case-insensitively, and sends query=<query>", () =>
    Effect.gen(function*() {
      const fake = makeFake(listing(people))
      const found = yield* withApi(fake, (api) => api.find("/users", "ADA"))
      assert.deepStrictEqual(found, Option.some(people[1]))
      expect(query(fake.requests[0]).query).toBe("ADA")
    }))

  it.effect("a substring or untrimmed query does not match; an entity lacking the attribute is not a match", () =>
    Effect.gen(function*() {
      const fake = makeFake(listing(people))
      const partial = yield* withApi(fake, (api) => api.find("/users", "Lovelace"))
      const spaced = yield* withApi(fake, (api) => api.find("/users", "ada@example.com ", { attribute: "email" }))
      const byEmail = yield* withApi(fake, (api) => api.find("/users", "ADA@example.com", { attribute: "email" }))
      const missing = yield* withApi(fake, (api) => api.find("/users", "x", { attribute: "nickname" }))
      expect(Option.isNone(partial)).toBe(true)
      expect(Option.isNone(spaced)).toBe(true)
      assert.deepStrictEqual(byEmail, Option.some(people[0]))
      expect(Option.isNone(missing)).toBe(true)
    }))

  it.effect("numbers are compared as strings", () =>
    Effect.gen(function*() {
      const fake = makeFake(listing(people))
      const found = yield* withApi(fake, (api) => api.find("/users", 6, { attribute: "f" }))
      assert.deepStrictEqual(found, Option.some(people[1]))
    }))

  it.effect("stops paging at the first match", () =>
    Effect.gen(function*() {
      const all = users(500)
      const fake = makeFake(listing(all))
      const found = yield* withApi(fake, (api) => api.find("/users", "user 3"))
      assert.deepStrictEqual(found, Option.some(all[3]))
      expect(fake.requests).toHaveLength(1)
      const late = yield* withApi(fake, (api) => api.find("/users", "user 250", { pageSize: 100 }))
      assert.deepStrictEqual(late, Option.some(all[250]))
      expect(fake.requests).toHaveLength(4)
    }))

  it.effect("decodes the match with a schema", () =>
    Effect.gen(function*() {
      const fake = makeFake(listing(people))
      const Person = Schema.Struct({ id: Schema.String, email: Schema.String })
      const found = yield* withApi(fake, (api) => api.find("/users", "ada", { schema: Person }))
      expect(Option.map(found, (p) => p.email)).toEqual(Option.some("ADA2@example.com"))
    }))
})

describe("RestApi.persist", () => {
  /** A tiny users store: GET lists (filtered by query), POST creates, PUT updates. */
  const store = (initial: ReadonlyArray<Record<string, unknown>>) => {
    const items = initial.map((item) => ({ ...item }))
    const handler: Handler = (request) => {
      if (request.method === "GET") {
        const q = (request.url.searchParams.get("query") ?? "").toLowerCase()
        const matching = items.filter((item) => String(item.email ?? "").includes(q) || String(item.name).includes(q))
        return Effect.succeed(offsetPage(request, { items: matching, wrapper: "users" }))
      }
      const body = request.body as { readonly user: Record<string, unknown> }
      if (request.method === "POST") {
        const created = { ...body.user, id: `PN${items.length}` }
        items.push(created)
        return reply({ user: created }, 201)
      }
      return reply({ user: body.user })
    }
    return { items, handler }
  }
  const ada = {
    id: "P1",
    name: "Ada",
    email: "ada@example.com",
    role: "user",
    self: "https://api.pagerduty.com/users/P1"
  }
  const from = { defaultFrom: "admin@example.com" }

  it.effect("does not create when the entity exists", () =>
    Effect.gen(function*() {
      const { handler } = store([ada])
      const fake = makeFake(handler)
      const result = yield* withApi(fake, (api) => api.persist("/users", "email", { email: "ADA@example.com" }), from)
      assert.deepStrictEqual(result, ada)
      expect(fake.requests.map((r) => r.method)).toEqual(["GET"])
    }))

  it.effect("creates when absent", () =>
    Effect.gen(function*() {
      const { handler, items } = store([ada])
      const fake = makeFake(handler)
      const values = { email: "grace@example.com", name: "Grace" }
      const result = yield* withApi(fake, (api) => api.persist("/users", "email", values), from)
      expect(fake.requests.map((r) => r.method)).toEqual(["GET", "POST"])
      assert.deepStrictEqual(fake.requests[1].body, { user: values })
      assert.deepStrictEqual(result, { ...values, id: "PN1" })
      expect(items).toHaveLength(2)
      // Idempotent: the second time, nothing is created.
      yield* withApi(fake, (api) => api.persist("/users", "email", values), from)
      expect(fake.requests.map((r) => r.method)).toEqual(["GET", "POST", "GET"])
    }))

  it.effect("with update, PUTs the merged entity to its self URL only when something changed", () =>
    Effect.gen(function*() {
      const { handler } = store([ada])
      const fake = makeFake(handler)
      const same = yield* withApi(
        fake,
        (api) => api.persist("/users", "email", { email: "ada@example.com", role: "user" }, { update: true }),
        from
      )
      assert.deepStrictEqual(same, ada)
      expect(fake.requests.map((r) => r.method)).toEqual(["GET"])
      const updated = yield* withApi(
        fake,
        (api) => api.persist("/users", "email", { email: "ada@example.com", role: "admin" }, { update: true }),
        from
      )
      expect(fake.requests.map((r) => r.method)).toEqual(["GET", "GET", "PUT"])
      expect(fake.requests[2].url.href).toBe("https://api.pagerduty.com/users/P1")
      assert.deepStrictEqual(fake.requests[2].body, { user: { ...ada, role: "admin" } })
      assert.deepStrictEqual(updated, { ...ada, role: "admin" })
    }))

  it.effect("values without the attribute fail with InvalidInput before sending", () =>
    Effect.gen(function*() {
      const fake = makeFake(always({}))
      const error = yield* Effect.flip(withApi(fake, (api) => api.persist("/users", "email", { name: "Ada" })))
      assert.instanceOf(error, PDClientError)
      expect(error.reason).toBe("InvalidInput")
      expect(error.message).toContain("\"email\"")
      expect(fake.requests).toHaveLength(0)
    }))
})

describe("RestApi.subdomain", () => {
  it.effect("is the first label of a user's html_url, read once", () =>
    Effect.gen(function*() {
      const fake = makeFake(always({ users: [{ id: "P1", html_url: "https://acme.pagerduty.com/users/P1" }] }))
      const [a, b] = yield* withApi(fake, (api) => Effect.all([api.subdomain, api.subdomain]))
      expect([a, b]).toEqual(["acme", "acme"])
      expect(fake.requests).toHaveLength(1)
      expect(query(fake.requests[0]).limit).toBe("1")
    }))

  it.effect("no users is a PDClientError", () =>
    Effect.gen(function*() {
      const fake = makeFake(always({ users: [] }))
      const error = yield* Effect.flip(withApi(fake, (api) => api.subdomain))
      assert.instanceOf(error, PDClientError)
      expect(error.message).toContain("subdomain")
    }))
})
