/**
 * The typed operations (`effect-pagerduty/api`) against the fake PagerDuty (in memory): typed calls and streams,
 * open enums, unknown keys kept, decode failures naming the operation and the field, decoding off per call and per
 * layer, the pagination methods' types, and every paged list without path parameters served by the fake (the tour of
 * the fake's other answers is in `TypedApiFake.test.ts`).
 */
import { assert, describe, expect, expectTypeOf, it } from "@effect/vitest"
import { Chunk, Effect, Layer, Stream } from "effect"
import type { EntityOptions, IterAllOptions, RestApiError, RestApiService } from "effect-pagerduty"
import { PagerDuty, RestApi } from "effect-pagerduty"
import { Incidents, LogEntries, Schemas, Services, Teams, TypedDecoding, Users } from "effect-pagerduty/api"
import { FakePagerDuty } from "effect-pagerduty/testing"
import * as Api from "../src/api/index.js"
import { operationOf } from "../src/internal/api/operation.js"

const TestLayer = PagerDuty.layer({ apiKey: "u+typed", defaultFrom: "ada@example.com" }).pipe(
  // The key is Ada's own (a user key), so `GET /users/me` answers her; an account-level key gets a 400 there.
  Layer.provideMerge(FakePagerDuty.layer({ userApiKeys: { "u+typed": "ada@example.com" } }))
)

/** The query parameters a paged list requires (PagerDuty, and the fake, answer 400 without them). */
const requiredInputs: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  "Notifications.listNotifications": { since: "2026-01-01T00:00:00Z", until: "2026-02-01T00:00:00Z" }
}

