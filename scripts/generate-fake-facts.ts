/**
 * Generates `src/internal/fake/facts.generated.ts`: the facts the fake PagerDuty needs about each REST operation,
 * derived from PagerDuty's official OpenAPI document (`REST/openapiv3.json`). Derived facts, not the document:
 *
 * - `requestFacts`: per operation (`"POST /users"`), the query parameters it declares (type, enum, format) and the
 *   constraints of its JSON request body: types, required fields, enums and the `email` / `date-time` formats,
 *   nested as far as the body goes (`$ref` resolved, `allOf` merged; `oneOf`/`anyOf` and read-only fields say
 *   nothing). The fake answers 400 to a request that breaks one of them.
 * - `createdDefaults`: per create operation, the fields PagerDuty fills in on a new record that the request did not
 *   give, with the value of a new record: the keys of the spec's response example, valued by the schema's `default`,
 *   else an empty list for lists, `null` for references, free text and optional timestamps (`"$now"` for the
 *   creation time), else the example's value; `DOCUMENTED_DEFAULTS` below corrects the few the examples get wrong
 *   for a NEW record (each with its reason).
 *
 * Usage: `npm run generate` (after the endpoint table), or `tsx scripts/generate-fake-facts.ts [--check] [spec]`.
 * The spec is read from `$PAGERDUTY_OPENAPI_DIR/REST/openapiv3.json` (default `../shared/pagerduty-api` from the
 * repository root); when it is absent the script says so and writes nothing.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { loadSpec } from "./generate-endpoints.js"

const root = fileURLToPath(new URL("..", import.meta.url))

/** `$PAGERDUTY_OPENAPI_DIR/REST/openapiv3.json`, default `../shared/pagerduty-api` from the repository root. */
export const factsSpecPath = (): string =>
  path.join(path.resolve(root, process.env.PAGERDUTY_OPENAPI_DIR ?? "../shared/pagerduty-api"), "REST/openapiv3.json")

/** Where the facts are written. */
export const factsOutputPath = path.join(root, "src/internal/fake/facts.generated.ts")

type Json = { readonly [key: string]: unknown }

const isObject = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)

/** A value's constraints, as the fake checks them. */
export interface ValueFact {
  type?: "string" | "integer" | "number" | "boolean" | "array" | "object" | undefined
  enum?: ReadonlyArray<string | number | boolean> | undefined
  format?: "email" | "date-time" | undefined
  required?: ReadonlyArray<string> | undefined
  properties?: Record<string, ValueFact> | undefined
  items?: ValueFact | undefined
}

/** A query parameter's constraints. */
export interface QueryFact {
  readonly required?: true | undefined
  /** The parameter's own type (an array parameter is sent as `name[]`, once per value). */
  readonly type?: "string" | "integer" | "number" | "boolean" | "array" | undefined
  /** The allowed values of a value (of each value of an array parameter). */
  readonly enum?: ReadonlyArray<string> | undefined
  /** The type of each value of an array parameter. */
  readonly itemType?: "string" | "integer" | "number" | "boolean" | undefined
  readonly format?: "date-time" | undefined
}

export interface RequestFact {
  readonly query?: Record<string, QueryFact> | undefined
  readonly bodyRequired?: true | undefined
  readonly body?: ValueFact | undefined
}

const TYPES = new Set(["string", "integer", "number", "boolean", "array", "object"])
const MAX_DEPTH = 8

const makeResolver = (spec: Json) => (node: unknown): unknown => {
  let current = node
  for (let i = 0; i < 32 && isObject(current) && typeof current.$ref === "string"; i++) {
    let target: unknown = spec
    for (const raw of current.$ref.slice(2).split("/")) {
      const key = raw.replace(/~1/g, "/").replace(/~0/g, "~")
      target = Array.isArray(target) ? target[Number(key)] : isObject(target) ? target[key] : undefined
    }
    current = target
  }
  return current
}

type Resolve = (node: unknown) => unknown

/** `allOf` merged into one schema (properties, required, type); `undefined` when a part is not an object. */
const flatten = (resolve: Resolve, node: unknown, depth = 0): Json | undefined => {
  const schema = resolve(node)
  if (!isObject(schema) || depth > 16) return undefined
  if (!Array.isArray(schema.allOf)) return schema
  let properties: Record<string, unknown> = isObject(schema.properties) ? { ...schema.properties } : {}
  let required: Array<string> = Array.isArray(schema.required) ? [...schema.required] : []
  let type = schema.type
  for (const part of schema.allOf) {
    const flat = flatten(resolve, part, depth + 1)
    if (flat === undefined) return undefined
    if (isObject(flat.properties)) properties = { ...properties, ...flat.properties }
    if (Array.isArray(flat.required)) required = [...required, ...(flat.required as Array<string>)]
    if (Array.isArray(flat.oneOf) || Array.isArray(flat.anyOf)) return { ...schema, allOf: undefined, oneOf: [] }
    type ??= flat.type
  }
  return { ...schema, allOf: undefined, type, properties, required }
}

