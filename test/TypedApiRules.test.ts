/**
 * The generator's rules on a small synthetic document (runs everywhere: no spec needed), and the runtime's
 * descriptor → Schema / fast check on cycles, nulls, open enums and unknown keys.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either, Schema } from "effect"
import { buildModel, printDescriptor, printType } from "../scripts/generate-api.js"
import type { Descriptor } from "../src/internal/api/descriptor.js"
import { decodeOptions, schema } from "../src/internal/api/schema.js"
import { check } from "../src/internal/api/validate.js"

const spec = {
  openapi: "3.0.2",
  paths: {
    "/nodes/{id}": {
      get: {
        operationId: "getNode",
        tags: ["Graph Nodes"],
        parameters: [
          { name: "id", in: "path", required: true, schema: { type: "string" } },
          { name: "include[]", in: "query", schema: { type: "array", items: { type: "string", enum: ["a", "b"] } } }
        ],
        responses: {
          "200": {
            description: "OK",
            content: {
              "application/json": {
                schema: { type: "object", properties: { node: { $ref: "#/components/schemas/Node" } } }
              }
            }
          }
        }
      }
    }
  },
  components: {
    schemas: {
      Node: {
        type: "object",
        required: ["name"],
        properties: {
          name: { type: "string" },
          "kebab-key": { type: "integer", nullable: true },
          kind: { type: "string", enum: ["leaf", "branch"] },
          children: { type: "array", items: { $ref: "#/components/schemas/Node" } },
          labels: { type: "object", additionalProperties: { type: "string" } }
        }
      },
      Merged: {
        allOf: [{ $ref: "#/components/schemas/Node" }, { type: "object", properties: { extra: { type: "boolean" } } }]
      },
      Either: { oneOf: [{ type: "string" }, { type: "number" }] },
      Broken: { allOf: [{ type: "string" }, { type: "object", properties: { x: { type: "string" } } }] }
    }
  }
}

describe("generate-api rules (synthetic document)", () => {
  const model = buildModel(spec, {})
  const component = (name: string) => model.components.find((c) => c.name === name)!
  const ctx = (closedEnums: boolean) => ({
    typeQualifier: "",
    descriptorQualifier: "",
    closedEnums,
    componentNames: model.componentNames
  })

  it("a $ref cycle is a reference by name (interface) and a lazy thunk (descriptor)", () => {
    const node = component("Node")
    const type = printType(node.ir, ctx(false))
    expect(type).toContain("readonly children?: ReadonlyArray<Node> | null")
    expect(printDescriptor(node.ir, ctx(false))).toContain("children: { array: { ref: () => Node } }")
  })

  it("non-identifier names are quoted; nullable adds null; enums are open in results, closed in inputs", () => {
    const node = component("Node")
    expect(printType(node.ir, ctx(false))).toContain("readonly \"kebab-key\"?: number | null")
    expect(printType(node.ir, ctx(false))).toContain("readonly kind?: \"leaf\" | \"branch\" | (string & {}) | null")
    expect(printType(node.ir, ctx(true))).toContain("readonly kind?: \"leaf\" | \"branch\"")
    expect(printType(node.ir, ctx(false))).toContain("readonly [key: string]: string")
  })

  it("allOf of objects merges; oneOf is a union; what cannot be expressed is unknown and reported", () => {
    expect(printType(component("Merged").ir, ctx(false))).toContain("readonly extra?: boolean | null")
    expect(printType(component("Merged").ir, ctx(false))).toContain("readonly name: string")
    expect(printType(component("Either").ir, ctx(false))).toBe("string | number")
    expect(component("Broken").ir).toEqual({ k: "unknown" })
    expect(model.report.map((r) => r.where)).toContain("components.schemas.Broken")
  })

  it("operations: one per operationId in the first tag's module, query `[]` names stripped, result unwrapped", () => {
    expect(model.operations).toHaveLength(1)
    const [op] = model.operations
    expect(op.module).toBe("GraphNodes")
    expect(op.functionName).toBe("getNode")
    expect(op.queryParams.map((p) => p.name)).toEqual(["include"])
    expect(op.entry.responseWrapper).toBe("node")
    expect(op.result).toEqual({ k: "ref", name: "Node" })
  })
})

describe("descriptors at run time", () => {
  const Node: Descriptor = {
    object: { name: "string", kind: "string", children: { array: { ref: () => Node } } },
    required: ["name"]
  }
  const decode = Schema.decodeUnknownEither(schema<unknown>(Node), decodeOptions)

  it("decodes a cycle, keeps unknown keys, accepts null for optional fields, and the fast check agrees", () => {
    const value = { name: "root", kind: "new-kind", extra: 1, children: [{ name: "leaf", children: null }] }
    const decoded = decode(value)
    expect(Either.isRight(decoded) && decoded.right).toEqual(value)
    expect(check(Node)(value)).toBe(true)
  })

  it("rejects a wrong type deep in the cycle, and a missing required field, in both", () => {
    for (const bad of [{ name: "root", children: [{ name: 1 }] }, { children: [] }, [], null, "x"]) {
      expect(Either.isLeft(decode(bad))).toBe(true)
      expect(check(Node)(bad)).toBe(false)
    }
  })
})
