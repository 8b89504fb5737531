/**
 * The fake's spec-derived facts (`src/internal/fake/facts.generated.ts`): fresh against the document, accepting every
 * request example of the document, and giving records created through the API the keys of the document's example of
 * the same create operation. Spec-dependent: skipped with the reason where the documents are absent.
 */
import { assert, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { FakePagerDuty } from "effect-pagerduty/testing"
import * as fs from "node:fs"
import { factsOutputPath, generateFactsSource } from "../scripts/generate-fake-facts.js"
import { createdDefaults } from "../src/internal/fake/facts.generated.js"
import { parseRequest } from "../src/internal/fake/request.js"
import { validateRequest } from "../src/internal/fake/validate.js"
import { describeWithOpenApi, openApiPresent, restSpecPath as restSpecFile } from "./support/openapi.js"

type Json = Record<string, unknown>

const isObject = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)

const spec: unknown = openApiPresent ? JSON.parse(fs.readFileSync(restSpecFile, "utf8")) : {}

/** A node with its `$ref`s followed. */
const resolve = (node: unknown): unknown => {
  let current = node
  while (isObject(current) && typeof current.$ref === "string") {
    let target: unknown = spec
    for (const key of current.$ref.slice(2).split("/")) {
      target = isObject(target) ? target[key.replace(/~1/g, "/")] : undefined
    }
    current = target
  }
  return current
}

/** The value at a path of keys, `$ref`s followed at every step. */
const at = (node: unknown, ...keys: ReadonlyArray<string>): unknown =>
  keys.reduce<unknown>((current, key) => {
    const resolved = resolve(current)
    return isObject(resolved) ? resolve(resolved[key]) : undefined
  }, resolve(node))

const exampleOf = (content: unknown): unknown => {
  if (!isObject(content)) return undefined
  if (content.example !== undefined) return content.example
  const first = isObject(content.examples) ? Object.values(content.examples)[0] : undefined
  return at(first, "value")
}

const requestExample = (operation: unknown): unknown =>
  exampleOf(at(operation, "requestBody", "content", "application/json"))

/**
 * Request examples of the document that break its own request schema (the fake follows the schema). Each with the
 * reason.
 */
const DEFECTIVE_REQUEST_EXAMPLES: Readonly<Record<string, string>> = {}

/**
 * Create operations whose response example shows keys a newly created record does not have. Each with the reason.
 */
const SHAPE_EXCEPTIONS: Readonly<Record<string, string>> = {
  "POST /incidents/{id}/snooze":
    "an action on an incident, answered with the incident (seeded minimal here), not a create",
  "POST /incident_workflows/triggers/{id}/services":
    "associates a service with a trigger and answers with the trigger (seeded minimal here), not a create"
}

const fill = (template: string): string => template.replace(/\{[^}]+\}/g, "PPARENT")

const COLLECTIONS: Readonly<Record<string, string>> = {
  service: "services",
  escalation_policy: "escalation_policies",
  user: "users",
  team: "teams",
  schedule: "schedules",
  priority: "priorities"
}

/** The records a request example refers to (`{"id": ..., "type": "service_reference"}`), by collection. */
const referencedRecords = (value: unknown, out: Map<string, Set<string>>): Map<string, Set<string>> => {
  if (Array.isArray(value)) { for (const item of value) referencedRecords(item, out) }
  else if (isObject(value)) {
    const collection = typeof value.type === "string" ? COLLECTIONS[value.type.replace(/_reference$/, "")] : undefined
    if (collection !== undefined && typeof value.id === "string") {
      out.set(collection, (out.get(collection) ?? new Set()).add(value.id))
    }
    for (const child of Object.values(value)) referencedRecords(child, out)
  }
  return out
}

describeWithOpenApi("the fake's spec-derived facts", () => {
  it("facts.generated.ts is the generator's output for the document (run `npm run generate`)", () => {
    expect(generateFactsSource(restSpecFile) === fs.readFileSync(factsOutputPath, "utf8")).toBe(true)
  })

  it("every request example of the document passes the fake's checks", () => {
    const refused: Array<string> = []
    let checked = 0
    const paths = at(spec, "paths")
    for (const [template, item] of Object.entries(isObject(paths) ? paths : {})) {
      for (const method of ["post", "put", "patch"]) {
        const operation = at(item, method)
        if (!isObject(operation)) continue
        const example = requestExample(operation)
        if (example === undefined) continue
        const key = `${method.toUpperCase()} ${template}`
        checked++
        const request = parseRequest({
          method: method.toUpperCase(),
          url: `https://api.pagerduty.com${fill(template)}`,
          headers: {},
          body: JSON.stringify(example)
        })
        const errors = validateRequest(method.toUpperCase(), template, request)
        if (errors.length > 0 && DEFECTIVE_REQUEST_EXAMPLES[key] === undefined) refused.push(`${key}: ${errors[0]}`)
      }
    }
    expect(checked).toBeGreaterThan(150)
    assert.deepStrictEqual(refused, [])
  })

  it.effect("records created through the API have the keys of the document's example of the same operation", () =>
    Effect.gen(function*() {
      const problems: Array<string> = []
      let checked = 0
      for (const key of Object.keys(createdDefaults)) {
        if (SHAPE_EXCEPTIONS[key] !== undefined) continue
        const template = key.slice("POST ".length)
        const operation = at(spec, "paths", template, "post")
        const example = requestExample(operation)
        const response = exampleOf(at(operation, "responses", "201", "content", "application/json"))
        if (example === undefined || !isObject(response)) continue
        const wrapper = Object.keys(response)[0]
        const fake = yield* FakePagerDuty.make()
        // The parents on the path, and the records the example refers to.
        const segments = fill(template).split("/").slice(1)
        for (let i = 1; i < segments.length; i++) {
          if (segments[i] === "PPARENT") {
            yield* fake.seed(segments.slice(0, i).join("/"), [{ id: "PPARENT", name: "Parent" }])
          }
        }
        for (const [collection, ids] of referencedRecords(example, new Map())) {
          yield* fake.seed(collection, [...ids].map((id) => ({ id, name: id })))
        }
        const reply = yield* fake.handle({
          method: "POST",
          url: `https://api.pagerduty.com${fill(template)}`,
          headers: {
            authorization: "Token token=shape",
            from: "shape@example.com",
            "content-type": "application/json"
          },
          body: JSON.stringify(example)
        })
        checked++
        if (reply._tag !== "Response" || reply.status >= 300) {
          problems.push(`${key}: ${reply._tag === "Response" ? `${reply.status} ${reply.body}` : reply._tag}`)
          continue
        }
        const created = at(JSON.parse(reply.body), wrapper)
        const documented = response[wrapper]
        const missing = isObject(documented) && isObject(created) ?
          Object.keys(documented).filter((field) => !(field in created)) :
          ["(not an object)"]
        if (missing.length > 0) problems.push(`${key}: missing ${missing.join(", ")}`)
      }
      expect(checked).toBeGreaterThan(30)
      assert.deepStrictEqual(problems, [])
    }))
})
