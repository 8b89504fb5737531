/**
 * Contract tests: the library's REST requests, sent through `RestApi` over Node's HTTP client to Prism serving a
 * test copy of PagerDuty's official OpenAPI document (see `prism.ts` for the copy's two adjustments), must draw no
 * request violation (`sl-violations`). A hand-made invalid request proves Prism's check is live.
 *
 * Prism starts once for this file, on the first test (a failure to start fails every test with Prism's output; it
 * never skips), and stops when the file's layer closes.
 */
import { assert, expect, layer } from "@effect/vitest"
import { Chunk, Context, Effect, Layer, Scope, Stream } from "effect"
import { PagerDutyConfig, RestApi, RetryPolicy } from "effect-pagerduty"
import { readFile } from "node:fs/promises"
import { describeWithOpenApi } from "../support/openapi.js"
import type { Exchange, Prism, Recorder } from "./prism.js"
import {
  adjustRestSpec,
  assertNoViolations,
  makeRecorder,
  pagerDutyMediaType,
  parseViolations,
  recorded,
  restSpecPath,
  startPrism
} from "./prism.js"

/** Letters and digits only: the spec's `Authorization` pattern is `Token token=[A-Za-z0-9]+`. */
const KEY = "contractTestKey0123456789"
const FROM = "oncall@example.com"

interface Contract {
  readonly prism: Prism
  readonly api: Context.Tag.Service<typeof RestApi>
  readonly recorder: Recorder
}

class RestContract extends Context.Tag("test/RestContract")<RestContract, Effect.Effect<Contract, unknown>>() {}

/** Starts Prism and builds `RestApi` on the first use, once; both live until the file's layer closes. */
const RestContractLive = Layer.scoped(
  RestContract,
  Effect.gen(function*() {
    const scope = yield* Effect.scope
    return yield* Effect.cached(
      Effect.gen(function*() {
        const prism = yield* startPrism(restSpecPath, adjustRestSpec)
        const recorder = yield* makeRecorder
        const context = yield* Layer.build(
          RestApi.layer.pipe(
            Layer.provide([
              PagerDutyConfig.layer({ apiKey: KEY, restUrl: prism.url, defaultFrom: FROM, timeout: "30 seconds" }),
              RetryPolicy.layer({ sleepTimer: "10 millis" }),
              recorder.layer
            ])
          )
        )
        return { prism, api: Context.get(context, RestApi), recorder }
      }).pipe(Scope.extend(scope))
    )
  })
)

const contract = Effect.flatten(RestContract)

/** Runs the library's calls with a fresh record of the exchanges. */
const checked = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.flatMap(contract, ({ recorder }) => recorded(recorder, effect))

/** See `assertNoViolations`. */
const assertClean = (exchanges: ReadonlyArray<Exchange>, count: number) =>
  Effect.map(contract, ({ prism }) => assertNoViolations(prism, exchanges, count))

/** The parts of the REST test copy the first test reads. */
interface SpecCopy {
  readonly paths: Record<
    string,
    Record<string, {
      readonly parameters: ReadonlyArray<unknown>
      readonly responses: Record<string, { readonly content: Record<string, unknown> }>
    }>
  >
}

const prismTimeout = 150_000

