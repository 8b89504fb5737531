import { describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import { endpointOverrides } from "../scripts/endpoint-overrides.js"
import {
  deriveEndpoints,
  generateEndpointsSource,
  loadSpec,
  outputPath,
  renderEndpointsSource,
  summarize
} from "../scripts/generate-endpoints.js"
import { endpoints, templates } from "../src/internal/endpoints.generated.js"
import { describeWithOpenApi } from "./support/openapi.js"

describeWithOpenApi("generate-endpoints over PagerDuty's REST document", () => {
  const { source, spec } = loadSpec()
  const derived = deriveEndpoints(spec)

  const METHODS = ["get", "post", "put", "patch", "delete"]

  /** The operations of the spec, read independently of the generator. */
  const specOperations = (): Array<string> => {
    const paths = (spec as { readonly paths: Record<string, Record<string, unknown>> }).paths
    return Object.entries(paths).flatMap(([path, item]) =>
      METHODS.filter((method) => item[method] !== undefined).map((method) => `${method.toUpperCase()} ${path}`)
    )
  }

  it("the checked-in table is the generator's output for the spec, byte for byte", () => {
    const checkedIn = fs.readFileSync(outputPath, "utf8")
    const generated = generateEndpointsSource(spec, source)
    expect(
      generated === checkedIn,
      "src/internal/endpoints.generated.ts is stale: run `npm run generate`"
    ).toBe(true)
  })

  it("records the upstream commit and the spec's sha256 in the header", () => {
    const text = generateEndpointsSource(spec, source)
    expect(source.commit).toBe("91a06fb3c64b0ab2b2bd6c485d12b327dfb55c18")
    expect(source.sha256).toBe("b2e80f8b83b170f29702e96a69adf230702b4ec43dddab7e348a2985c707ef35")
    expect(text).toContain(`Upstream commit: ${source.commit}`)
    expect(text).toContain("DO NOT EDIT")
  })

  it("the checked-in table equals the derived entries, entry by entry", () => {
    expect(endpoints).toEqual(derived.entries)
    expect(templates).toEqual(derived.templates)
  })

  it("has one entry per operation of the spec: 465 on 273 paths", () => {
    const operations = specOperations()
    expect(operations).toHaveLength(465)
    expect(derived.templates).toHaveLength(273)
    const keys = derived.entries.map((entry) => `${entry.method} ${entry.path}`)
    expect(new Set(keys).size).toBe(keys.length)
    expect([...keys].sort()).toEqual([...operations].sort())
  })

  it("prints the expected summary counts", () => {
    const summary = summarize(derived.entries)
    expect(summary).toMatchObject({ operations: 465, offset: 51, cursor: 18, after: 1, analytics: 3 })
    expect(summary.requiresFrom).toHaveLength(13)
    expect(summary.requiresFrom).toContain("POST /incidents")
  })

  it("every override names an operation of the spec and is applied", () => {
    expect([...derived.overridden].sort()).toEqual(Object.keys(endpointOverrides).sort())
    expect(derived.notes.filter((note) => note.includes("override changes nothing"))).toEqual([])
  })

  it("fails on an override for an operation the spec does not have", () => {
    expect(() => deriveEndpoints(spec, { "GET /no/such/path": { pagination: "offset", why: "test" } })).toThrow(
      /Stale override/
    )
  })

  it("renders one entry per line, without trailing commas", () => {
    const text = renderEndpointsSource(derived, source)
    const lines = text.split("\n").filter((line) => line.startsWith("  { method: "))
    expect(lines).toHaveLength(465)
    expect(text).not.toMatch(/,\n\]/)
    expect(text.endsWith("]\n")).toBe(true)
  })
})

