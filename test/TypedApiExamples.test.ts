/**
 * Every example answer of PagerDuty's OpenAPI document, served by an in-memory HttpClient, goes through the typed
 * operation it documents (the whole path: `RestApi`, unwrapping, paging, decoding) and decodes, except the documented
 * overrides below. Spec-dependent: skipped with a reason where the document is absent.
 */
import { expect, it } from "@effect/vitest"
import { Effect, Either, Layer, Schema, Stream } from "effect"
import * as fs from "node:fs"
import { buildModel, type IR, type OperationModel } from "../scripts/generate-api.js"
import * as Api from "../src/api/index.js"
import { operationOf } from "../src/internal/api/operation.js"
import { decodeOptions, schema } from "../src/internal/api/schema.js"
import { check } from "../src/internal/api/validate.js"
import { PagerDutyConfig } from "../src/PagerDutyConfig.js"
import type { RestApiError } from "../src/RestApi.js"
import { RestApi } from "../src/RestApi.js"
import { RetryPolicy } from "../src/RetryPolicy.js"
import { describeWithOpenApi, openApiPresent, restSpecPath } from "./support/openapi.js"
import { json, scripted } from "./support/scriptedClient.js"

const arrayForObject = "the examples are arrays of the entity; the schema (and PagerDuty's answers) are one object"
const wrongWrapper =
  "the example is wrapped under another key than the schema's (`rulesets` for `ruleset`, `ruleset` for `rule`)"
const missingRequired = "the example omits a property the schema marks required"
const typo = "the example's JSON has a typo: the boolean is the string \"true,\""
const wrongType = "the example's value has another type than the schema's"

/**
 * Operations whose examples contradict the document's own schema (PagerDuty's defects in the examples), each with the
 * reason. Every other example answer must decode; an overridden one that decodes fails the test (drop its entry).
 */
export const exampleOverrides: Readonly<Record<string, string>> = {
  "EventOrchestrations.createCacheVarOnGlobalOrch": arrayForObject,
  "EventOrchestrations.getCacheVarOnGlobalOrch": arrayForObject,
  "EventOrchestrations.updateCacheVarOnGlobalOrch": arrayForObject,
  "EventOrchestrations.createCacheVarOnServiceOrch": arrayForObject,
  "EventOrchestrations.getCacheVarOnServiceOrch": arrayForObject,
  "EventOrchestrations.updateCacheVarOnServiceOrch": arrayForObject,
  "EventOrchestrations.updateEventOrchestrationFeatureEnablements": arrayForObject,
  "Services.updateServiceFeatureEnablement": arrayForObject,
  "Templates.renderTemplate": `${arrayForObject} (\`warnings\`)`,
  "Schedules.getSchedule": `${arrayForObject} (\`next_oncall_for_user.user\`)`,
  "Analytics.getAnalyticsIncidentResponsesById": "the example's `responses` is one object; the schema's is an array",
  "Rulesets.createRuleset": wrongWrapper,
  "Rulesets.updateRuleset": wrongWrapper,
  "Rulesets.createRulesetEventRule": wrongWrapper,
  "Services.createServiceEventRule": wrongWrapper,
  "AutomationActions.listAutomationActionInvocations": `${missingRequired} (\`timing[].timestamp\`)`,
  "AutomationActions.getAutomationActionsInvocation": `${missingRequired} (\`timing[].timestamp\`)`,
  "IncidentTypes.createIncidentTypeCustomField": `${missingRequired} (\`field_options\`)`,
  "Users.listUserDelegations": `${missingRequired} (\`delegation_type\`)`,
  "Users.getUserDelegation": `${missingRequired} (\`id\`)`,
  "SchedulesV3.getOverride": `${missingRequired} (\`overridden_member\`)`,
  "SchedulesV3.updateOverride": `${missingRequired} (\`overridden_member\`)`,
  "SchedulesV3.getEvent": `${missingRequired} (\`start_time\`)`,
  "SchedulesV3.updateEvent": `${missingRequired} (\`start_time\`)`,
  "Users.getCurrentUser": `${typo} (\`created_via_sso\`)`,
  "WorkflowIntegrations.listWorkflowIntegrationConnectionsByIntegration": `${typo} (\`is_default\`)`,
  "Analytics.getAnalyticsMetricsRespondersTeam": `${wrongType} (\`responder_id\`: a string for an integer)`,
  "Analytics.getAnalyticsResponderIncidents": `${wrongType} (\`incident_description\`: a number for a string)`
}

type JsonObject = { readonly [key: string]: unknown }
const isObject = (u: unknown): u is JsonObject => typeof u === "object" && u !== null && !Array.isArray(u)

const spec: JsonObject = openApiPresent ? JSON.parse(fs.readFileSync(restSpecPath, "utf8")) : {}

const resolve = (node: unknown): unknown => {
  let current = node
  while (isObject(current) && typeof current.$ref === "string") {
    current = current.$ref.slice(2).split("/").reduce<unknown>((at, k) => (isObject(at) ? at[k] : undefined), spec)
  }
  return current
}

interface Example {
  readonly op: OperationModel
  readonly status: number
  readonly name: string
  readonly value: unknown
}

