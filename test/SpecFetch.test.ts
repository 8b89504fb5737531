import { describe, expect, it } from "@effect/vitest"
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fetchOpenApi, provenanceReadme, rawUrl, verifyAndWrite } from "../scripts/fetch-openapi.js"
import { loadSpec } from "../scripts/generate-endpoints.js"
import type { OpenApiDocument } from "../scripts/openapi.js"
import { openApiDocuments, pinnedCommit, repoRoot, resolveOpenApiDir } from "../scripts/openapi.js"
import { describeWithOpenApi, openApiDir } from "./support/openapi.js"

const temporaryDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "spec-fetch-"))
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex")
const bytesOf = (text: string) => new TextEncoder().encode(text)

const fakeDoc = (text: string): OpenApiDocument => ({
  name: "fake",
  file: "FAKE/openapiv3.json",
  upstreamPath: "reference/FAKE/openapiv3.json",
  sha256: sha256(bytesOf(text))
})

/** Every file under a directory, relative, sorted. */
const listFiles = (dir: string): Array<string> =>
  fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort()

describe("PAGERDUTY_OPENAPI_DIR", () => {
  it("defaults to ../shared/pagerduty-api beside the repository; relative values resolve against the root", () => {
    expect(resolveOpenApiDir({})).toBe(path.resolve(repoRoot, "../shared/pagerduty-api"))
    expect(resolveOpenApiDir({ PAGERDUTY_OPENAPI_DIR: "" })).toBe(path.resolve(repoRoot, "../shared/pagerduty-api"))
    expect(resolveOpenApiDir({ PAGERDUTY_OPENAPI_DIR: "specs" })).toBe(path.join(repoRoot, "specs"))
    expect(resolveOpenApiDir({ PAGERDUTY_OPENAPI_DIR: "/opt/pd" })).toBe("/opt/pd")
  })
})

describe("spec:fetch (offline: the download is stubbed)", () => {
  it("downloads each document from the pinned commit of PagerDuty/api-schema", () => {
    expect(openApiDocuments.map((doc) => rawUrl(doc))).toEqual([
      `https://raw.githubusercontent.com/PagerDuty/api-schema/${pinnedCommit}/reference/REST/openapiv3.json`,
      `https://raw.githubusercontent.com/PagerDuty/api-schema/${pinnedCommit}/reference/events-v2/openapiv3.json`
    ])
  })

  it("writes a document whose sha256 matches, through a temporary file, leaving nothing else", () => {
    const dir = temporaryDir()
    const doc = fakeDoc("{\"openapi\":\"3.0.2\"}")
    const target = verifyAndWrite(dir, doc, bytesOf("{\"openapi\":\"3.0.2\"}"))
    expect(target).toBe(path.join(dir, "FAKE/openapiv3.json"))
    expect(fs.readFileSync(target, "utf8")).toBe("{\"openapi\":\"3.0.2\"}")
    expect(listFiles(dir)).toEqual(["FAKE/openapiv3.json"])
  })

  it("refuses a document whose sha256 differs, and writes nothing", () => {
    const dir = temporaryDir()
    const doc = fakeDoc("{\"openapi\":\"3.0.2\"}")
    expect(() => verifyAndWrite(dir, doc, bytesOf("<html>rate limited</html>"))).toThrow(
      /FAKE\/openapiv3\.json: sha256 [0-9a-f]{64} does not match the pinned [0-9a-f]{64}.*nothing written/
    )
    expect(listFiles(dir)).toEqual([])
  })

  it("a wrong download fails the whole fetch before anything is written", async () => {
    const dir = temporaryDir()
    const requested: Array<string> = []
    await expect(fetchOpenApi(dir, (url) => {
      requested.push(url)
      return Promise.resolve(bytesOf("not the document"))
    })).rejects.toThrow(/does not match the pinned .*nothing written/)
    expect(requested).toEqual([rawUrl(openApiDocuments[0])])
    expect(listFiles(dir)).toEqual([])
  })

  it("a failed download fails the fetch with its error", async () => {
    const dir = temporaryDir()
    await expect(fetchOpenApi(dir, () => Promise.reject(new Error("GET x: HTTP 404 Not Found")))).rejects.toThrow(
      "HTTP 404"
    )
    expect(listFiles(dir)).toEqual([])
  })

  it("the README it writes carries the commit the generator reads", () => {
    const dir = temporaryDir()
    fs.mkdirSync(path.join(dir, "REST"))
    fs.writeFileSync(path.join(dir, "REST/openapiv3.json"), "{}")
    fs.writeFileSync(path.join(dir, "README.md"), provenanceReadme())
    expect(loadSpec(path.join(dir, "REST/openapiv3.json")).source.commit).toBe(pinnedCommit)
  })
})

describeWithOpenApi("spec:fetch against the local documents", () => {
  it("the pinned checksums are those of the documents in PAGERDUTY_OPENAPI_DIR", () => {
    for (const doc of openApiDocuments) {
      expect(sha256(fs.readFileSync(path.join(openApiDir, doc.file))), doc.file).toBe(doc.sha256)
    }
  })

  it("served the pinned bytes, it writes both documents and the README, byte for byte", async () => {
    const dir = temporaryDir()
    const byUrl = new Map(
      openApiDocuments.map((doc) => [rawUrl(doc), fs.readFileSync(path.join(openApiDir, doc.file))])
    )
    const outcomes = await fetchOpenApi(dir, (url) => Promise.resolve(new Uint8Array(byUrl.get(url) ?? [])))
    expect(outcomes).toEqual([
      { file: "REST/openapiv3.json", action: "downloaded" },
      { file: "events-v2/openapiv3.json", action: "downloaded" }
    ])
    expect(listFiles(dir)).toEqual(["README.md", "REST/openapiv3.json", "events-v2/openapiv3.json"])
    for (const doc of openApiDocuments) expect(sha256(fs.readFileSync(path.join(dir, doc.file)))).toBe(doc.sha256)
    // A second run finds them current and downloads nothing.
    const again = await fetchOpenApi(dir, () => Promise.reject(new Error("must not download")))
    expect(again.map((o) => o.action)).toEqual(["kept", "kept"])
  })
})
