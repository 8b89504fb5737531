/**
 * Generates `src/internal/endpoints.generated.ts`, the endpoint table, from PagerDuty's official OpenAPI document
 * (`reference/REST/openapiv3.json` of github.com/PagerDuty/api-schema).
 *
 * Usage: `npm run generate [-- <spec.json>] [-- --check]`. The spec path defaults to `REST/openapiv3.json` in
 * `PAGERDUTY_OPENAPI_DIR` (see `openapi.ts`; `npm run spec:fetch` downloads it); the first non-flag argument or the
 * `PAGERDUTY_OPENAPI_SPEC` environment variable overrides it. `--check` writes nothing and exits with status 1 when
 * the checked-in file is stale.
 *
 * What is derived, per operation (path-level parameters merged with the operation's, every `$ref` resolved, `allOf`
 * merged, `oneOf`/`anyOf` alternatives required to agree):
 *
 * - `requestWrapper`: the single top-level property of the `application/json` request body schema, else `null`;
 * - `responseWrapper`: the single top-level property of the 2xx `application/json` response schemas, ignoring the
 *   pagination fields (`limit`, `offset`, `more`, `total`, `next_cursor`, ...); for a paged operation, when several
 *   properties remain, the one array among them (e.g. `records` beside `response_metadata`); `null` when there is no
 *   single one, when the body is not an object (e.g. a bare array), or when the 2xx responses disagree;
 * - `pagination`: `"cursor"` for a GET declaring a `cursor` query parameter whose response has `next_cursor`,
 *   `"offset"` for a GET declaring both `limit` and `offset`, else `null` (only GETs page by query parameters);
 * - `requiresFrom`: the operation declares a required `From` header parameter.
 *
 * The overrides in `endpoint-overrides.ts` are applied last.
 */
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import type { EndpointEntry, EndpointMethod, PaginationStyle } from "../src/internal/endpointTypes.js"
import { type EndpointOverride, endpointOverrides } from "./endpoint-overrides.js"
import { restSpecPath } from "./openapi.js"

/** The spec read by default: `REST/openapiv3.json` in `PAGERDUTY_OPENAPI_DIR` (default `../shared/pagerduty-api`). */
export const defaultSpecPath = restSpecPath

/** Where the table is written. */
export const outputPath = fileURLToPath(new URL("../src/internal/endpoints.generated.ts", import.meta.url))

/** Where the spec came from, recorded in the generated file's header. */
export interface SpecSource {
  /** The upstream commit of github.com/PagerDuty/api-schema, read from the README beside the spec. */
  readonly commit: string
  /** The sha256 of the spec file's bytes. */
  readonly sha256: string
}

/** The derived table plus the generator's diagnostics about irregularities of the spec. */
export interface DerivedEndpoints {
  readonly entries: ReadonlyArray<EndpointEntry>
  /**
   * Every path template of the spec, sorted. A superset of the entries' paths: the spec has a path item without
   * operations (`/incidents/count`), which must still win over `/incidents/{id}` when matching URLs.
   */
  readonly templates: ReadonlyArray<string>
  /** The override keys that were applied. */
  readonly overridden: ReadonlyArray<string>
  /** Irregularities worth a look: unpaged lists, schema/example disagreements, redundant overrides. */
  readonly notes: ReadonlyArray<string>
}

type JsonObject = { readonly [key: string]: unknown }

const isObject = (u: unknown): u is JsonObject => typeof u === "object" && u !== null && !Array.isArray(u)

const METHODS: ReadonlyArray<EndpointMethod> = ["GET", "POST", "PUT", "PATCH", "DELETE"]

/** Top-level response fields that belong to the pagination protocol, not to the content. */
export const PAGINATION_KEYS: ReadonlySet<string> = new Set([
  "limit",
  "offset",
  "more",
  "total",
  "cursor",
  "next_cursor",
  "after",
  "before",
  "first",
  "last",
  "starting_after",
  "ending_before"
])

// ---------------------------------------------------------------------------------------------------------------------
// $ref resolution and schema shapes
// ---------------------------------------------------------------------------------------------------------------------