describe("typed operations", () => {
  it.effect("a typed call is decoded and unwrapped: getUser returns the User", () =>
    Effect.gen(function*() {
      const fake = yield* FakePagerDuty
      const [ada] = yield* fake.seed("users", [{ name: "Ada Lovelace", email: "ada@example.com" }])
      const user = yield* Users.getUser({ id: String(ada.id) })
      expect(user.name).toBe("Ada Lovelace")
      expect(user.email).toBe("ada@example.com")
      expect(user.id).toBe(ada.id)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("unknown keys are kept and enums are open", () =>
    Effect.gen(function*() {
      const fake = yield* FakePagerDuty
      const [ada] = yield* fake.seed("users", [
        { name: "Ada", email: "ada@example.com", role: "wizard", favourite_colour: "teal" }
      ])
      const user = yield* Users.getUser({ id: String(ada.id) })
      expect(user.role).toBe("wizard")
      expect((user as unknown as Record<string, unknown>).favourite_colour).toBe("teal")
      // The exported schemas keep unknown keys with the verbs' `schema` option too.
      const api = yield* RestApi
      const viaVerb = yield* api.rget(`/users/${ada.id}`, { schema: Schemas.User })
      expect((viaVerb as unknown as Record<string, unknown>).favourite_colour).toBe("teal")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a decode failure is a PDClientError (Decode) naming the operation and the field", () =>
    Effect.gen(function*() {
      const fake = yield* FakePagerDuty
      const [bad] = yield* fake.seed("users", [{ name: "Bad", email: 42 }])
      const error = yield* Effect.flip(Users.getUser({ id: String(bad.id) }))
      assert(error._tag === "PDClientError")
      expect(error.reason).toBe("Decode")
      expect(error.field).toBe("email")
      expect(error.description).toContain("Users.getUser")
      expect(error.description).toContain("GET /users/{id}")
      expect(error.method).toBe("GET")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("decoding can be turned off per call and per layer", () =>
    Effect.gen(function*() {
      const fake = yield* FakePagerDuty
      const [bad] = yield* fake.seed("users", [{ name: "Bad", email: 42 }])
      const id = String(bad.id)
      const perCall = yield* Users.getUser({ id }, { decode: false })
      expect(perCall.email as unknown).toBe(42)
      const perLayer = yield* Users.getUser({ id }).pipe(Effect.provide(TypedDecoding.layer(false)))
      expect(perLayer.email as unknown).toBe(42)
      // A call can turn it back on under a layer that turned it off.
      const forced = yield* Effect.flip(Users.getUser({ id }, { decode: true })).pipe(
        Effect.provide(TypedDecoding.layer(false))
      )
      expect(forced._tag).toBe("PDClientError")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a paged list is a Stream of decoded items, every page, with iterAll's options", () =>
    Effect.gen(function*() {
      const fake = yield* FakePagerDuty
      yield* fake.seed(
        "users",
        Array.from({ length: 230 }, (_, i) => ({ name: `User ${i}`, email: `user${i}@example.com` }))
      )
      yield* fake.clearRequests
      const all = yield* Stream.runCollect(Users.listUsers({}, { pageSize: 50 }))
      expect(Chunk.size(all)).toBe(230)
      expect(Chunk.unsafeGet(all, 229).email).toBe("user229@example.com")
      const requests = yield* fake.requests
      expect(requests.filter((r) => r.path === "/users")).toHaveLength(5)
      const concurrent = yield* Stream.runCollect(Users.listUsers(undefined, { pageSize: 100, concurrency: 3 }))
      expect(Chunk.toReadonlyArray(concurrent).map((u) => u.email)).toEqual(
        Chunk.toReadonlyArray(all).map((u) => u.email)
      )
      // Query parameters are typed and sent (`query` filters by name in the fake).
      const found = yield* Stream.runCollect(Users.listUsers({ query: "User 229" }))
      expect(Chunk.toReadonlyArray(found).map((u) => u.name)).toEqual(["User 229"])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a stream's decode failure names the operation and the field", () =>
    Effect.gen(function*() {
      const fake = yield* FakePagerDuty
      yield* fake.seed("users", [{ name: "Good", email: "good@example.com" }, { name: "Bad", email: false }])
      const error = yield* Effect.flip(Stream.runCollect(Users.listUsers()))
      assert(error._tag === "PDClientError")
      expect(error.reason).toBe("Decode")
      expect(error.field).toBe("email")
      expect(error.description).toContain("Users.listUsers")
      const unchecked = yield* Stream.runCollect(Users.listUsers({}, { decode: false }))
      expect(Chunk.size(unchecked)).toBe(2)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("path parameters are percent-encoded; a missing one is an InvalidInput error, nothing is sent", () =>
    Effect.gen(function*() {
      const fake = yield* FakePagerDuty
      yield* fake.clearRequests
      const notFound = yield* Effect.flip(Users.getUser({ id: "a/b c" }))
      expect(notFound._tag).toBe("PDHTTPError")
      const sent = yield* fake.requests
      expect(sent.map((r) => r.path)).toEqual(["/users/a%2Fb%20c"])
      yield* fake.clearRequests
      const missing = yield* Effect.flip(Users.getUser({ id: "" }))
      assert(missing._tag === "PDClientError")
      expect(missing.reason).toBe("InvalidInput")
      expect(missing.field).toBe("id")
      const dots = yield* Effect.flip(Users.getUser({ id: ".." }))
      assert(dots._tag === "PDClientError")
      expect(dots.reason).toBe("InvalidInput")
      expect(yield* fake.requests).toHaveLength(0)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("the fake's answers decode: services, teams, incidents, notes, log entries", () =>
    Effect.gen(function*() {
      const fake = yield* FakePagerDuty
      const [ada] = yield* fake.seed("users", [{ name: "Ada", email: "ada@example.com" }])
      const team = yield* Teams.createTeam({ body: { team: { name: "Payments", type: "team" } } })
      expect(team.name).toBe("Payments")
      const service = yield* Services.createService({
        body: {
          service: {
            name: "Checkout",
            type: "service",
            escalation_policy: { id: "PPOLICY", type: "escalation_policy_reference" }
          }
        }
      })
      expect(service.name).toBe("Checkout")
      const services = yield* Stream.runCollect(Services.listServices())
      expect(Chunk.toReadonlyArray(services).map((s) => s.name)).toEqual(["Checkout"])
      const created = yield* Incidents.createIncident({
        body: {
          incident: {
            type: "incident",
            title: "Disk full",
            service: { id: String(service.id), type: "service_reference" },
            urgency: "high"
          }
        }
      })
      expect(created.title).toBe("Disk full")
      const incidentId = String(created.id)
      const incident = yield* Incidents.getIncident({ id: incidentId })
      expect(incident.status).toBe("triggered")
      const updated = yield* Incidents.updateIncident({
        id: incidentId,
        body: { incident: { type: "incident", status: "acknowledged" } },
        from: "ada@example.com"
      })
      expect(updated.status).toBe("acknowledged")
      const note = yield* Incidents.createIncidentNote({ id: incidentId, body: { note: { content: "Looking" } } })
      expect(note.content).toBe("Looking")
      const notes = yield* Incidents.listIncidentNotes({ id: incidentId })
      expect(notes.map((n) => n.content)).toEqual(["Looking"])
      const incidents = yield* Stream.runCollect(Incidents.listIncidents({ statuses: ["acknowledged"] }))
      expect(Chunk.toReadonlyArray(incidents).map((i) => i.id)).toEqual([incidentId])
      const entries = yield* Stream.runCollect(LogEntries.listLogEntries())
      expect(Chunk.size(entries)).toBeGreaterThan(0)
      const me = yield* Users.getCurrentUser()
      expect(typeof me.email).toBe("string")
      expect(ada.id).toBeDefined()
    }).pipe(Effect.provide(TestLayer)))

  it("types: results come from the schemas, never from a bare type argument", () => {
    const check = (api: RestApiService) => {
      expectTypeOf(api.rget("/users/X")).toEqualTypeOf<Effect.Effect<unknown, RestApiError>>()
      expectTypeOf(api.rget("/users/X", { schema: Schemas.User })).toEqualTypeOf<
        Effect.Effect<Schemas.User, RestApiError>
      >()
      // @ts-expect-error: a type argument without a schema would be an unchecked claim
      api.rget<Schemas.User>("/users/X")
      expectTypeOf(Users.getUser({ id: "X" })).toEqualTypeOf<Effect.Effect<Schemas.User, RestApiError, RestApi>>()
      expectTypeOf(Users.listUsers()).toEqualTypeOf<Stream.Stream<Schemas.User, RestApiError, RestApi>>()
      // @ts-expect-error: a query enum is a closed union
      Incidents.listIncidents({ statuses: ["sleeping"] })
      // @ts-expect-error: a wrong field name is a compile error
      Users.getUser({ identifier: "X" })
    }
    expect(typeof check).toBe("function")
  })

  it("types: enums in request bodies are closed, also those from component schemas; results keep them open", () => {
    const check = () => {
      const service = { id: "PSVC123", type: "service_reference" } as const
      Incidents.createIncident({ body: { incident: { type: "incident", title: "Disk full", service } } })
      Incidents.createIncident({
        // @ts-expect-error: `service` is a `ServiceReference` (a component): its `type` enum is closed in a body
        body: { incident: { type: "incident", title: "Disk full", service: { id: "PSVC123", type: "service" } } }
      })
      Incidents.createIncident({
        // @ts-expect-error: an inline body enum is closed too
        body: { incident: { type: "incident", title: "Disk full", service, urgency: "medium" } }
      })
      Incidents.updateIncidentAlert({ id: "PINC123", alert_id: "PALR123", body: { alert: { status: "resolved" } } })
      Incidents.updateIncidentAlert({
        id: "PINC123",
        alert_id: "PALR123",
        // @ts-expect-error: `alert` is an `AlertUpdate` (a component): its `status` enum is closed in a body
        body: { alert: { status: "sleeping" } }
      })
      expectTypeOf<Schemas.AlertUpdateInput>().toMatchTypeOf<Schemas.AlertUpdate>()
      // Results (and the component interfaces) keep their enums open: a value PagerDuty adds later still types.
      expectTypeOf(Incidents.getIncident({ id: "PINC123" })).toEqualTypeOf<
        Effect.Effect<Schemas.Incident, RestApiError, RestApi>
      >()
      expectTypeOf<"snoozed_forever">().toMatchTypeOf<NonNullable<Schemas.Incident["status"]>>()
      expectTypeOf<"service">().toMatchTypeOf<NonNullable<Schemas.ServiceReference["type"]>>()
      expectTypeOf<"sleeping">().toMatchTypeOf<NonNullable<Schemas.AlertUpdate["status"]>>()
      expectTypeOf<"sleeping">().not.toMatchTypeOf<NonNullable<Schemas.AlertUpdateInput["status"]>>()
    }
    expect(typeof check).toBe("function")
  })

  it("types: the pagination methods' items come from the schema, never from a bare type argument", () => {
    const window = { since: "2026-01-01T00:00:00Z", until: "2026-02-01T00:00:00Z" }
    const check = (api: RestApiService) => {
      type Users = Stream.Stream<Schemas.User, RestApiError>
      const schema = Schemas.User
      expectTypeOf(api.iterAll("/users", { schema })).toEqualTypeOf<Users>()
      expectTypeOf(api.iterCursor("/audit/records", { schema })).toEqualTypeOf<Users>()
      expectTypeOf(api.iterAnalytics("/analytics/raw/incidents", { json: {}, schema })).toEqualTypeOf<Users>()
      expectTypeOf(api.iterHistory("/log_entries", { ...window, schema })).toEqualTypeOf<Users>()
      expectTypeOf(api.listAll("/users", { schema, concurrency: 2 })).toEqualTypeOf<
        Effect.Effect<ReadonlyArray<Schemas.User>, RestApiError>
      >()
      expectTypeOf(api.dictAll("/users", { schema, by: "email" })).toEqualTypeOf<
        Effect.Effect<ReadonlyMap<string, Schemas.User>, RestApiError>
      >()

      expectTypeOf(api.iterAll("/users")).toEqualTypeOf<Stream.Stream<unknown, RestApiError>>()
      expectTypeOf(api.iterAll("/users", { dedupe: true })).toEqualTypeOf<Stream.Stream<unknown, RestApiError>>()
      expectTypeOf(api.iterCursor("/audit/records")).toEqualTypeOf<Stream.Stream<unknown, RestApiError>>()
      expectTypeOf(api.iterAnalytics("/analytics/raw/incidents")).toEqualTypeOf<Stream.Stream<unknown, RestApiError>>()
      expectTypeOf(api.iterHistory("/log_entries", window)).toEqualTypeOf<Stream.Stream<unknown, RestApiError>>()
      expectTypeOf(api.listAll("/users")).toEqualTypeOf<Effect.Effect<ReadonlyArray<unknown>, RestApiError>>()
      expectTypeOf(api.dictAll("/users")).toEqualTypeOf<Effect.Effect<ReadonlyMap<string, unknown>, RestApiError>>()

      // Options held in a variable of the public options type (no schema's type to infer): `unknown` items.
      const options: IterAllOptions = { concurrency: 2 }
      expectTypeOf(api.iterAll("/users", options)).toEqualTypeOf<Stream.Stream<unknown, RestApiError>>()
      expectTypeOf(api.listAll("/users", options)).toEqualTypeOf<Effect.Effect<ReadonlyArray<unknown>, RestApiError>>()
      const entityOptions: EntityOptions = { params: { include: ["teams"] } }
      expectTypeOf(api.rget("/users/X", entityOptions)).toEqualTypeOf<Effect.Effect<unknown, RestApiError>>()

      // @ts-expect-error: a type argument without a schema would be an unchecked claim
      api.iterAll<Schemas.User>("/users")
      // @ts-expect-error: a type argument without a schema would be an unchecked claim
      api.iterAll<Schemas.User>("/users", { pageSize: 10 })
      // @ts-expect-error: a type argument without a schema would be an unchecked claim
      api.iterCursor<Schemas.User>("/audit/records")
      // @ts-expect-error: a type argument without a schema would be an unchecked claim
      api.iterAnalytics<Schemas.User>("/analytics/raw/incidents")
      // @ts-expect-error: a type argument without a schema would be an unchecked claim
      api.iterHistory<Schemas.User>("/log_entries", window)
      // @ts-expect-error: a type argument without a schema would be an unchecked claim
      api.listAll<Schemas.User>("/users")
      // @ts-expect-error: a type argument without a schema would be an unchecked claim
      api.dictAll<Schemas.User>("/users")
      // @ts-expect-error: the type argument must be the schema's type
      api.iterAll<Schemas.Team>("/users", { schema })
    }
    expect(typeof check).toBe("function")
  })

  it.effect("the pagination methods decode each item with the schema", () =>
    Effect.gen(function*() {
      const fake = yield* FakePagerDuty
      yield* fake.seed("users", [{ name: "Ada Lovelace", email: "ada@example.com" }])
      const api = yield* RestApi
      const users = yield* api.listAll("/users", { schema: Schemas.User })
      const byEmail = yield* api.dictAll("/users", { schema: Schemas.User, by: "email" })
      expect(users.map((user) => user.name)).toContain("Ada Lovelace")
      expect(byEmail.get("ada@example.com")?.name).toBe("Ada Lovelace")
    }).pipe(Effect.provide(TestLayer)))
})

describe("typed operations: every paged list without path parameters, against the fake", () => {
  it.effect("pages in the endpoint's style and ends (the fake serves each one)", () =>
    Effect.gen(function*() {
      const failures: Array<string> = []
      let lists = 0
      for (const [module, namespace] of Object.entries(Api)) {
        if (typeof namespace !== "object" || namespace === null || module === "Schemas") continue
        for (const [name, fn] of Object.entries(namespace as Record<string, unknown>)) {
          const op = operationOf(fn)
          if (op?.pagination === undefined || op.pathParams.length > 0) continue
          lists++
          const input = requiredInputs[`${module}.${name}`] ?? {}
          const stream = (fn as (input: unknown) => Stream.Stream<unknown, RestApiError, RestApi>)(input)
          const result = yield* Effect.either(Stream.runCollect(Stream.take(stream, 5)))
          if (result._tag === "Left") failures.push(`${module}.${name}: ${result.left.message}`)
        }
      }
      expect(failures).toEqual([])
      expect(lists).toBeGreaterThan(30)
    }).pipe(Effect.provide(TestLayer)))
})