describeWithOpenApi(
  "REST API contract",
  () =>
    layer(RestContractLive, { excludeTestServices: true, timeout: "30 seconds" })("REST API contract (Prism)", (it) => {
      it.effect("Prism serves the test copy of the official REST spec", () =>
        Effect.gen(function*() {
          const { prism } = yield* contract
          assert.match(prism.url, /^http:\/\/127\.0\.0\.1:\d+$/)
          // every JSON request body and response got the PagerDuty media type; bodiless operations an optional Content-Type
          expect(prism.adjustments.mediaTypesAdded).toBeGreaterThan(500)
          expect(prism.adjustments.contentTypeMadeOptional).toBeGreaterThan(150)
          // nothing else was weakened: the copy still requires Content-Type (and From) where there is a body
          const copy: SpecCopy = JSON.parse(yield* Effect.promise(() => readFile(prism.specFile, "utf8")))
          const contentType = { $ref: "#/components/parameters/header_Content-Type" }
          expect(copy.paths["/incidents"].post.parameters).toEqual(
            expect.arrayContaining([contentType, { $ref: "#/components/parameters/from_header" }])
          )
          expect(copy.paths["/incidents"].put.parameters).toContainEqual(contentType)
          expect(copy.paths["/users"].get.parameters).toContainEqual({
            name: "Content-Type",
            in: "header",
            required: false,
            schema: { type: "string", default: "application/json", enum: ["application/json"] }
          })
          const created = copy.paths["/incidents"].post.responses["201"].content
          assert.deepStrictEqual(created[pagerDutyMediaType], created["application/json"])
        }), prismTimeout)

      it.effect("flags a hand-made invalid request (the check is live)", () =>
        Effect.gen(function*() {
          const { prism } = yield* contract
          // the library refuses to send POST /incidents without From; fetch does not
          const response = yield* Effect.promise(() =>
            fetch(`${prism.url}/incidents`, {
              method: "POST",
              headers: {
                accept: pagerDutyMediaType,
                authorization: `Token token=${KEY}`,
                "content-type": "application/json"
              },
              body: JSON.stringify({
                incident: { type: "incident", service: { id: "PSERVIC", type: "service_reference" } }
              })
            })
          )
          yield* Effect.promise(() => response.text())
          const { violations } = parseViolations(response.headers.get("sl-violations"))
          const where = (violations ?? []).map((v) => `${v.location.join(".")}: ${v.message}`)
          expect(where).toEqual(
            expect.arrayContaining([
              expect.stringMatching(/^request\.header: .*'from'/),
              expect.stringMatching(/^request\.body\.incident: .*'title'/)
            ])
          )
          expect(response.status).toBeGreaterThanOrEqual(400)
        }), prismTimeout)

      it.effect(
        "records Prism's verdict on the library's own requests (the recorder is live)",
        () =>
          Effect.gen(function*() {
            const { api } = yield* contract
            // a raw verb returns the answer whatever its status; `limit` is an integer in the spec
            const { exchanges, value } = yield* checked(api.get("/users", { params: { limit: "many" } }))
            assert.lengthOf(exchanges, 1)
            assert.strictEqual(value.status, exchanges[0].status)
            const where = (exchanges[0].violations ?? []).map((v) => `${v.location.join(".")}: ${v.message}`)
            expect(where).toEqual([expect.stringMatching(/^request\.query\.limit: .*integer/)])
          }),
        prismTimeout
      )

      it.effect("a list: GET /users with limit, offset and total", () =>
        Effect.gen(function*() {
          const { api } = yield* contract
          const { exchanges, value } = yield* checked(
            api.jget("/users", { params: { limit: 25, offset: 0, total: true } })
          )
          yield* assertClean(exchanges, 1)
          assert.include(exchanges[0].url, "/users?limit=25&offset=0&total=true")
          expect(value).toHaveProperty("users")
        }), prismTimeout)

      it.effect(
        "a list as a stream: iterAll over GET /users, with total for concurrent paging",
        () =>
          Effect.gen(function*() {
            const { api } = yield* contract
            const { exchanges, value } = yield* checked(
              Stream.runCollect(Stream.take(api.iterAll("/users", { pageSize: 25, concurrency: 2 }), 1))
            )
            yield* assertClean(exchanges, 1)
            assert.strictEqual(Chunk.size(value), 1)
          }),
        prismTimeout
      )

      it.effect("an array param, two pages: iterAll over GET /incidents with statuses[]", () =>
        Effect.gen(function*() {
          const { api } = yield* contract
          // Prism's example page holds one incident and says more: true, so the second item needs the next page
          const { exchanges, value } = yield* checked(
            Stream.runCollect(Stream.take(api.iterAll("/incidents", { params: { statuses: ["triggered"] } }), 2))
          )
          yield* assertClean(exchanges, 2)
          for (const exchange of exchanges) assert.include(decodeURIComponent(exchange.url), "statuses[]=triggered")
          assert.strictEqual(Chunk.size(value), 2)
        }), prismTimeout)

      it.effect("a get: rget /users/{id}", () =>
        Effect.gen(function*() {
          const { api } = yield* contract
          const { exchanges, value } = yield* checked(api.rget("/users/PABC123", { params: { "include[]": "teams" } }))
          yield* assertClean(exchanges, 1)
          expect(value).toHaveProperty("id")
        }), prismTimeout)

      it.effect("a create with From: rpost /incidents (defaultFrom)", () =>
        Effect.gen(function*() {
          const { api } = yield* contract
          const { exchanges, value } = yield* checked(
            api.rpost("/incidents", {
              json: {
                type: "incident",
                title: "The server is on fire.",
                service: { id: "PWIXJZS", type: "service_reference" },
                urgency: "high",
                incident_key: "baf7cf21b1da41b4b0221008339ff357"
              }
            })
          )
          yield* assertClean(exchanges, 1)
          expect(value).toHaveProperty("id")
        }), prismTimeout)

      it.effect("a multi-update with From: rput /incidents with an array", () =>
        Effect.gen(function*() {
          const { api } = yield* contract
          const { exchanges, value } = yield* checked(
            api.rput("/incidents", {
              json: [
                { id: "PT4KHLK", type: "incident_reference", status: "acknowledged" },
                { id: "PQMF62U", type: "incident_reference", status: "acknowledged" }
              ]
            })
          )
          yield* assertClean(exchanges, 1)
          assert.isTrue(Array.isArray(value))
        }), prismTimeout)

      it.effect("a cursor list: GET /audit/records with limit and cursor", () =>
        Effect.gen(function*() {
          const { api } = yield* contract
          const { exchanges, value } = yield* checked(
            api.jget("/audit/records", { params: { limit: 10, cursor: "dXNlcjpQM0MyWDJa" } })
          )
          yield* assertClean(exchanges, 1)
          expect(value).toHaveProperty("records")
        }), prismTimeout)

      it.effect("a cursor list as a stream: iterCursor over GET /audit/records", () =>
        Effect.gen(function*() {
          const { api } = yield* contract
          const { exchanges, value } = yield* checked(
            Stream.runCollect(Stream.take(api.iterCursor("/audit/records", { pageSize: 10 }), 1))
          )
          yield* assertClean(exchanges, 1)
          assert.strictEqual(Chunk.size(value), 1)
        }), prismTimeout)

      it.effect("the JSON verbs send the same requests: jpost and jput on /incidents", () =>
        Effect.gen(function*() {
          const { api } = yield* contract
          const { exchanges } = yield* checked(
            Effect.all([
              api.jpost("/incidents", {
                json: {
                  incident: {
                    type: "incident",
                    title: "The server is on fire.",
                    service: { id: "PWIXJZS", type: "service_reference" }
                  }
                }
              }),
              api.jput("/incidents", {
                json: { incidents: [{ id: "PT4KHLK", type: "incident_reference", status: "resolved" }] }
              })
            ])
          )
          yield* assertClean(exchanges, 2)
        }), prismTimeout)
    })
)