describe("deriveEndpoints on a small spec", () => {
  const object = (properties: Record<string, unknown>) => ({ type: "object", properties })
  const json = (schema: unknown) => ({ content: { "application/json": { schema } } })
  const mini = {
    openapi: "3.0.2",
    components: {
      parameters: {
        limit: { name: "limit", in: "query", schema: { type: "integer" } },
        offset: { name: "offset", in: "query", schema: { type: "integer" } },
        cursor: { name: "cursor", in: "query", schema: { type: "string" } },
        from: { name: "From", in: "header", required: true, schema: { type: "string" } },
        id: { name: "id", in: "path", required: true, schema: { type: "string" } }
      },
      schemas: {
        Widget: object({ id: { type: "string" }, name: { type: "string" } }),
        Paged: object({ limit: { type: "integer" }, offset: { type: "integer" }, more: { type: "boolean" } }),
        CursorPaged: object({ limit: { type: "integer" }, next_cursor: { type: "string", nullable: true } })
      },
      requestBodies: {
        WidgetBody: json(object({ widget: { $ref: "#/components/schemas/Widget" } }))
      },
      responses: {
        WidgetResponse: json({ allOf: [object({ widget: { $ref: "#/components/schemas/Widget" } })] })
      }
    },
    paths: {
      "/widgets": {
        parameters: [{ $ref: "#/components/parameters/limit" }],
        get: {
          parameters: [{ $ref: "#/components/parameters/offset" }],
          responses: {
            "200": json({
              allOf: [
                { $ref: "#/components/schemas/Paged" },
                object({ widgets: { type: "array", items: {} }, extra: { type: "object" } })
              ]
            })
          }
        },
        post: {
          parameters: [{ $ref: "#/components/parameters/from" }],
          requestBody: { $ref: "#/components/requestBodies/WidgetBody" },
          responses: { "201": { $ref: "#/components/responses/WidgetResponse" } }
        },
        put: {
          parameters: [{ $ref: "#/components/parameters/offset" }],
          requestBody: json(object({ widgets: { type: "array", items: {} } })),
          responses: { "200": json(object({ widgets: { type: "array" }, more: { type: "boolean" } })) }
        }
      },
      "/widgets/{id}": {
        get: { responses: { "200": { $ref: "#/components/responses/WidgetResponse" } } },
        delete: { responses: { "204": { description: "gone" } } },
        put: {
          requestBody: json({ oneOf: [object({ widget: {} }), object({ widget: {}, x: {} })] }),
          responses: { "200": json({ oneOf: [object({ widget: {} }), { $ref: "#/components/schemas/Widget" }] }) }
        }
      },
      "/widgets/{id}/snooze": {
        post: {
          requestBody: json(object({ duration: { type: "integer" } })),
          responses: { "200": json(object({ status: { type: "string" } })), "202": json(object({ widget: {} })) }
        }
      },
      "/widgets/{id}/overrides": {
        post: { responses: { "201": json({ type: "array", items: {} }) } }
      },
      "/cursored": {
        get: {
          parameters: [{ $ref: "#/components/parameters/cursor" }],
          responses: {
            "200": json({
              allOf: [{ $ref: "#/components/schemas/CursorPaged" }, object({ things: { type: "array" }, meta: {} })]
            })
          }
        }
      },
      "/cursor-without-next": {
        get: {
          parameters: [{ $ref: "#/components/parameters/cursor" }],
          responses: { "200": json(object({ things: { type: "array" } })) }
        }
      }
    }
  }
  const result = deriveEndpoints(mini, {})
  const entry = (key: string) => result.entries.find((e) => `${e.method} ${e.path}` === key)

  it("merges path-level parameters, resolves $refs and allOf, and picks the list array", () => {
    expect(entry("GET /widgets")).toEqual({
      method: "GET",
      path: "/widgets",
      requestWrapper: null,
      responseWrapper: "widgets",
      pagination: "offset",
      requiresFrom: false
    })
  })

  it("reads request bodies and responses through components, and a required From header", () => {
    expect(entry("POST /widgets")).toMatchObject({
      requestWrapper: "widget",
      responseWrapper: "widget",
      requiresFrom: true
    })
    expect(entry("GET /widgets/{id}")).toMatchObject({ responseWrapper: "widget", pagination: null })
  })

  it("pages only GETs", () => {
    expect(entry("PUT /widgets")).toMatchObject({
      requestWrapper: "widgets",
      responseWrapper: "widgets",
      pagination: null
    })
  })

  it("needs agreeing alternatives and agreeing 2xx responses", () => {
    expect(entry("PUT /widgets/{id}")).toMatchObject({ requestWrapper: null, responseWrapper: null })
    expect(entry("POST /widgets/{id}/snooze")).toMatchObject({ requestWrapper: null, responseWrapper: null })
  })

  it("gives null for a bare array and an empty response", () => {
    expect(entry("POST /widgets/{id}/overrides")).toMatchObject({ responseWrapper: null })
    expect(entry("DELETE /widgets/{id}")).toMatchObject({ requestWrapper: null, responseWrapper: null })
  })

  it("needs next_cursor in the response for cursor pagination", () => {
    expect(entry("GET /cursored")).toMatchObject({ pagination: "cursor", responseWrapper: "things" })
    expect(entry("GET /cursor-without-next")).toMatchObject({ pagination: null, responseWrapper: "things" })
    expect(result.notes.some((note) => note.startsWith("GET /cursor-without-next"))).toBe(true)
  })

  it("applies overrides, re-deriving the list wrapper when the pagination changes", () => {
    const overridden = deriveEndpoints(mini, { "GET /cursor-without-next": { pagination: "offset", why: "test" } })
    expect(overridden.entries.find((e) => e.path === "/cursor-without-next")).toMatchObject({ pagination: "offset" })
  })

  it("rejects documents it cannot read", () => {
    expect(() => deriveEndpoints({})).toThrow(/no `paths`/)
    expect(() => deriveEndpoints({ paths: { "/x": { get: { responses: { "200": { $ref: "#/nope" } } } } } }, {}))
      .toThrow(/Unresolved \$ref/)
  })
})