const makeResolver = (spec: JsonObject) => (node: unknown): unknown => {
  let current = node
  const seen = new Set<string>()
  while (isObject(current) && typeof current.$ref === "string") {
    const ref = current.$ref
    if (!ref.startsWith("#/")) throw new Error(`Unsupported (non-local) $ref: ${ref}`)
    if (seen.has(ref)) throw new Error(`Circular $ref: ${ref}`)
    seen.add(ref)
    let target: unknown = spec
    for (const raw of ref.slice(2).split("/")) {
      const key = raw.replace(/~1/g, "/").replace(/~0/g, "~")
      target = Array.isArray(target) ? target[Number(key)] : isObject(target) ? target[key] : undefined
    }
    if (target === undefined) throw new Error(`Unresolved $ref: ${ref}`)
    current = target
  }
  return current
}

type Resolve = (node: unknown) => unknown

/** The top level of a schema, as far as wrapping is concerned. */
type Shape =
  | { readonly _tag: "Object"; readonly properties: ReadonlyMap<string, unknown> }
  | { readonly _tag: "Alternatives"; readonly shapes: ReadonlyArray<Shape> }
  | { readonly _tag: "Other" }

const other: Shape = { _tag: "Other" }

const shapeOf = (resolve: Resolve, node: unknown, depth = 0): Shape => {
  const schema = resolve(node)
  if (!isObject(schema) || depth > 16) return other
  const properties = new Map<string, unknown>()
  let isObjectSchema = schema.type === "object"
  if (Array.isArray(schema.allOf)) {
    for (const part of schema.allOf) {
      const shape = shapeOf(resolve, part, depth + 1)
      if (shape._tag === "Object") {
        isObjectSchema = true
        for (const [key, value] of shape.properties) properties.set(key, value)
      }
    }
  }
  if (isObject(schema.properties)) {
    isObjectSchema = true
    for (const [key, value] of Object.entries(schema.properties)) properties.set(key, value)
  }
  const alternatives = Array.isArray(schema.oneOf) ? schema.oneOf : Array.isArray(schema.anyOf) ? schema.anyOf : null
  if (alternatives !== null && alternatives.length > 0) {
    return {
      _tag: "Alternatives",
      shapes: alternatives.map((alternative) => {
        const shape = shapeOf(resolve, alternative, depth + 1)
        return shape._tag === "Object"
          ? { _tag: "Object", properties: new Map([...properties, ...shape.properties]) }
          : shape
      })
    }
  }
  return isObjectSchema ? { _tag: "Object", properties } : other
}

const PRIMITIVE_TYPES: ReadonlySet<unknown> = new Set(["string", "integer", "number", "boolean", "null"])

/**
 * Whether a property can hold an entity: anything but a primitive. A body whose single property is a primitive
 * (`{"duration": 60}`, `{"status": "ok"}`) is a parameter object, not a wrapped entity.
 */
const isEntitySchema = (resolve: Resolve, node: unknown): boolean => {
  const schema = resolve(node)
  return !isObject(schema) || !PRIMITIVE_TYPES.has(schema.type)
}

const isArraySchema = (resolve: Resolve, node: unknown): boolean => {
  const schema = resolve(node)
  if (!isObject(schema)) return false
  if (schema.type === "array" || schema.items !== undefined) return true
  return Array.isArray(schema.allOf) && schema.allOf.some((part) => isArraySchema(resolve, part))
}

/** All alternatives must agree; an empty list means "nothing to say". */
const agree = (values: ReadonlyArray<string | null>): string | null =>
  values.length > 0 && values.every((value) => value === values[0]) ? values[0] : null

const requestWrapperOf = (resolve: Resolve, shape: Shape): string | null => {
  switch (shape._tag) {
    case "Alternatives":
      return agree(shape.shapes.map((s) => requestWrapperOf(resolve, s)))
    case "Other":
      return null
    case "Object": {
      if (shape.properties.size !== 1) return null
      const [key, schema] = [...shape.properties][0]
      return isEntitySchema(resolve, schema) ? key : null
    }
  }
}