const valueFact = (resolve: Resolve, node: unknown, depth: number): ValueFact | undefined => {
  if (depth > MAX_DEPTH) return undefined
  const schema = flatten(resolve, node)
  if (schema === undefined) return undefined
  // Alternatives: whichever matches is fine, so nothing certain to check.
  if (Array.isArray(schema.oneOf) || Array.isArray(schema.anyOf) || Array.isArray(schema.type)) return undefined
  const fact: ValueFact = {}
  if (typeof schema.type === "string" && TYPES.has(schema.type)) fact.type = schema.type as ValueFact["type"]
  if (Array.isArray(schema.enum) && schema.enum.every((v) => ["string", "number", "boolean"].includes(typeof v))) {
    fact.enum = schema.enum as ReadonlyArray<string>
  }
  if (schema.format === "email" || schema.format === "date-time") fact.format = schema.format
  if (isObject(schema.properties)) {
    const properties: Record<string, ValueFact> = {}
    for (const [name, property] of Object.entries(schema.properties)) {
      const resolved = resolve(property)
      if (isObject(resolved) && resolved.readOnly === true) continue
      const child = valueFact(resolve, property, depth + 1)
      if (child !== undefined) properties[name] = child
    }
    // A read-only field stays required where the schema requires it (the `id` of a reference).
    const required = Array.isArray(schema.required) ? [...new Set(schema.required as Array<string>)] : []
    if (required.length > 0) fact.required = required
    if (Object.keys(properties).length > 0) fact.properties = properties
    if (fact.type === undefined && (fact.required !== undefined || fact.properties !== undefined)) fact.type = "object"
  }
  if (schema.items !== undefined) {
    const items = valueFact(resolve, schema.items, depth + 1)
    if (items !== undefined) fact.items = items
  }
  return Object.keys(fact).length === 0 ? undefined : fact
}

/** A copy of a fact without the constraints an accepted value breaks. */
const loosen = (fact: ValueFact, value: unknown): ValueFact => {
  if (value === null || value === undefined) return fact
  const out: ValueFact = { ...fact }
  const typeOk = fact.type === undefined ||
    (fact.type === "string" && typeof value === "string") ||
    (fact.type === "integer" && typeof value === "number" && Number.isInteger(value)) ||
    (fact.type === "number" && typeof value === "number") ||
    (fact.type === "boolean" && typeof value === "boolean") ||
    (fact.type === "array" && Array.isArray(value)) ||
    (fact.type === "object" && isObject(value))
  if (!typeOk) return {}
  if (fact.enum !== undefined && !fact.enum.includes(value as string)) delete out.enum
  if (fact.format === "email" && typeof value === "string" && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) {
    delete out.format
  }
  if (fact.format === "date-time" && typeof value === "string" && Number.isNaN(Date.parse(value))) delete out.format
  if (isObject(value)) {
    if (fact.required !== undefined) {
      const required = fact.required.filter((field) => value[field] !== undefined && value[field] !== null)
      if (required.length > 0) out.required = required
      else delete out.required
    }
    if (fact.properties !== undefined) {
      const properties: Record<string, ValueFact> = {}
      for (const [name, child] of Object.entries(fact.properties)) {
        const loosened = loosen(child, value[name])
        if (Object.keys(loosened).length > 0) properties[name] = loosened
      }
      out.properties = properties
    }
  }
  if (Array.isArray(value) && fact.items !== undefined) {
    let items: ValueFact = fact.items
    for (const item of value) items = loosen(items, item)
    out.items = items
  }
  return out
}

const METHODS = ["get", "post", "put", "patch", "delete"] as const

const queryFact = (resolve: Resolve, parameter: Json): QueryFact | undefined => {
  const schema = resolve(parameter.schema)
  if (!isObject(schema)) return parameter.required === true ? { required: true } : undefined
  const out: {
    required?: true
    type?: QueryFact["type"]
    enum?: ReadonlyArray<string>
    itemType?: QueryFact["itemType"]
    format?: "date-time"
  } = {}
  if (parameter.required === true) out.required = true
  if (typeof schema.type === "string" && TYPES.has(schema.type) && schema.type !== "object") {
    out.type = schema.type as QueryFact["type"]
  }
  const items = resolve(schema.items)
  const enumSource = Array.isArray(schema.enum) ? schema.enum : isObject(items) && Array.isArray(items.enum) ?
    items.enum :
    undefined
  if (enumSource !== undefined && enumSource.every((v) => typeof v === "string")) out.enum = enumSource as Array<string>
  if (
    isObject(items) && typeof items.type === "string" && ["string", "integer", "number", "boolean"].includes(items.type)
  ) {
    out.itemType = items.type as QueryFact["itemType"]
  }
  if (schema.format === "date-time") out.format = "date-time"
  return Object.keys(out).length === 0 ? undefined : out
}

