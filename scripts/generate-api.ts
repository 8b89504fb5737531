/**
 * Generates the typed operations of `effect-pagerduty/api` from PagerDuty's OpenAPI document (the same document as the
 * endpoint table):
 *
 * - `src/internal/api/descriptors.generated.ts`: one plain, Effect-free descriptor per component schema;
 * - `src/api/Schemas.ts`: one interface (the type) and one `Schema.Schema` (built from the descriptor) per component;
 * - `src/api/<Tag>.ts`: one module per tag (the operation's first tag), one function per operation, named after its
 *   `operationId`, with its input interface;
 * - `src/api/index.ts`: the entry point, one namespace per tag plus `Schemas` and the hand-written helpers;
 * - `src/api/REPORT.md`: whatever the generator could not express (typed `unknown` or left out), with the reason.
 *
 * Rules (the runtime side lives in `src/internal/api/`):
 *
 * - `$ref` to a component schema is a reference by name (a lazy thunk in the descriptor: cycles are fine);
 * - `allOf` of objects is merged (properties and `required`); `oneOf` / `anyOf` is a union; `nullable` adds `null`;
 * - string enums are open in the types (`"a" | "b" | (string & {})`) and plain strings when decoding, except in
 *   inputs (path and query parameters, request bodies), whose enums are closed literal unions (a wrong value is a
 *   compile error). A component reachable from an input that holds an enum (itself or through its references) gets a
 *   twin interface `<Name>Input` in `Schemas.ts`, the same shape with closed enums, which the input types use; the
 *   component interface itself stays open (results);
 * - `additionalProperties` alone is a record; beside properties it adds an index signature of `unknown`;
 * - unknown keys are kept when decoding (`onExcessProperty: "preserve"`);
 * - a result is unwrapped with the endpoint table's `responseWrapper` (for a paged list: the items of that array).
 *
 * Usage: `npm run generate` (runs this after `generate-endpoints.ts`); `tsx scripts/generate-api.ts --check` writes
 * nothing and exits with status 1 when a checked-in file is stale.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import type { EndpointEntry } from "../src/internal/endpointTypes.js"
import { type EndpointOverride, endpointOverrides } from "./endpoint-overrides.js"
import { defaultSpecPath, deriveEndpoints, loadSpec, type SpecSource } from "./generate-endpoints.js"

type JsonObject = { readonly [key: string]: unknown }
const isObject = (u: unknown): u is JsonObject => typeof u === "object" && u !== null && !Array.isArray(u)

/** The repository root. */
export const rootDir = fileURLToPath(new URL("..", import.meta.url))

const METHODS = ["get", "post", "put", "patch", "delete"] as const

/** The query parameters a paged operation's stream sets itself. */
const PAGING_PARAMS: ReadonlySet<string> = new Set(["limit", "offset", "cursor", "after", "before", "total"])

/** The header parameters that are not the caller's business (set by the client). */
const IGNORED_HEADERS: ReadonlySet<string> = new Set(["accept", "content-type", "authorization"])

// ---------------------------------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------------------------------

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/

/** A property key as TypeScript source: bare when it is an identifier, quoted otherwise. */
const key = (name: string): string => (IDENTIFIER.test(name) ? name : JSON.stringify(name))

/** `"Escalation Policies"` → `EscalationPolicies`; `"Add-ons"` → `AddOns`; `"Schedules_v3"` → `SchedulesV3`. */
export const tagModuleName = (tag: string): string =>
  tag.split(/[^A-Za-z0-9]+/).filter((w) => w !== "").map((w) => w[0].toUpperCase() + w.slice(1)).join("")

const pascal = (name: string): string => name[0].toUpperCase() + name.slice(1)

/** A component schema's identifier (they are identifiers in today's spec; anything else is mangled). */
const componentIdentifier = (name: string): string => {
  const cleaned = name.replace(/[^\w$]+(.)?/g, (_, c: string | undefined) => (c ?? "").toUpperCase())
  return /^[A-Za-z_$]/.test(cleaned) ? cleaned : `_${cleaned}`
}

// ---------------------------------------------------------------------------------------------------------------------
// The intermediate representation of a schema
// ---------------------------------------------------------------------------------------------------------------------

/** A schema, normalized: what both the type printer and the descriptor printer read. */
export type IR =
  | { readonly k: "string"; readonly enum?: ReadonlyArray<string> }
  | { readonly k: "number"; readonly enum?: ReadonlyArray<number> }
  | { readonly k: "boolean" }
  | { readonly k: "null" }
  | { readonly k: "unknown" }
  | { readonly k: "array"; readonly items: IR }
  | {
    readonly k: "object"
    readonly props: ReadonlyArray<{ readonly name: string; readonly ir: IR; readonly required: boolean }>
    /** `additionalProperties`: a schema, `"any"` (true / `{}`), or `null` (not declared). */
    readonly rest: IR | "any" | null
  }
  | { readonly k: "union"; readonly members: ReadonlyArray<IR> }
  | { readonly k: "nullable"; readonly inner: IR }
  | { readonly k: "ref"; readonly name: string }

/** One line of the report: where, and what was not expressed. */
export interface ReportEntry {
  readonly where: string
  readonly what: string
}

const UNKNOWN: IR = { k: "unknown" }

const COMPONENT_PREFIX = "#/components/schemas/"

export interface Normalizer {
  readonly norm: (node: unknown, where: string) => IR
  /** Follows `$ref`s (any kind) to the schema object. */
  readonly resolve: (node: unknown) => unknown
  readonly report: Array<ReportEntry>
}