const examplesOf = (op: OperationModel): ReadonlyArray<Example> => {
  const operation = resolve((spec.paths as JsonObject)[op.path]) as JsonObject
  const responses = (operation[op.method.toLowerCase()] as JsonObject).responses
  const out: Array<Example> = []
  if (!isObject(responses)) return out
  for (const [code, raw] of Object.entries(responses)) {
    if (!/^2\d\d$/.test(code) || code === "204") continue
    const response = resolve(raw)
    const content = isObject(response) && isObject(response.content) ? response.content : {}
    const media = content["application/json"]
    if (!isObject(media)) continue
    if (media.example !== undefined) out.push({ op, status: Number(code), name: "example", value: media.example })
    if (isObject(media.examples)) {
      for (const [name, rawExample] of Object.entries(media.examples)) {
        const example = resolve(rawExample)
        if (isObject(example) && example.value !== undefined) {
          out.push({ op, status: Number(code), name, value: example.value })
        }
      }
    }
  }
  return out
}

const sample = (ir: IR): unknown => {
  switch (ir.k) {
    case "string":
      return ir.enum?.[0] ?? "PABC123"
    case "number":
      return ir.enum?.[0] ?? 1
    case "boolean":
      return true
    case "array":
      return [sample(ir.items)]
    case "nullable":
      return sample(ir.inner)
    default:
      return "PABC123"
  }
}

/** An input that satisfies the operation's required fields. */
const inputFor = (op: OperationModel): Record<string, unknown> => {
  const input: Record<string, unknown> = {}
  for (const p of op.pathParams) input[p.name] = "PABC123"
  for (const p of op.queryParams) if (p.required) input[p.name] = sample(p.ir)
  if (op.body?.required === true) input.body = {}
  if (op.headers.some((h) => h.required)) {
    input.headers = Object.fromEntries(op.headers.map((h) => [h.name, "ip-allow-lists"]))
  }
  return input
}

type AnyCall = (input: unknown) => Effect.Effect<unknown, RestApiError, RestApi>
type AnyList = (input: unknown) => Stream.Stream<unknown, RestApiError, RestApi>

const functionOf = (op: OperationModel): unknown =>
  ((Api as unknown as Record<string, Record<string, unknown>>)[op.module] ?? {})[op.functionName]

let current: Example | undefined
const layer = Effect.gen(function*() {
  const client = yield* scripted(() =>
    current === undefined ? json(500, {}) : { status: current.status, body: JSON.stringify(current.value) }
  )
  return RestApi.layer.pipe(
    Layer.provide([PagerDutyConfig.layer({ apiKey: "u+typed", defaultFrom: "ada@example.com" }), RetryPolicy.layer()]),
    Layer.provide(client.layer)
  )
}).pipe(Layer.unwrapEffect)

const run = (example: Example): Effect.Effect<unknown, RestApiError, RestApi> => {
  const fn = functionOf(example.op)
  const input = inputFor(example.op)
  if (example.op.entry.pagination === null) return (fn as AnyCall)(input)
  const wrapper = example.op.entry.responseWrapper
  const page = isObject(example.value) && wrapper !== null ? example.value[wrapper] : undefined
  const count = Array.isArray(page) ? page.length : 0
  return Stream.runCollect(Stream.take((fn as AnyList)(input), Math.max(count, 1)))
}

describeWithOpenApi(
  "typed operations vs the document's examples",
  () => {
    const model = openApiPresent ? buildModel(spec) : undefined

    it("every operation of the document has a typed function, or is listed in the report", () => {
      const operations = model?.operations ?? []
      for (const op of operations) expect(typeof functionOf(op), `${op.module}.${op.functionName}`).toBe("function")
      expect(operations.length + (model?.skipped.length ?? 0)).toBe(465)
    })

    it.effect("every example answer decodes with its operation's generated schema", () =>
      Effect.gen(function*() {
        const failures: Array<string> = []
        let decoded = 0
        const overridden = new Set<string>()
        for (const op of model?.operations ?? []) {
          for (const example of examplesOf(op)) {
            const name = `${op.module}.${op.functionName}`
            const id = `${name} ${example.status} ${example.name}`
            current = example
            const result = yield* Effect.either(run(example))
            if (result._tag === "Left") {
              const error = result.left
              const message = error._tag === "PDClientError" ? `${error.reason}: ${error.description}` : error.message
              if (exampleOverrides[name] === undefined) failures.push(`${id}: ${message}`)
              else overridden.add(name)
            } else {
              decoded++
            }
          }
        }
        expect(failures).toEqual([])
        // Every override is still needed: some example of that operation still fails.
        expect([...overridden].sort()).toEqual(Object.keys(exampleOverrides).sort())
        expect(decoded).toBeGreaterThan(300)
      }).pipe(Effect.provide(layer)))

    it("the fast check of the operations and the exported Schemas agree on every example", () => {
      const disagreements: Array<string> = []
      let compared = 0
      for (const op of model?.operations ?? []) {
        const descriptor = operationOf(functionOf(op))
        expect(descriptor, `${op.module}.${op.functionName}`).toBeDefined()
        const result = descriptor?.result
        if (result === null || result === undefined) continue
        const decode = Schema.decodeUnknownEither(schema<unknown>(result), decodeOptions)
        for (const example of examplesOf(op)) {
          const wrapper = op.entry.responseWrapper
          const unwrapped = wrapper !== null && isObject(example.value) ? example.value[wrapper] : example.value
          const values = op.paged ? (Array.isArray(unwrapped) ? unwrapped : []) : [unwrapped]
          for (const value of values) {
            compared++
            const fast = check(result)(value)
            const full = Either.isRight(decode(value))
            if (fast !== full) disagreements.push(`${op.module}.${op.functionName} ${example.name}: ${fast} vs ${full}`)
          }
        }
      }
      expect(disagreements).toEqual([])
      expect(compared).toBeGreaterThan(300)
    })
  }
)