const jsonContent = (resolve: Resolve, holder: unknown): Json | undefined => {
  const resolved = resolve(holder)
  if (!isObject(resolved) || !isObject(resolved.content)) return undefined
  const content = resolved.content["application/json"]
  return isObject(content) ? content : undefined
}

const exampleOf = (content: Json, resolve: Resolve): unknown => {
  if (content.example !== undefined) return content.example
  if (isObject(content.examples)) {
    const first = resolve(Object.values(content.examples)[0])
    if (isObject(first)) return first.value
  }
  return undefined
}

/** Fields the engine fills in itself on every addressable record. */
const ENGINE_FIELDS = new Set(["id", "type", "summary", "self", "html_url", "created_at"])

/**
 * PagerDuty's defaults for a NEW record where the response example shows an established one. Each is what the
 * REST API reference documents for a record created without the field.
 */
const DOCUMENTED_DEFAULTS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  // "role: The user role. Account must have the `read_only_users` ability to set a user as a `read_only_user`..."
  // a user created without a role is a `user`; without a time zone, the account's (the fake's account is UTC).
  // A new user has PagerDuty's blank avatar (the example's URL) until they set one.
  "POST /users": {
    role: "user",
    time_zone: "Etc/UTC",
    invitation_sent: true,
    created_via_sso: false,
    avatar_url: "https://pd-static-assets.pagerduty.com/users/blank-avatar.png"
  },
  // A new service answers every incident with high urgency until a rule is set; it has no support hours.
  "POST /services": {
    incident_urgency_rule: { type: "constant", urgency: "high" },
    support_hours: null,
    auto_pause_notifications_parameters: { enabled: false, timeout: null }
  },
  // A new policy does not repeat; hand-offs are notified when the policy has services (the documented default).
  "POST /escalation_policies": { num_loops: 0, on_call_handoff_notifications: "if_has_services" },
  // A new schedule has the account's time zone (UTC here).
  "POST /schedules": { time_zone: "Etc/UTC" }
}

const looksLikeTime = (value: unknown): boolean =>
  typeof value === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)

const defaultValue = (resolve: Resolve, property: unknown, example: unknown): unknown => {
  const schema = flatten(resolve, property)
  if (schema !== undefined && schema.default !== undefined) return schema.default
  if (Array.isArray(example)) return []
  if (isObject(example)) return typeof example.id === "string" ? null : example
  if (looksLikeTime(example) || schema?.format === "date-time") return null
  if (typeof example === "string") {
    if (Array.isArray(schema?.enum) || (example.length <= 24 && /^[a-z_]+$/.test(example))) return example
    // Free text a new record does not have: `null` where the schema allows it, else empty.
    return schema?.nullable === true ? null : ""
  }
  return example === undefined ? null : example
}

/** The defaults of a create operation: the response example's entity keys the engine does not fill itself. */
const createdDefaultsOf = (
  resolve: Resolve,
  key: string,
  operation: Json
): Record<string, unknown> | undefined => {
  if (!key.startsWith("POST ")) return undefined
  const responses = isObject(operation.responses) ? operation.responses : {}
  const created = responses["201"]
  if (created === undefined) return undefined
  const content = jsonContent(resolve, created)
  if (content === undefined) return undefined
  const example = exampleOf(content, resolve)
  const schema = flatten(resolve, content.schema)
  if (!isObject(example) || schema === undefined || !isObject(schema.properties)) return undefined
  const wrappers = Object.keys(example)
  if (wrappers.length !== 1) return undefined
  const entity = example[wrappers[0]]
  const entitySchema = flatten(resolve, schema.properties[wrappers[0]])
  if (!isObject(entity) || entitySchema === undefined) return undefined
  const properties = isObject(entitySchema.properties) ? entitySchema.properties : {}
  const out: Record<string, unknown> = {}
  for (const [field, value] of Object.entries(entity)) {
    if (ENGINE_FIELDS.has(field)) continue
    out[field] = defaultValue(resolve, properties[field], value)
  }
  if (entity.created_at !== undefined) out.created_at = "$now"
  if (entity.updated_at !== undefined) out.updated_at = "$now"
  return { ...out, ...DOCUMENTED_DEFAULTS[key] }
}

