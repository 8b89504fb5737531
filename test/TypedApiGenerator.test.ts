/**
 * The generated typed operations are fresh (the generator's output for the spec, byte for byte), and the generator's
 * rules hold on the spec. Spec-dependent: skipped with a reason where the document is absent (see support/openapi.ts).
 */
import { expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as path from "node:path"
import { generateApiFiles, HAND_WRITTEN, rootDir } from "../scripts/generate-api.js"
import { deriveEndpoints, loadSpec } from "../scripts/generate-endpoints.js"
import { describeWithOpenApi, openApiPresent, restSpecPath } from "./support/openapi.js"

const loaded = openApiPresent ? loadSpec(restSpecPath) : undefined

describeWithOpenApi("generate-api", () => {
  it("every checked-in generated file is the generator's output, byte for byte; no stale file is left", () => {
    const files = generateApiFiles(loaded?.spec, loaded!.source)
    const stale = [...files].filter(([file, text]) => {
      const target = path.join(rootDir, file)
      return !fs.existsSync(target) || fs.readFileSync(target, "utf8") !== text
    }).map(([file]) => file)
    expect(stale, "stale: run `npm run generate`").toEqual([])
    const present = fs.readdirSync(path.join(rootDir, "src/api")).map((f) => `src/api/${f}`)
    expect(present.filter((f) => !files.has(f) && !HAND_WRITTEN.has(f))).toEqual([])
  })

  it("the live lists with `more` but no paging parameters unwrap their one array (services)", () => {
    const { entries } = deriveEndpoints(loaded?.spec)
    const wrapper = (key: string) => entries.find((e) => `${e.method} ${e.path}` === key)?.responseWrapper
    expect(wrapper("GET /business_services/impacts")).toBe("services")
    expect(wrapper("GET /business_services/{id}/supporting_services/impacts")).toBe("services")
    expect(wrapper("GET /status_dashboards/{id}/service_impacts")).toBe("services")
    expect(wrapper("GET /status_dashboards/url_slugs/{url_slug}/service_impacts")).toBe("services")
    // A `limit` echoed beside other fields does not make a list.
    expect(wrapper("GET /analytics/raw/incidents/{id}/responses")).toBe(null)
  })

  it("top-level generated declarations are marked pure, so unused ones tree-shake", () => {
    const files = generateApiFiles(loaded?.spec, loaded!.source)
    for (const [file, text] of files) {
      if (!file.endsWith(".ts") || file.includes("descriptors.generated")) continue
      for (const line of text.split("\n").filter((l) => l.startsWith("export const "))) {
        expect(line, file).toContain("= /*#__PURE__*/ ")
      }
    }
  })

  it("the report lists what could not be expressed, and the one operation without a function", () => {
    const report = generateApiFiles(loaded?.spec, loaded!.source).get("src/api/REPORT.md") ?? ""
    expect(report).toContain("Operations with a typed function: 464 in 47 tag modules")
    expect(report).toContain("EnrichmentSchemas.uploadEnrichmentCsv")
    expect(report).toContain("`components.schemas.Channel`")
  })
})