/**
 * The response wrapper rule on a list of top-level keys: the single key left after dropping the pagination fields;
 * for a paged operation, failing that, the single array among what is left.
 */
const pickResponseKey = (
  keys: ReadonlyArray<string>,
  paged: boolean,
  isArrayKey: (key: string) => boolean,
  isEntityKey: (key: string) => boolean
): string | null => {
  const content = keys.filter((key) => !PAGINATION_KEYS.has(key))
  if (content.length === 1) return isEntityKey(content[0]) ? content[0] : null
  if (paged) {
    const arrays = content.filter(isArrayKey)
    if (arrays.length === 1) return arrays[0]
  }
  return null
}

/**
 * Whether a response is a list by its own fields: it says whether there is `more` (or gives a `next_cursor`), as the
 * live lists of `GET /business_services/impacts` and the status dashboards' impacts do (`limit` and `more` beside
 * `services` and `additional_fields`), even where the operation declares no paging parameter. For such a response the
 * list rule applies: the one array beside the pagination fields is the wrapper. (A `limit` alone does not make a list:
 * `GET /analytics/raw/incidents/{id}/responses` echoes its `limit` beside the incident's id and ordering.)
 */
const isListResponse = (keys: ReadonlySet<string>): boolean => keys.has("more") || keys.has("next_cursor")