export interface DerivedFacts {
  readonly requestFacts: Record<string, RequestFact>
  readonly createdDefaults: Record<string, Record<string, unknown>>
}

/** Derives the facts from the spec. */
export const deriveFacts = (spec: unknown): DerivedFacts => {
  if (!isObject(spec) || !isObject(spec.paths)) throw new Error("not an OpenAPI document")
  const resolve = makeResolver(spec)
  const requestFacts: Record<string, RequestFact> = {}
  const createdDefaults: Record<string, Record<string, unknown>> = {}
  for (const [template, rawItem] of Object.entries(spec.paths).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)) {
    const item = resolve(rawItem)
    if (!isObject(item)) continue
    for (const method of METHODS) {
      const operation = item[method]
      if (!isObject(operation)) continue
      const key = `${method.toUpperCase()} ${template}`
      const parameters = [
        ...(Array.isArray(item.parameters) ? item.parameters : []),
        ...(Array.isArray(operation.parameters) ? operation.parameters : [])
      ].map(resolve).filter(isObject)
      const query: Record<string, QueryFact> = {}
      for (const parameter of parameters) {
        if (parameter.in !== "query" || typeof parameter.name !== "string") continue
        const fact = queryFact(resolve, parameter)
        if (fact !== undefined) query[parameter.name] = fact
      }
      const fact: { query?: Record<string, QueryFact>; bodyRequired?: true; body?: ValueFact } = {}
      if (Object.keys(query).length > 0) fact.query = query
      const requestBody = resolve(operation.requestBody)
      if (isObject(requestBody)) {
        if (requestBody.required === true) fact.bodyRequired = true
        const content = jsonContent(resolve, requestBody)
        const body = content === undefined ? undefined : valueFact(resolve, content.schema, 0)
        // The document's own request example is evidence of what PagerDuty accepts: a constraint it breaks is
        // dropped (e.g. `details` documented as an object, sent as a string by the example and by most clients).
        const example = content === undefined ? undefined : exampleOf(content, resolve)
        if (body !== undefined) fact.body = example === undefined ? body : loosen(body, example)
      }
      if (Object.keys(fact).length > 0) requestFacts[key] = fact
      const defaults = createdDefaultsOf(resolve, key, operation)
      if (defaults !== undefined) createdDefaults[key] = defaults
    }
  }
  return { requestFacts, createdDefaults }
}

/** The module's text. */
export const renderFacts = (facts: DerivedFacts, source: { readonly commit: string; readonly sha256: string }) =>
  [
    "/**",
    " * Facts about PagerDuty's REST operations for the fake: query parameters, request-body constraints, and the",
    " * fields PagerDuty fills in on created records. Derived from PagerDuty's OpenAPI document.",
    " *",
    ` * Upstream commit: ${source.commit}`,
    ` * Spec sha256: ${source.sha256}`,
    " *",
    " * Generated by scripts/generate-fake-facts.ts (`npm run generate`). DO NOT EDIT.",
    " *",
    " * @internal",
    " */",
    "import type { RequestFact } from \"./factTypes.js\"",
    "",
    "/** @internal */",
    `export const requestFacts: Readonly<Record<string, RequestFact>> = ${JSON.stringify(facts.requestFacts)}`,
    "",
    "/** @internal */",
    `export const createdDefaults: Readonly<Record<string, Readonly<Record<string, unknown>>>> = ${
      JSON.stringify(facts.createdDefaults)
    }`,
    ""
  ].join("\n")

/** The module for the spec at `specPath`. */
export const generateFactsSource = (specPath: string): string => {
  const { source, spec } = loadSpec(specPath)
  return renderFacts(deriveFacts(spec), source)
}

const main = (): void => {
  const args = process.argv.slice(2)
  const check = args.includes("--check")
  const specPath = path.resolve(args.find((arg) => !arg.startsWith("--")) ?? factsSpecPath())
  if (!fs.existsSync(specPath)) {
    console.log(`generate-fake-facts: ${specPath} is absent; nothing written`)
    return
  }
  const text = generateFactsSource(specPath)
  const relative = path.relative(process.cwd(), factsOutputPath)
  if (check) {
    const current = fs.existsSync(factsOutputPath) ? fs.readFileSync(factsOutputPath, "utf8") : ""
    if (current !== text) {
      console.error(`${relative} is stale: run \`npm run generate\``)
      process.exitCode = 1
    } else {
      console.log(`${relative} is up to date`)
    }
    return
  }
  fs.writeFileSync(factsOutputPath, text)
  console.log(`Wrote ${relative} (${text.length} characters)`)
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main()
}