export const makeNormalizer = (spec: JsonObject): Normalizer => {
  const report: Array<ReportEntry> = []
  const lookup = (ref: string): unknown => {
    if (!ref.startsWith("#/")) throw new Error(`Unsupported (non-local) $ref: ${ref}`)
    let target: unknown = spec
    for (const raw of ref.slice(2).split("/")) {
      const k = raw.replace(/~1/g, "/").replace(/~0/g, "~")
      target = Array.isArray(target) ? target[Number(k)] : isObject(target) ? target[k] : undefined
    }
    if (target === undefined) throw new Error(`Unresolved $ref: ${ref}`)
    return target
  }
  const resolve = (node: unknown): unknown => {
    let current = node
    for (let i = 0; i < 64 && isObject(current) && typeof current.$ref === "string"; i++) current = lookup(current.$ref)
    return current
  }

  /** The merged object of an `allOf` part, or `null` when the part is not an object. */
  const objectOf = (node: unknown, where: string, depth: number): Extract<IR, { k: "object" }> | null => {
    const ir = core(resolve(node), where, depth + 1)
    return ir.k === "object" ? ir : null
  }

  const mergeObjects = (parts: ReadonlyArray<Extract<IR, { k: "object" }>>): Extract<IR, { k: "object" }> => {
    const props = new Map<string, { name: string; ir: IR; required: boolean }>()
    let rest: IR | "any" | null = null
    for (const part of parts) {
      for (const p of part.props) {
        const previous = props.get(p.name)
        props.set(p.name, { name: p.name, ir: p.ir, required: p.required || (previous?.required ?? false) })
      }
      if (part.rest !== null) rest = rest === null ? part.rest : "any"
    }
    return { k: "object", props: [...props.values()], rest }
  }

  const objectFrom = (schema: JsonObject, where: string): Extract<IR, { k: "object" }> => {
    const required = new Set(Array.isArray(schema.required) ? schema.required.filter((r) => typeof r === "string") : [])
    const props = isObject(schema.properties)
      ? Object.entries(schema.properties).map(([name, value]) => ({
        name,
        ir: norm(value, `${where}.${name}`),
        required: required.has(name)
      }))
      : []
    const additional = schema.additionalProperties
    const rest: IR | "any" | null = additional === undefined || additional === false
      ? null
      : additional === true || (isObject(additional) && Object.keys(additional).length === 0)
      ? "any"
      : norm(additional, `${where}[*]`)
    return { k: "object", props, rest }
  }

  const core = (schema: unknown, where: string, depth = 0): IR => {
    if (!isObject(schema)) return UNKNOWN
    if (depth > 32) {
      report.push({ where, what: "nesting deeper than 32 levels of allOf: typed `unknown`" })
      return UNKNOWN
    }
    if (Array.isArray(schema.allOf)) {
      const parts = schema.allOf.map((part, i) => objectOf(part, `${where}.allOf[${i}]`, depth))
      const own = isObject(schema.properties) || schema.additionalProperties !== undefined
        ? [objectFrom(schema, where)]
        : []
      if (parts.every((p) => p !== null)) return mergeObjects([...parts.filter((p) => p !== null), ...own])
      if (schema.allOf.length === 1 && own.length === 0) return norm(schema.allOf[0], where)
      report.push({ where, what: "`allOf` of parts that are not all objects: typed `unknown`" })
      return UNKNOWN
    }
    const alternatives = Array.isArray(schema.oneOf) ? schema.oneOf : Array.isArray(schema.anyOf) ? schema.anyOf : null
    if (alternatives !== null && alternatives.length > 0) {
      if (isObject(schema.properties)) {
        report.push({
          where,
          what: "`oneOf`/`anyOf` beside `properties`: the alternatives are not checked (only the properties)"
        })
        return objectFrom(schema, where)
      }
      const valueWrapped = alternatives.map(resolve).every((a) =>
        isObject(a) && isObject(a.properties) && Object.keys(a.properties).length === 1 && "value" in a.properties
      )
      if (valueWrapped) {
        // Custom field values: the document wraps each typed alternative in `{ value }`, but its examples (and
        // PagerDuty's answers) carry the bare value (`"production"`, `["a", "b"]`, `null`).
        report.push({ where, what: "patched: a `oneOf` of `{ value }` wrappers is read as the bare values" })
        const members = alternatives.map((a, i) =>
          norm(((resolve(a) as JsonObject).properties as JsonObject).value, `${where}.oneOf[${i}].value`)
        )
        return { k: "union", members }
      }
      const members = alternatives.map((alternative, i) => norm(alternative, `${where}.oneOf[${i}]`))
      if (members.some((m) => m.k === "unknown")) return UNKNOWN
      return members.length === 1 ? members[0] : { k: "union", members }
    }
    const type = Array.isArray(schema.type)
      ? schema.type.filter((t) => t !== "null")
      : schema.type === undefined
      ? []
      : [schema.type]
    const nullableByType = Array.isArray(schema.type) && schema.type.includes("null")
    const base = ((): IR => {
      if (type.length > 1) {
        return { k: "union", members: type.map((t) => core({ ...schema, type: t }, where, depth + 1)) }
      }
      const t = type[0]
      if (Array.isArray(schema.enum)) {
        const values = schema.enum.filter((v) => v !== null)
        if (values.every((v) => typeof v === "string")) return { k: "string", enum: values }
        if (values.every((v) => typeof v === "number")) return { k: "number", enum: values }
        if (values.every((v) => typeof v === "boolean")) return { k: "boolean" }
      }
      switch (t) {
        case "string":
          return { k: "string" }
        case "integer":
        case "number":
          return { k: "number" }
        case "boolean":
          return { k: "boolean" }
        case "null":
          return { k: "null" }
        case "array":
          return { k: "array", items: schema.items === undefined ? UNKNOWN : norm(schema.items, `${where}[]`) }
        case "object":
          return objectFrom(schema, where)
        case undefined:
          if (isObject(schema.properties) || schema.additionalProperties !== undefined) {
            return objectFrom(schema, where)
          }
          if (schema.items !== undefined) return { k: "array", items: norm(schema.items, `${where}[]`) }
          return UNKNOWN
        default:
          report.push({ where, what: `unsupported type ${JSON.stringify(t)}: typed \`unknown\`` })
          return UNKNOWN
      }
    })()
    const nullable = schema.nullable === true || nullableByType ||
      (Array.isArray(schema.enum) && schema.enum.includes(null))
    return nullable && base.k !== "unknown" && base.k !== "null" ? { k: "nullable", inner: base } : base
  }

  const norm = (node: unknown, where: string): IR => {
    if (isObject(node) && typeof node.$ref === "string") {
      if (node.$ref.startsWith(COMPONENT_PREFIX) && !node.$ref.slice(COMPONENT_PREFIX.length).includes("/")) {
        const name = node.$ref.slice(COMPONENT_PREFIX.length)
        lookup(node.$ref)
        return { k: "ref", name }
      }
      return norm(lookup(node.$ref), where)
    }
    return core(node, where)
  }

  return { norm, resolve, report }
}

// ---------------------------------------------------------------------------------------------------------------------
// Printers
// ---------------------------------------------------------------------------------------------------------------------

interface PrintContext {
  /** `""` inside Schemas.ts, `"Schemas."` in a tag module. */
  readonly typeQualifier: string
  /** `""` inside the descriptors module, `"D."` elsewhere. */
  readonly descriptorQualifier: string
  /** Closed enums (inputs) or open (components, results). */
  readonly closedEnums: boolean
  /** An optional property may be `null` (default: with open enums, i.e. components and results, not inline inputs). */
  readonly nullOptionals?: boolean
  readonly componentNames: ReadonlyMap<string, string>
  /** With closed enums: the `<Name>Input` twin to reference instead of a component (see `ApiModel.inputNames`). */
  readonly inputNames?: ReadonlyMap<string, string>
}