const responseWrapperOf = (resolve: Resolve, shape: Shape, paged: boolean): string | null => {
  switch (shape._tag) {
    case "Alternatives":
      return agree(shape.shapes.map((s) => responseWrapperOf(resolve, s, paged)))
    case "Other":
      return null
    case "Object":
      return pickResponseKey(
        [...shape.properties.keys()],
        paged,
        (key) => isArraySchema(resolve, shape.properties.get(key)),
        (key) => isEntitySchema(resolve, shape.properties.get(key))
      )
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------------------------------

interface Parameter {
  readonly name: string
  readonly in: string
  readonly required: boolean
}

const parametersOf = (resolve: Resolve, pathItem: JsonObject, operation: JsonObject): ReadonlyArray<Parameter> => {
  const byKey = new Map<string, Parameter>()
  for (const list of [pathItem.parameters, operation.parameters]) {
    if (!Array.isArray(list)) continue
    for (const raw of list) {
      const parameter = resolve(raw)
      if (!isObject(parameter) || typeof parameter.name !== "string" || typeof parameter.in !== "string") continue
      // Operation-level parameters override path-level ones with the same name and location.
      byKey.set(`${parameter.in}:${parameter.name.toLowerCase()}`, {
        name: parameter.name,
        in: parameter.in,
        required: parameter.required === true
      })
    }
  }
  return [...byKey.values()]
}

const JSON_MEDIA_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i

/** The `application/json` media type object of a `content` map, if any. */
const jsonMedia = (content: unknown): JsonObject | undefined => {
  if (!isObject(content)) return undefined
  const key = "application/json" in content
    ? "application/json"
    : Object.keys(content).find((k) => JSON_MEDIA_TYPE.test(k))
  const media = key === undefined ? undefined : content[key]
  return isObject(media) ? media : undefined
}

/** The example values of a media type object (`example` and every `examples.*.value`). */
const examplesOf = (resolve: Resolve, media: JsonObject): ReadonlyArray<unknown> => {
  const values: Array<unknown> = []
  if (media.example !== undefined) values.push(media.example)
  if (isObject(media.examples)) {
    for (const raw of Object.values(media.examples)) {
      const example = resolve(raw)
      if (isObject(example) && example.value !== undefined) values.push(example.value)
    }
  }
  return values
}

interface SuccessResponses {
  readonly schemas: ReadonlyArray<unknown>
  readonly examples: ReadonlyArray<unknown>
}

const successResponses = (resolve: Resolve, operation: JsonObject): SuccessResponses => {
  const schemas: Array<unknown> = []
  const examples: Array<unknown> = []
  if (!isObject(operation.responses)) return { schemas, examples }
  for (const [code, raw] of Object.entries(operation.responses)) {
    if (!/^2(\d\d|XX)$/i.test(code)) continue
    const response = resolve(raw)
    const media = isObject(response) ? jsonMedia(response.content) : undefined
    if (media === undefined || media.schema === undefined) continue
    schemas.push(media.schema)
    examples.push(...examplesOf(resolve, media))
  }
  return { schemas, examples }
}

const topLevelKeys = (resolve: Resolve, schemas: ReadonlyArray<unknown>): ReadonlySet<string> => {
  const keys = new Set<string>()
  const collect = (shape: Shape): void => {
    if (shape._tag === "Object") { for (const key of shape.properties.keys()) keys.add(key) }
    else if (shape._tag === "Alternatives") shape.shapes.forEach(collect)
  }
  for (const schema of schemas) collect(shapeOf(resolve, schema))
  return keys
}

const METHOD_ORDER = new Map(METHODS.map((method, index) => [method, index]))

const compareEntries = (a: EndpointEntry, b: EndpointEntry): number =>
  a.path < b.path ? -1 : a.path > b.path ? 1 : (METHOD_ORDER.get(a.method) ?? 0) - (METHOD_ORDER.get(b.method) ?? 0)

/**
 * Derives the endpoint table from a parsed OpenAPI document, overrides applied, sorted by path then method. Throws on
 * a document it cannot read, and on an override naming an operation the document does not have.
 */
export const deriveEndpoints = (
  spec: unknown,
  overrides: Readonly<Record<string, EndpointOverride>> = endpointOverrides
): DerivedEndpoints => {
  if (!isObject(spec) || !isObject(spec.paths)) throw new Error("Not an OpenAPI document: no `paths` object")
  const resolve = makeResolver(spec)
  const entries: Array<EndpointEntry> = []
  const notes: Array<string> = []
  const overridden: Array<string> = []
  const seenKeys = new Set<string>()

  for (const [template, rawPathItem] of Object.entries(spec.paths)) {
    const pathItem = resolve(rawPathItem)
    if (!isObject(pathItem)) continue
    for (const segment of template.split("/").slice(1)) {
      const isParam = segment.startsWith("{") && segment.endsWith("}")
      if (segment === "" || (!isParam && /[{}]/.test(segment))) {
        throw new Error(`Unsupported path template ${template}: segment "${segment}"`)
      }
    }
    for (const method of METHODS) {
      const operation = pathItem[method.toLowerCase()]
      if (!isObject(operation)) continue
      const key = `${method} ${template}`
      seenKeys.add(key)

      const parameters = parametersOf(resolve, pathItem, operation)
      const query = new Set(parameters.filter((p) => p.in === "query").map((p) => p.name))
      const requiresFrom = parameters.some((p) => p.in === "header" && p.name.toLowerCase() === "from" && p.required)

      const responses = successResponses(resolve, operation)
      const responseKeys = topLevelKeys(resolve, responses.schemas)

      let pagination: PaginationStyle | null = null
      if (method === "GET") {
        if (query.has("cursor") && responseKeys.has("next_cursor")) pagination = "cursor"
        else if (query.has("limit") && query.has("offset")) pagination = "offset"
        if (query.has("cursor") && !responseKeys.has("next_cursor")) {
          notes.push(`${key}: declares a cursor parameter but its response has no next_cursor`)
        }
      }

      const requestBody = resolve(operation.requestBody)
      const requestMedia = isObject(requestBody) ? jsonMedia(requestBody.content) : undefined
      const requestWrapper = requestMedia === undefined || requestMedia.schema === undefined
        ? null
        : requestWrapperOf(resolve, shapeOf(resolve, requestMedia.schema))

      const responseWrapperFor = (paged: boolean): string | null =>
        agree(
          responses.schemas.map((schema) =>
            responseWrapperOf(resolve, shapeOf(resolve, schema), paged || isListResponse(responseKeys))
          )
        )

      const derived: EndpointEntry = {
        method,
        path: template,
        requestWrapper,
        responseWrapper: responseWrapperFor(pagination !== null),
        pagination,
        requiresFrom
      }

      let entry = derived
      // The wrapper the schema gives under the final pagination style, before any wrapper override.
      let schemaWrapper = derived.responseWrapper
      const override = overrides[key]
      if (override !== undefined) {
        overridden.push(key)
        const paginationAfter = override.pagination !== undefined ? override.pagination : derived.pagination
        // A changed pagination style may change which wrapper the list rule picks.
        if (paginationAfter !== derived.pagination) schemaWrapper = responseWrapperFor(paginationAfter !== null)
        entry = {
          ...derived,
          pagination: paginationAfter,
          requestWrapper: override.requestWrapper !== undefined ? override.requestWrapper : derived.requestWrapper,
          responseWrapper: override.responseWrapper !== undefined ? override.responseWrapper : schemaWrapper
        }
        if (
          entry.pagination === derived.pagination && entry.requestWrapper === derived.requestWrapper &&
          entry.responseWrapper === derived.responseWrapper
        ) {
          notes.push(`${key}: override changes nothing (the spec may have been fixed upstream)`)
        }
      }

      // Diagnostics: things the lead may want to know about.
      if (
        method === "GET" && entry.pagination === null && (responseKeys.has("more") || responseKeys.has("next_cursor"))
      ) {
        notes.push(`${key}: response has ${responseKeys.has("more") ? "more" : "next_cursor"} but is not paged`)
      }
      for (const example of responses.examples) {
        const fromExample = Array.isArray(example)
          ? null
          : isObject(example)
          ? pickResponseKey(
            Object.keys(example),
            entry.pagination !== null,
            (k) => Array.isArray(example[k]),
            (k) => typeof example[k] === "object"
          )
          : null
        if (fromExample !== schemaWrapper && override?.responseWrapper === undefined) {
          notes.push(
            `${key}: response example suggests wrapper ${String(fromExample)}, schema gives ${String(schemaWrapper)}`
          )
          break
        }
      }
      entries.push(entry)
    }
  }

  for (const key of Object.keys(overrides)) {
    if (!seenKeys.has(key)) throw new Error(`Stale override: the spec has no operation ${key}`)
  }
  entries.sort(compareEntries)
  for (const template of Object.keys(spec.paths)) {
    if (!entries.some((entry) => entry.path === template)) notes.push(`${template}: a path item with no operations`)
  }
  const templates = Object.keys(spec.paths).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  return { entries, templates, overridden, notes }
}

// ---------------------------------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------------------------------

const literal = (value: string | null): string => (value === null ? "null" : JSON.stringify(value))

const renderEntry = (entry: EndpointEntry): string =>
  `  { method: ${literal(entry.method)}, path: ${literal(entry.path)}, requestWrapper: ${
    literal(entry.requestWrapper)
  }, responseWrapper: ${literal(entry.responseWrapper)}, pagination: ${
    literal(entry.pagination)
  }, requiresFrom: ${entry.requiresFrom} }`

/** Renders the TypeScript source of `src/internal/endpoints.generated.ts`. */
export const renderEndpointsSource = (
  { entries, templates }: Pick<DerivedEndpoints, "entries" | "templates">,
  source: SpecSource
): string =>
  [
    "/**",
    " * PagerDuty REST API v2 endpoint table: one entry per operation of PagerDuty's OpenAPI document.",
    " *",
    " * Source: https://github.com/PagerDuty/api-schema, file reference/REST/openapiv3.json",
    ` * Upstream commit: ${source.commit}`,
    ` * Spec sha256: ${source.sha256}`,
    ` * Operations: ${entries.length}, paths: ${templates.length}`,
    " *",
    " * Generated by scripts/generate-endpoints.ts (`npm run generate`), with the overrides in",
    " * scripts/endpoint-overrides.ts. DO NOT EDIT: change the generator or the overrides and regenerate.",
    " *",
    " * @internal",
    " */",
    "import type { EndpointEntry } from \"./endpointTypes.js\"",
    "",
    "/**",
    " * One entry per operation, sorted by path then method.",
    " *",
    " * @internal",
    " */",
    "export const endpoints: ReadonlyArray<EndpointEntry> = [",
    entries.map(renderEntry).join(",\n"),
    "]",
    "",
    "/**",
    " * Every path template of the spec, sorted, including path items without operations.",
    " *",
    " * @internal",
    " */",
    "export const templates: ReadonlyArray<string> = [",
    templates.map((template) => `  ${literal(template)}`).join(",\n"),
    "]",
    ""
  ].join("\n")

/** Derives and renders in one step: the text of `src/internal/endpoints.generated.ts` for a parsed spec. */
export const generateEndpointsSource = (spec: unknown, source: SpecSource): string =>
  renderEndpointsSource(deriveEndpoints(spec), source)

/**
 * Reads and parses a spec file, with its provenance: the sha256 of its bytes, and the upstream commit from the
 * `README.md` one directory up (`pagerduty-api/README.md`), or `"unknown"` when there is none.
 */
export const loadSpec = (
  specPath: string = defaultSpecPath
): { readonly spec: unknown; readonly source: SpecSource } => {
  const bytes = fs.readFileSync(specPath)
  const readmePath = path.join(path.dirname(specPath), "..", "README.md")
  const readme = fs.existsSync(readmePath) ? fs.readFileSync(readmePath, "utf8") : ""
  const commit = /Upstream commit: `([0-9a-f]{40})`/.exec(readme)?.[1] ?? "unknown"
  return {
    spec: JSON.parse(bytes.toString("utf8")),
    source: { commit, sha256: createHash("sha256").update(bytes).digest("hex") }
  }
}

/** Counts for the summary: per pagination style, `From`-requiring operations, wrapped operations. */
export const summarize = (entries: ReadonlyArray<EndpointEntry>) => {
  const count = (predicate: (entry: EndpointEntry) => boolean) => entries.filter(predicate).length
  return {
    operations: entries.length,
    offset: count((e) => e.pagination === "offset"),
    cursor: count((e) => e.pagination === "cursor"),
    after: count((e) => e.pagination === "after"),
    analytics: count((e) => e.pagination === "analytics"),
    requiresFrom: entries.filter((e) => e.requiresFrom).map((e) => `${e.method} ${e.path}`),
    requestWrapped: count((e) => e.requestWrapper !== null),
    responseWrapped: count((e) => e.responseWrapper !== null)
  }
}

const main = (): void => {
  const args = process.argv.slice(2)
  const check = args.includes("--check")
  const specPath = path.resolve(
    args.find((arg) => !arg.startsWith("--")) ?? process.env.PAGERDUTY_OPENAPI_SPEC ?? defaultSpecPath
  )
  const { source, spec } = loadSpec(specPath)
  const derived = deriveEndpoints(spec)
  const text = renderEndpointsSource(derived, source)
  const s = summarize(derived.entries)

  console.log(`Spec: ${specPath} (commit ${source.commit}, sha256 ${source.sha256})`)
  console.log(`Operations: ${s.operations} on ${derived.templates.length} paths`)
  console.log(`Pagination: offset ${s.offset}, cursor ${s.cursor}, after ${s.after}, analytics ${s.analytics}`)
  console.log(`Wrapped: request ${s.requestWrapped}, response ${s.responseWrapped}`)
  console.log(`Require From (${s.requiresFrom.length}): ${s.requiresFrom.join(", ")}`)
  console.log(`Overrides applied (${derived.overridden.length}):`)
  for (const key of derived.overridden) console.log(`  ${key}: ${endpointOverrides[key].why}`)
  console.log(`Notes (${derived.notes.length}):`)
  for (const note of derived.notes) console.log(`  ${note}`)

  const relative = path.relative(process.cwd(), outputPath)
  if (check) {
    const current = fs.existsSync(outputPath) ? fs.readFileSync(outputPath, "utf8") : ""
    if (current !== text) {
      console.error(`${relative} is stale: run \`npm run generate\``)
      process.exitCode = 1
    } else {
      console.log(`${relative} is up to date`)
    }
    return
  }
  fs.writeFileSync(outputPath, text)
  console.log(`Wrote ${relative}`)
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main()
}