const paren = (text: string): string => (/^[\w$."]+$|^ReadonlyArray<.*>$|^\{.*\}$/s.test(text) ? text : `(${text})`)

export const printType = (ir: IR, ctx: PrintContext, indent = ""): string => {
  switch (ir.k) {
    case "string":
      return ir.enum === undefined || ir.enum.length === 0
        ? "string"
        : [...ir.enum.map((v) => JSON.stringify(v)), ...(ctx.closedEnums ? [] : ["(string & {})"])].join(" | ")
    case "number":
      return ir.enum === undefined || ir.enum.length === 0 || !ctx.closedEnums
        ? "number"
        : ir.enum.map((v) => JSON.stringify(v)).join(" | ")
    case "boolean":
      return "boolean"
    case "null":
      return "null"
    case "unknown":
      return "unknown"
    case "array":
      return `ReadonlyArray<${printType(ir.items, ctx, indent)}>`
    case "nullable":
      return `${paren(printType(ir.inner, ctx, indent))} | null`
    case "union": {
      const members = [...new Set(ir.members.map((m) => paren(printType(m, ctx, indent))))]
      return members.join(" | ")
    }
    case "ref":
      return `${ctx.typeQualifier}${
        (ctx.closedEnums ? ctx.inputNames?.get(ir.name) : undefined) ?? ctx.componentNames.get(ir.name) ?? "unknown"
      }`
    case "object":
      return printObjectBody(ir, ctx, indent)
  }
}

/** An optional property of an answer may be `null` (PagerDuty sends `null` for absent values, nullable or not). */
const orNull = (text: string): string => (text === "unknown" || / \| null$/.test(text) ? text : `${text} | null`)

const printObjectBody = (ir: Extract<IR, { k: "object" }>, ctx: PrintContext, indent: string): string => {
  const inner = `${indent}  `
  const lines = ir.props.map((p) =>
    `${inner}readonly ${key(p.name)}${p.required ? "" : "?"}: ${
      p.required || !(ctx.nullOptionals ?? !ctx.closedEnums)
        ? printType(p.ir, ctx, inner)
        : orNull(printType(p.ir, ctx, inner))
    }`
  )
  if (ir.rest !== null || ir.props.length === 0) {
    const restType = ir.rest === null || ir.rest === "any" || ir.props.length > 0
      ? "unknown"
      : printType(ir.rest, ctx, inner)
    lines.push(`${inner}readonly [key: string]: ${restType}`)
  }
  return `{\n${lines.join("\n")}\n${indent}}`
}

export const printDescriptor = (ir: IR, ctx: PrintContext): string => {
  switch (ir.k) {
    case "string":
    case "number":
    case "boolean":
    case "null":
    case "unknown":
      return JSON.stringify(ir.k)
    case "array":
      return `{ array: ${printDescriptor(ir.items, ctx)} }`
    case "nullable":
      return `{ nullable: ${printDescriptor(ir.inner, ctx)} }`
    case "union":
      return `{ anyOf: [${ir.members.map((m) => printDescriptor(m, ctx)).join(", ")}] }`
    case "ref":
      return `{ ref: () => ${ctx.descriptorQualifier}${ctx.componentNames.get(ir.name)} }`
    case "object": {
      const props = ir.props.map((p) => `${key(p.name)}: ${printDescriptor(p.ir, ctx)}`).join(", ")
      const required = ir.props.filter((p) => p.required).map((p) => JSON.stringify(p.name))
      const parts = [`object: { ${props} }`]
      if (required.length > 0) parts.push(`required: [${required.join(", ")}]`)
      if (ir.props.length === 0 && ir.rest !== null && ir.rest !== "any") {
        parts.push(`rest: ${printDescriptor(ir.rest, ctx)}`)
      }
      return `{ ${parts.join(", ")} }`
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------------------------------

/** One operation as the generator sees it. */
export interface OperationModel {
  readonly operationId: string
  readonly functionName: string
  readonly tag: string
  readonly module: string
  readonly method: string
  readonly path: string
  readonly summary: string
  readonly entry: EndpointEntry
  /** A paged list (a Stream of items): the table gives a paging style and the items' wrapper. */
  readonly paged: boolean
  readonly pathParams: ReadonlyArray<{ readonly name: string; readonly ir: IR; readonly description: string }>
  readonly queryParams: ReadonlyArray<
    { readonly name: string; readonly ir: IR; readonly required: boolean; readonly description: string }
  >
  readonly headers: ReadonlyArray<{ readonly name: string; readonly required: boolean }>
  readonly from: "required" | "optional" | null
  readonly body: { readonly ir: IR; readonly required: boolean } | null
  /** The unwrapped result (a paged list: one item), `null` when no 2xx answer has a JSON body. */
  readonly result: IR | null
  /** Some 2xx answer has no body (the result may be `undefined`). */
  readonly resultMaybeEmpty: boolean
}

export interface ApiModel {
  readonly components: ReadonlyArray<
    { readonly name: string; readonly identifier: string; readonly ir: IR; readonly description: string }
  >
  readonly componentNames: ReadonlyMap<string, string>
  /**
   * The components that get an input twin (closed enums), by name → the twin's identifier: those reachable from an
   * operation's input (path, query, body) that hold an enum, directly or through their references.
   */
  readonly inputNames: ReadonlyMap<string, string>
  readonly operations: ReadonlyArray<OperationModel>
  readonly skipped: ReadonlyArray<ReportEntry>
  readonly report: ReadonlyArray<ReportEntry>
}

const JSON_MEDIA = /^application\/([\w.+-]+\+)?json\s*(;|$)/i

const jsonSchemaOf = (content: unknown): { readonly schema: unknown } | "none" | "other" => {
  if (!isObject(content) || Object.keys(content).length === 0) return "none"
  const k = Object.keys(content).find((c) => JSON_MEDIA.test(c))
  if (k === undefined) return "other"
  const media = content[k]
  return isObject(media) && media.schema !== undefined ? { schema: media.schema } : "none"
}

/** The property `name` of an object IR (following component refs), or `null`. */
const propertyOf = (ir: IR, name: string, components: ReadonlyMap<string, IR>, depth = 0): IR | null => {
  if (depth > 8) return null
  if (ir.k === "ref") {
    const target = components.get(ir.name)
    return target === undefined ? null : propertyOf(target, name, components, depth + 1)
  }
  if (ir.k === "nullable") return propertyOf(ir.inner, name, components, depth + 1)
  if (ir.k === "object") return ir.props.find((p) => p.name === name)?.ir ?? null
  if (ir.k === "union") {
    const found = ir.members.map((m) => propertyOf(m, name, components, depth + 1)).filter((m) => m !== null)
    return found.length === 0 ? null : found.length === 1 ? found[0] : { k: "union", members: found }
  }
  return null
}

const itemsOf = (ir: IR, components: ReadonlyMap<string, IR>, depth = 0): IR | null => {
  if (depth > 8) return null
  if (ir.k === "array") return ir.items
  if (ir.k === "ref") {
    const target = components.get(ir.name)
    return target === undefined ? null : itemsOf(target, components, depth + 1)
  }
  if (ir.k === "nullable") return itemsOf(ir.inner, components, depth + 1)
  return null
}

const sameIR = (a: IR, b: IR): boolean => JSON.stringify(a) === JSON.stringify(b)

export const buildModel = (
  spec: unknown,
  overrides: Readonly<Record<string, EndpointOverride>> = endpointOverrides
): ApiModel => {
  if (!isObject(spec) || !isObject(spec.paths)) throw new Error("Not an OpenAPI document: no `paths` object")
  const normalizer = makeNormalizer(spec)
  const { norm, resolve } = normalizer
  const { entries } = deriveEndpoints(spec, overrides)
  const table = new Map(entries.map((e) => [`${e.method} ${e.path}`, e]))

  const schemas = isObject(spec.components) && isObject(spec.components.schemas) ? spec.components.schemas : {}
  const componentNames = new Map<string, string>()
  const usedIdentifiers = new Set<string>()
  for (const name of Object.keys(schemas).sort()) {
    let identifier = componentIdentifier(name)
    while (usedIdentifiers.has(identifier)) identifier = `${identifier}_`
    usedIdentifiers.add(identifier)
    componentNames.set(name, identifier)
  }
  const components = [...componentNames].map(([name, identifier]) => {
    const raw = schemas[name]
    const description = isObject(raw) && typeof raw.description === "string" ? raw.description : ""
    return { name, identifier, ir: norm(raw, `components.schemas.${name}`), description }
  })
  const componentIR = new Map(components.map((c) => [c.name, c.ir]))

  const operations: Array<OperationModel> = []
  const skipped: Array<ReportEntry> = []
  const functionNames = new Map<string, string>()
  for (const [template, rawItem] of Object.entries(spec.paths)) {
    const item = resolve(rawItem)
    if (!isObject(item)) continue
    for (const m of METHODS) {
      const operation = item[m]
      if (!isObject(operation)) continue
      const method = m.toUpperCase()
      const where = `${method} ${template}`
      const entry = table.get(where)
      if (entry === undefined) throw new Error(`${where}: not in the endpoint table`)
      const operationId = typeof operation.operationId === "string" ? operation.operationId : ""
      if (operationId === "") {
        skipped.push({ where, what: "no operationId: no typed function" })
        continue
      }
      const functionName = IDENTIFIER.test(operationId)
        ? operationId
        : operationId.replace(/[^\w$]+(.)?/g, (_, c: string | undefined) => (c ?? "").toUpperCase())
      const tags = Array.isArray(operation.tags) ? operation.tags.filter((t) => typeof t === "string") : []
      const tag = tags[0] ?? "Default"
      const module = tagModuleName(tag)
      const qualified = `${module}.${functionName}`
      if (functionNames.has(qualified)) {
        throw new Error(`${where}: ${qualified} already names ${functionNames.get(qualified)}`)
      }
      functionNames.set(qualified, where)

      // Parameters: path-level first, the operation's override by (in, name).
      const params = new Map<string, JsonObject>()
      for (const list of [item.parameters, operation.parameters]) {
        if (!Array.isArray(list)) continue
        for (const raw of list) {
          const p = resolve(raw)
          if (isObject(p) && typeof p.name === "string" && typeof p.in === "string") {
            params.set(`${p.in}:${p.name.toLowerCase()}`, p)
          }
        }
      }
      // A list is a Stream only when the endpoint table knows where its items are.
      const paged = entry.pagination !== null && entry.responseWrapper !== null
      const pathParams: Array<{ name: string; ir: IR; description: string }> = []
      const queryParams: Array<{ name: string; ir: IR; required: boolean; description: string }> = []
      const headers: Array<{ name: string; required: boolean }> = []
      let from: OperationModel["from"] = null
      for (const p of params.values()) {
        const name = String(p.name)
        const pWhere = `${where} parameter ${name}`
        const schemaIR = p.schema === undefined ? { k: "string" as const } : norm(p.schema, pWhere)
        const description = typeof p.description === "string" ? firstSentence(p.description) : ""
        if (p.in === "path") pathParams.push({ name, ir: schemaIR, description })
        else if (p.in === "query") {
          const bare = name.endsWith("[]") ? name.slice(0, -2) : name
          if (paged && PAGING_PARAMS.has(bare)) continue
          const ir: IR = name.endsWith("[]") && schemaIR.k !== "array" ? { k: "array", items: schemaIR } : schemaIR
          queryParams.push({ name: bare, ir, required: p.required === true, description })
        } else if (p.in === "header") {
          if (IGNORED_HEADERS.has(name.toLowerCase())) continue
          if (name.toLowerCase() === "from") from = p.required === true ? "required" : "optional"
          else headers.push({ name, required: p.required === true })
        }
      }
      const templateParams = [...template.matchAll(/\{([^}]+)\}/g)].map((match) => match[1])
      for (const name of templateParams) {
        if (!pathParams.some((p) => p.name === name)) {
          normalizer.report.push({ where, what: `path parameter ${name} is not declared: typed \`string\`` })
          pathParams.push({ name, ir: { k: "string" }, description: "" })
        }
      }
      const taken = new Set(["body", "from", "headers"])
      for (const p of pathParams) {
        if (taken.has(p.name)) throw new Error(`${where}: parameter name ${p.name} clashes`)
        taken.add(p.name)
      }
      for (const p of queryParams) {
        if (taken.has(p.name)) throw new Error(`${where}: query parameter name ${p.name} clashes`)
        taken.add(p.name)
      }

      // Request body.
      let body: OperationModel["body"] = null
      const requestBody = resolve(operation.requestBody)
      if (isObject(requestBody)) {
        const json = jsonSchemaOf(requestBody.content)
        if (json === "other") {
          skipped.push({
            where: `${qualified} (${where})`,
            what: `the request body is ${Object.keys(requestBody.content as JsonObject).join(", ")}, not JSON: ` +
              "no typed function (use the RestApi raw verbs)"
          })
          continue
        }
        if (json !== "none") {
          let ir = norm(json.schema, `${where} request body`)
          if (entry.pagination === "analytics") ir = withoutProps(ir, ["limit", "starting_after", "ending_before"])
          // The document rarely marks a body required; a body whose schema requires a property is required.
          body = { ir, required: requestBody.required === true || requiresSomething(ir, componentIR) }
        }
      }

      // Result: the 2xx JSON schemas (deduplicated), unwrapped.
      const results: Array<IR> = []
      let resultMaybeEmpty = false
      if (isObject(operation.responses)) {
        for (const [code, raw] of Object.entries(operation.responses)) {
          if (!/^2(\d\d|XX)$/i.test(code)) continue
          const response = resolve(raw)
          const json = isObject(response) ? jsonSchemaOf(response.content) : "none"
          if (json === "none") resultMaybeEmpty = true
          else if (json === "other") {
            normalizer.report.push({ where, what: `a ${code} answer that is not JSON: typed \`unknown\`` })
            results.push(UNKNOWN)
          } else {
            const ir = norm(json.schema, `${where} response ${code}`)
            if (!results.some((r) => sameIR(r, ir))) results.push(ir)
          }
        }
      }
      let result: IR | null = results.length === 0
        ? null
        : results.length === 1
        ? results[0]
        : { k: "union", members: results }
      if (result !== null && entry.responseWrapper !== null) {
        const unwrapped = propertyOf(result, entry.responseWrapper, componentIR)
        if (unwrapped === null) {
          normalizer.report.push({
            where,
            what:
              `the response schema has no \`${entry.responseWrapper}\` (the endpoint table's wrapper): result typed \`unknown\``
          })
          result = UNKNOWN
        } else result = unwrapped
      }
      if (result !== null && paged) {
        const items = itemsOf(result, componentIR)
        if (items === null) {
          normalizer.report.push({ where, what: "a paged list whose items are not an array: items typed `unknown`" })
          result = UNKNOWN
        } else result = items
      }
      const summary = typeof operation.summary === "string" ? operation.summary : operationId
      operations.push({
        operationId,
        functionName,
        tag,
        module,
        method,
        path: template,
        summary,
        entry,
        paged,
        pathParams,
        queryParams,
        headers,
        from,
        body,
        result,
        resultMaybeEmpty
      })
    }
  }
  return {
    components,
    componentNames,
    inputNames: inputTwins(components, operations, usedIdentifiers),
    operations,
    skipped,
    report: normalizer.report
  }
}

/** Visits an IR's nodes (not through references). */
const walkIR = (ir: IR, visit: (node: IR) => void): void => {
  visit(ir)
  switch (ir.k) {
    case "array":
      return walkIR(ir.items, visit)
    case "nullable":
      return walkIR(ir.inner, visit)
    case "union":
      return ir.members.forEach((m) => walkIR(m, visit))
    case "object":
      ir.props.forEach((p) => walkIR(p.ir, visit))
      if (ir.rest !== null && ir.rest !== "any") walkIR(ir.rest, visit)
  }
}

const refsIn = (ir: IR): ReadonlyArray<string> => {
  const out: Array<string> = []
  walkIR(ir, (node) => node.k === "ref" && out.push(node.name))
  return out
}

/** The components that need an input twin (see `ApiModel.inputNames`), with identifiers not already taken. */
const inputTwins = (
  components: ApiModel["components"],
  operations: ReadonlyArray<OperationModel>,
  usedIdentifiers: Set<string>
): ReadonlyMap<string, string> => {
  const byName = new Map(components.map((c) => [c.name, c]))
  const reachable = new Set<string>()
  const queue = operations.flatMap((op) => [
    ...op.pathParams.flatMap((p) => refsIn(p.ir)),
    ...op.queryParams.flatMap((p) => refsIn(p.ir)),
    ...(op.body === null ? [] : refsIn(op.body.ir))
  ])
  while (queue.length > 0) {
    const name = queue.pop()!
    const c = byName.get(name)
    if (reachable.has(name) || c === undefined) continue
    reachable.add(name)
    queue.push(...refsIn(c.ir))
  }
  const withEnum = new Set<string>()
  for (const c of components) {
    walkIR(c.ir, (node) => {
      if ((node.k === "string" || node.k === "number") && node.enum !== undefined && node.enum.length > 0) {
        withEnum.add(c.name)
      }
    })
  }
  for (let changed = true; changed;) {
    changed = false
    for (const c of components) {
      if (!withEnum.has(c.name) && refsIn(c.ir).some((r) => withEnum.has(r))) {
        withEnum.add(c.name)
        changed = true
      }
    }
  }
  const twins = new Map<string, string>()
  for (const c of components) {
    if (!reachable.has(c.name) || !withEnum.has(c.name)) continue
    let identifier = `${c.identifier}Input`
    while (usedIdentifiers.has(identifier)) identifier = `${identifier}_`
    usedIdentifiers.add(identifier)
    twins.set(c.name, identifier)
  }
  return twins
}

const requiresSomething = (ir: IR, components: ReadonlyMap<string, IR>, depth = 0): boolean => {
  if (depth > 8) return false
  if (ir.k === "ref") {
    const target = components.get(ir.name)
    return target !== undefined && requiresSomething(target, components, depth + 1)
  }
  if (ir.k === "union") return ir.members.every((m) => requiresSomething(m, components, depth + 1))
  return ir.k === "object" && ir.props.some((p) => p.required)
}

const withoutProps = (ir: IR, names: ReadonlyArray<string>): IR =>
  ir.k === "object" ? { ...ir, props: ir.props.filter((p) => !names.includes(p.name)) } : ir

// ---------------------------------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------------------------------

/** Since which version the generated API exists. */
const SINCE = "0.2.0"

const header = (what: string, source: SpecSource): ReadonlyArray<string> => [
  ` * ${what}`,
  " *",
  " * Source: https://github.com/PagerDuty/api-schema, file reference/REST/openapiv3.json",
  ` * Upstream commit: ${source.commit}`,
  ` * Spec sha256: ${source.sha256}`,
  " *",
  " * Generated by scripts/generate-api.ts (`npm run generate`). DO NOT EDIT: change the generator and regenerate."
]

/** A doc comment's text made safe (no `*\/`), one line per line. */
const docLines = (text: string, indent = ""): ReadonlyArray<string> =>
  text
    .replace(/\*\//g, "*\\/")
    .replace(/@/g, "\\@")
    .split(/\r?\n/)
    .map((line) => line.trimEnd())
    .map((line) => `${indent} *${line === "" ? "" : ` ${line}`}`)

const firstSentence = (text: string): string => {
  const line = text.split(/\r?\n\s*\r?\n/)[0].replace(/\s+/g, " ").trim()
  return line.length > 300 ? `${line.slice(0, 297)}...` : line
}

export const renderDescriptors = (model: ApiModel, source: SpecSource): string => {
  const ctx: PrintContext = {
    typeQualifier: "",
    descriptorQualifier: "",
    closedEnums: false,
    nullOptionals: true,
    componentNames: model.componentNames,
    inputNames: model.inputNames
  }
  return [
    "/**",
    ...header("The component schemas of PagerDuty's OpenAPI document, as plain descriptors (no Effect).", source),
    " *",
    " * @internal",
    " */",
    "import type { Descriptor } from \"./descriptor.js\"",
    "",
    ...model.components.flatMap((c) => [
      `/** @internal */`,
      `export const ${c.identifier}: Descriptor = ${printDescriptor(c.ir, ctx)}`,
      ""
    ])
  ].join("\n")
}

/** An `@example` block of doc-comment lines (docgen type-checks it): the code lines, fenced. */
const exampleBlock = (code: ReadonlyArray<string>): ReadonlyArray<string> => [
  " *",
  " * @example",
  " * ```ts",
  ...code.map((line) => (line === "" ? " *" : ` * ${line}`)),
  " * ```"
]

export const renderSchemas = (model: ApiModel, source: SpecSource): string => {
  const ctx: PrintContext = {
    typeQualifier: "",
    descriptorQualifier: "D.",
    closedEnums: false,
    nullOptionals: true,
    componentNames: model.componentNames,
    inputNames: model.inputNames
  }
  const inputCtx: PrintContext = { ...ctx, closedEnums: true }
  const out: Array<string> = [
    "/**",
    ...header(
      "The component schemas of PagerDuty's REST API: for each, an interface (the type) and a `Schema` that decodes " +
        "it.",
      source
    ),
    " *",
    " * The schemas are lenient where PagerDuty's answers are richer than its document: string enums accept any",
    " * string (the known values are in the types, for the editor), and unknown keys are kept, not stripped.",
    " *",
    " * @example",
    " * ```ts",
    " * import { Effect, Schema } from \"effect\"",
    " * import { RestApi } from \"effect-pagerduty\"",
    " * import { Schemas } from \"effect-pagerduty/api\"",
    " *",
    " * const user = Effect.flatMap(RestApi, (api) => api.rget(\"/users/PABC123\", { schema: Schemas.User }))",
    " * const decodeIncident = Schema.decodeUnknown(Schemas.Incident)",
    " * ```",
    " *",
    ` * @since ${SINCE}`,
    " */",
    "import type * as $Schema from \"effect/Schema\"",
    "import * as D from \"../internal/api/descriptors.generated.js\"",
    "import { schema as $schema } from \"../internal/api/schema.js\"",
    ""
  ]
  for (const c of model.components) {
    const description = c.description === "" ? `The \`${c.name}\` schema.` : c.description
    const doc = [
      "/**",
      ...docLines(firstSentence(description)),
      ...exampleBlock([
        "import type { Schemas } from \"effect-pagerduty/api\"",
        "",
        `declare const value: Schemas.${c.identifier}`
      ]),
      " *",
      ` * @since ${SINCE}`,
      " * @category models",
      " */"
    ]
    out.push(...doc)
    if (c.ir.k === "object") out.push(`export interface ${c.identifier} ${printObjectBody(c.ir, ctx, "")}`)
    else out.push(`export type ${c.identifier} = ${printType(c.ir, ctx)}`)
    out.push("")
    const twin = model.inputNames.get(c.name)
    if (twin !== undefined) {
      out.push(
        "/**",
        ` * A \`${c.identifier}\` as a request takes it: the same shape with closed enums (a wrong value is a compile`,
        " * error; results keep them open).",
        ...exampleBlock([
          "import type { Schemas } from \"effect-pagerduty/api\"",
          "",
          `declare const value: Schemas.${twin}`
        ]),
        " *",
        ` * @since ${SINCE}`,
        " * @category models",
        " */",
        c.ir.k === "object"
          ? `export interface ${twin} ${printObjectBody(c.ir, inputCtx, "")}`
          : `export type ${twin} = ${printType(c.ir, inputCtx)}`,
        ""
      )
    }
    out.push(
      "/**",
      ` * Decodes a \`${c.identifier}\` (open enums, unknown keys kept).`,
      ...exampleBlock([
        "import { Schema } from \"effect\"",
        "import { Schemas } from \"effect-pagerduty/api\"",
        "",
        `const decode = Schema.decodeUnknown(Schemas.${c.identifier})`
      ]),
      " *",
      ` * @since ${SINCE}`,
      " * @category schemas",
      " */",
      `export const ${c.identifier}: $Schema.Schema<${c.identifier}> = /*#__PURE__*/ $schema<${c.identifier}>(D.${c.identifier})`,
      ""
    )
  }
  return out.join("\n")
}

/** A parameter's one-line doc: its description's first sentence, or where it goes. */
const paramDoc = (where: string, p: { readonly name: string; readonly description: string }): string => {
  const text = p.description === "" ? `${where} parameter \`${p.name}\`.` : p.description
  const short = text.length > 160 ? `${text.slice(0, 157)}...` : text
  return short.replace(/\*\//g, "*\\/").replace(/@/g, "\\@")
}

const inputName = (op: OperationModel): string => `${pascal(op.functionName)}Input`

const hasRequiredInput = (op: OperationModel): boolean =>
  op.pathParams.length > 0 || op.queryParams.some((p) => p.required) || op.body?.required === true ||
  op.headers.some((h) => h.required)

const exampleValue = (ir: IR): string => {
  switch (ir.k) {
    case "number":
      return ir.enum?.[0] !== undefined ? String(ir.enum[0]) : "1"
    case "boolean":
      return "true"
    case "string":
      return ir.enum?.[0] !== undefined ? JSON.stringify(ir.enum[0]) : "\"PABC123\""
    default:
      return "\"PABC123\""
  }
}

export const renderTagModule = (
  module: string,
  tag: string,
  operations: ReadonlyArray<OperationModel>,
  model: ApiModel,
  source: SpecSource
): string => {
  const typeCtx: PrintContext = {
    typeQualifier: "Schemas.",
    descriptorQualifier: "D.",
    closedEnums: true,
    nullOptionals: false,
    componentNames: model.componentNames,
    inputNames: model.inputNames
  }
  const resultCtx: PrintContext = { ...typeCtx, closedEnums: false, nullOptionals: true }
  const example = operations.find((op) => op.method === "GET" && !op.paged) ?? operations[0]
  const exampleArgs = example.pathParams.length > 0
    ? `{ ${example.pathParams.map((p) => `${key(p.name)}: ${exampleValue(p.ir)}`).join(", ")} }`
    : hasRequiredInput(example)
    ? null
    : ""
  const exampleLines = exampleArgs === null
    ? [` * const operation = ${module}.${example.functionName}`]
    : [
      ` * const program = ${module}.${example.functionName}(${exampleArgs})`,
      ...(!example.paged ? [] : [" * // a Stream of items: `Stream.runCollect(Stream.take(program, 10))`"])
    ]
  const hasCalls = operations.some((op) => !op.paged)
  const hasLists = operations.some((op) => op.paged)
  const usesSchemas = operations.some((op) => JSON.stringify(op).includes("\"k\":\"ref\""))
  const usesDescriptors = operations.some((op) =>
    op.result !== null && JSON.stringify(op.result).includes("\"k\":\"ref\"")
  )
  const out: Array<string> = [
    "/**",
    ...header(
      `The ${tag} operations of PagerDuty's REST API v2, one function per operation (by \`operationId\`).`,
      source
    ),
    " *",
    " * Every function runs through `RestApi` (the same retries, rate limits, timeouts and spans as the verbs), decodes",
    " * the result with the generated schema (see `TypedDecoding` to turn that off), and unwraps it as the endpoint",
    " * table says. Paged lists are `Stream`s of items, with the options `RestApi.iterAll` takes.",
    " *",
    " * @example",
    " * ```ts",
    " * import { Effect, Stream } from \"effect\"",
    ` * import { ${module} } from "effect-pagerduty/api"`,
    " *",
    ...exampleLines,
    " * ```",
    " *",
    ` * @since ${SINCE}`,
    " */",
    ...(hasCalls ? ["import type * as Effect from \"effect/Effect\""] : []),
    ...(hasLists ? ["import type * as Stream from \"effect/Stream\""] : []),
    "import type { RestApi, RestApiError } from \"../RestApi.js\"",
    `import type { ${
      [...(hasCalls ? ["CallOptions"] : []), ...(hasLists ? ["StreamOptions"] : [])].join(", ")
    } } from "./TypedDecoding.js"`,
    `import { ${
      [...(hasCalls ? ["call"] : []), ...(hasLists ? ["list"] : [])].join(", ")
    } } from "../internal/api/operation.js"`,
    ...(usesDescriptors ? ["import * as D from \"../internal/api/descriptors.generated.js\""] : []),
    ...(usesSchemas ? ["import type * as Schemas from \"./Schemas.js\""] : []),
    ""
  ]
  for (const op of operations) {
    const fields: Array<string> = []
    for (const p of op.pathParams) {
      const t = printType(p.ir, typeCtx, "  ")
      fields.push(
        `  /** ${paramDoc("Path", p)} */`,
        `  readonly ${key(p.name)}: ${t === "number" ? "number | string" : t}`
      )
    }
    for (const p of op.queryParams) {
      fields.push(
        `  /** ${paramDoc("Query", p)} */`,
        `  readonly ${key(p.name)}${p.required ? "" : "?"}: ${printType(p.ir, typeCtx, "  ")}`
      )
    }
    if (op.body !== null) {
      fields.push(
        "  /** The JSON request body. */",
        `  readonly body${op.body.required ? "" : "?"}: ${printType(op.body.ir, typeCtx, "  ")}`
      )
    }
    if (op.from !== null) {
      fields.push(
        `  /** The \`From\` header: the email address of a PagerDuty user${
          op.from === "required" ? " (required by PagerDuty; default: the configuration's `defaultFrom`)" : ""
        }. */`,
        "  readonly from?: string"
      )
    }
    if (op.headers.length > 0) {
      fields.push(
        "  /** Headers the operation declares. */",
        `  readonly headers${op.headers.some((h) => h.required) ? "" : "?"}: { ${
          op.headers.map((h) => `readonly ${key(h.name)}${h.required ? "" : "?"}: string`).join("; ")
        } }`
      )
    }
    const paged = op.paged
    const printedResult = op.result === null ? "void" : printType(op.result, resultCtx, "")
    const input = inputName(op)
    // An inline result (not a component) gets a name of its own: `<Operation>Result` (an item, for a paged list).
    let resultName = printedResult
    if (printedResult.includes("\n")) {
      resultName = `${pascal(op.functionName)}${paged ? "Item" : "Result"}`
      out.push(
        "/**",
        ` * The ${paged ? "item" : "result"} of {@link ${op.functionName}}, unwrapped.`,
        ...exampleBlock([
          `import type { ${module} } from "effect-pagerduty/api"`,
          "",
          `declare const ${paged ? "item" : "result"}: ${module}.${resultName}`
        ]),
        " *",
        ` * @since ${SINCE}`,
        " */",
        op.result !== null && op.result.k === "object"
          ? `export interface ${resultName} ${printedResult}`
          : `export type ${resultName} = ${printedResult}`,
        ""
      )
    }
    const resultType = `${resultName}${op.resultMaybeEmpty && !paged && op.result !== null ? " | undefined" : ""}`
    const optionalInput = !hasRequiredInput(op)
    const doc = (lines: ReadonlyArray<string>) => ["/**", ...lines, " *", ` * @since ${SINCE}`, " */"]
    // The example input: a literal when only path parameters are required (or nothing is), else declared.
    const onlyPathRequired = !op.queryParams.some((p) => p.required) && op.body?.required !== true &&
      !op.headers.some((h) => h.required)
    const literalInput = !onlyPathRequired
      ? null
      : `{ ${op.pathParams.map((p) => `${key(p.name)}: ${exampleValue(p.ir)}`).join(", ")} }`.replace("{  }", "{}")
    const inputExample = literalInput === null
      ? [`declare const input: ${module}.${input}`]
      : [`const input: ${module}.${input} = ${literalInput}`]
    out.push(
      ...doc([
        ` * The input of {@link ${op.functionName}} (\`${op.method} ${op.path}\`).`,
        ...exampleBlock([`import type { ${module} } from "effect-pagerduty/api"`, "", ...inputExample])
      ]),
      `export interface ${input} {`,
      ...fields,
      "}",
      ""
    )
    const signature = paged
      ? `(input${
        optionalInput ? "?" : ""
      }: ${input}, options?: StreamOptions) => Stream.Stream<${resultType}, RestApiError, RestApi>`
      : `(input${
        optionalInput ? "?" : ""
      }: ${input}, options?: CallOptions) => Effect.Effect<${resultType}, RestApiError, RestApi>`
    const descriptorCtx: PrintContext = { ...typeCtx, closedEnums: false, nullOptionals: true }
    const data = [
      `name: ${JSON.stringify(`${op.module}.${op.functionName}`)}`,
      `method: ${JSON.stringify(op.method)}`,
      `path: ${JSON.stringify(op.path)}`,
      `pathParams: [${op.pathParams.map((p) => JSON.stringify(p.name)).join(", ")}]`,
      ...(paged ? [`pagination: ${JSON.stringify(op.entry.pagination)}`] : []),
      `result: ${op.result === null ? "null" : printDescriptor(op.result, descriptorCtx)}`
    ]
    const resultNote = op.entry.responseWrapper === null
      ? ""
      : paged
      ? ` Streams the items of \`${op.entry.responseWrapper}\`, every page, in the endpoint's paging style (${op.entry.pagination}).`
      : ` The result is unwrapped from \`${op.entry.responseWrapper}\`.`
    out.push(
      ...doc([
        ...docLines(firstSentence(op.summary)),
        " *",
        ` * \`${op.method} ${op.path}\` (operationId \`${op.operationId}\`).${resultNote}`,
        ...exampleBlock([
          `import { ${module} } from "effect-pagerduty/api"`,
          "",
          ...(optionalInput
            ? [`const program = ${module}.${op.functionName}()`]
            : literalInput !== null
            ? [`const program = ${module}.${op.functionName}(${literalInput})`]
            : [`const program = (input: ${module}.${input}) => ${module}.${op.functionName}(input)`])
        ])
      ]),
      `export const ${op.functionName}: ${signature} = /*#__PURE__*/ ${paged ? "list" : "call"}({ ${
        data.join(", ")
      } })`,
      ""
    )
  }
  return out.join("\n")
}

const byModule = (model: ApiModel): ReadonlyMap<string, { tag: string; operations: Array<OperationModel> }> => {
  const modules = new Map<string, { tag: string; operations: Array<OperationModel> }>()
  for (const op of model.operations) {
    const entry = modules.get(op.module) ?? { tag: op.tag, operations: [] }
    entry.operations.push(op)
    modules.set(op.module, entry)
  }
  return new Map([...modules].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

export const renderIndex = (model: ApiModel, source: SpecSource): string => {
  const modules = byModule(model)
  const out: Array<string> = [
    "/**",
    ...header("The typed operations of PagerDuty's REST API v2: one namespace per tag, plus `Schemas`.", source),
    " *",
    " * @example",
    " * ```ts",
    " * import { Effect } from \"effect\"",
    " * import { Incidents } from \"effect-pagerduty/api\"",
    " *",
    " * const incident = Incidents.getIncident({ id: \"PABC123\" })",
    " * const title = Effect.map(incident, (i) => i.title)",
    " * ```",
    " *",
    ` * @since ${SINCE}`,
    " */",
    "",
    "/**",
    " * Turning decoding off, per layer; and the options of the typed operations.",
    " *",
    ` * @since ${SINCE}`,
    " */",
    "export * from \"./TypedDecoding.js\"",
    "",
    "/**",
    " * The component schemas: an interface and a `Schema` each.",
    " *",
    ` * @since ${SINCE}`,
    " */",
    "export * as Schemas from \"./Schemas.js\"",
    ""
  ]
  for (const [module, { tag }] of modules) {
    out.push(
      "/**",
      ` * The ${tag} operations.`,
      " *",
      ` * @since ${SINCE}`,
      " */",
      `export * as ${module} from "./${module}.js"`,
      ""
    )
  }
  return out.join("\n")
}

export const renderReport = (model: ApiModel, source: SpecSource): string => {
  const modules = byModule(model)
  const lines = [
    "# Typed operations: generator report",
    "",
    "Generated by `scripts/generate-api.ts` (`npm run generate`). DO NOT EDIT.",
    "",
    `Spec: upstream commit \`${source.commit}\`, sha256 \`${source.sha256}\`.`,
    "",
    `- Operations with a typed function: ${model.operations.length} in ${modules.size} tag modules`,
    `- Operations without a typed function: ${model.skipped.length}`,
    `- Component schemas: ${model.components.length}`,
    `- Paged operations (Streams): ${model.operations.filter((op) => op.paged).length}`,
    "",
    "## Operations without a typed function",
    "",
    ...(model.skipped.length === 0 ? ["None."] : model.skipped.map((e) => `- ${e.where}: ${e.what}`)),
    "",
    "## What is typed `unknown` or not checked",
    "",
    ...(model.report.length === 0
      ? ["Nothing."]
      : [...new Set(model.report.map((e) => `- \`${e.where}\`: ${e.what}`))]),
    ""
  ]
  return lines.join("\n")
}

/** Every generated file: path relative to the repository root → text. */
export const generateApiFiles = (spec: unknown, source: SpecSource): ReadonlyMap<string, string> => {
  const model = buildModel(spec)
  const files = new Map<string, string>()
  files.set("src/internal/api/descriptors.generated.ts", renderDescriptors(model, source))
  files.set("src/api/Schemas.ts", renderSchemas(model, source))
  for (const [module, { operations, tag }] of byModule(model)) {
    files.set(`src/api/${module}.ts`, renderTagModule(module, tag, operations, model, source))
  }
  files.set("src/api/index.ts", renderIndex(model, source))
  files.set("src/api/REPORT.md", renderReport(model, source))
  return files
}

/** The files of `src/api/` the generator owns (every `.ts` but the hand-written ones). */
export const HAND_WRITTEN: ReadonlySet<string> = new Set(["src/api/TypedDecoding.ts"])

const main = (): void => {
  const args = process.argv.slice(2)
  const check = args.includes("--check")
  const specPath = path.resolve(
    args.find((arg) => !arg.startsWith("--")) ?? process.env.PAGERDUTY_OPENAPI_SPEC ?? defaultSpecPath
  )
  const { source, spec } = loadSpec(specPath)
  const files = generateApiFiles(spec, source)
  const model = buildModel(spec)
  console.log(
    `Typed operations: ${model.operations.length}, skipped ${model.skipped.length}, schemas ${model.components.length}, report ${model.report.length} lines`
  )
  let stale = false
  const apiDir = path.join(rootDir, "src/api")
  const existing = fs.existsSync(apiDir)
    ? fs.readdirSync(apiDir).map((f) => `src/api/${f}`).filter((f) => !HAND_WRITTEN.has(f))
    : []
  for (const file of existing) {
    if (!files.has(file)) {
      if (check) {
        console.error(`${file} is not generated any more: run \`npm run generate\``)
        stale = true
      } else fs.rmSync(path.join(rootDir, file))
    }
  }
  for (const [file, text] of files) {
    const target = path.join(rootDir, file)
    const current = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : ""
    if (current === text) continue
    if (check) {
      console.error(`${file} is stale: run \`npm run generate\``)
      stale = true
    } else {
      fs.mkdirSync(path.dirname(target), { recursive: true })
      fs.writeFileSync(target, text)
    }
  }
  if (stale) process.exitCode = 1
  else console.log(check ? "The generated API is up to date" : "Wrote the generated API")
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main()
}
