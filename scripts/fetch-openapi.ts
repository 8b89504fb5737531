/**
 * `npm run spec:fetch`: downloads PagerDuty's two OpenAPI documents from github.com/PagerDuty/api-schema at the pinned
 * commit into `PAGERDUTY_OPENAPI_DIR` (default `../shared/pagerduty-api`, see `openapi.ts`), checking each one's
 * sha256 before writing it. A document already there with the right checksum is left alone; a wrong checksum (upstream
 * rewritten, a proxy's error page, a truncated download) writes nothing and exits with status 1.
 *
 * Each file is written to a temporary name beside its target and renamed, so an interrupted run never leaves a
 * half-written document. A `README.md` recording the source and commit is written beside them (the generator reads
 * the commit from it).
 */
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { pathToFileURL } from "node:url"
import type { OpenApiDocument } from "./openapi.js"
import { openApiDir, openApiDocuments, pinnedCommit } from "./openapi.js"

/** The raw download URL of a document at a commit. */
export const rawUrl = (doc: OpenApiDocument, commit: string = pinnedCommit): string =>
  `https://raw.githubusercontent.com/PagerDuty/api-schema/${commit}/${doc.upstreamPath}`

export const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex")

/** Whether the copy in `dir` exists and has the pinned checksum. */
export const isCurrent = (dir: string, doc: OpenApiDocument): boolean => {
  const target = path.join(dir, doc.file)
  return fs.existsSync(target) && sha256(fs.readFileSync(target)) === doc.sha256
}

/**
 * Checks the bytes against the pinned sha256 and, only when they match, writes them to `dir` through a temporary file
 * and a rename. Throws (writing nothing) on a mismatch.
 */
export const verifyAndWrite = (dir: string, doc: OpenApiDocument, bytes: Uint8Array): string => {
  const actual = sha256(bytes)
  if (actual !== doc.sha256) {
    throw new Error(
      `${doc.file}: sha256 ${actual} does not match the pinned ${doc.sha256} (commit ${pinnedCommit}); nothing written`
    )
  }
  const target = path.join(dir, doc.file)
  fs.mkdirSync(path.dirname(target), { recursive: true })
  const temporary = `${target}.${process.pid}.partial`
  fs.writeFileSync(temporary, bytes)
  fs.renameSync(temporary, target)
  return target
}

/** The README written beside the documents: provenance, and the line the generator reads the commit from. */
export const provenanceReadme = (commit: string = pinnedCommit): string =>
  [
    "# PagerDuty OpenAPI specs (test data)",
    "",
    "Downloaded by `npm run spec:fetch` from github.com/PagerDuty/api-schema. Test fixtures and generator input only:",
    "upstream carries no license, so do not redistribute them or ship them in the package.",
    "",
    ...openApiDocuments.map((doc) => `- \`${doc.file}\`: \`${doc.upstreamPath}\`, sha256 \`${doc.sha256}\``),
    "",
    `Upstream commit: \`${commit}\``,
    ""
  ].join("\n")

/** What a run did with each document. */
export type FetchOutcome = { readonly file: string; readonly action: "kept" | "downloaded" }

/** The download function, injectable so the logic is tested offline. */
export type Download = (url: string) => Promise<Uint8Array>

export const httpDownload: Download = async (url) => {
  const response = await fetch(url, { redirect: "follow" })
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status} ${response.statusText}`)
  return new Uint8Array(await response.arrayBuffer())
}

/**
 * Makes `dir` hold both documents at the pinned commit. Every document is downloaded and verified before any is
 * written, so a failure leaves the directory as it was (apart from documents that were already current).
 */
export const fetchOpenApi = async (
  dir: string = openApiDir,
  download: Download = httpDownload
): Promise<ReadonlyArray<FetchOutcome>> => {
  const needed = openApiDocuments.filter((doc) => !isCurrent(dir, doc))
  const downloaded: Array<readonly [OpenApiDocument, Uint8Array]> = []
  for (const doc of needed) {
    const bytes = await download(rawUrl(doc))
    const actual = sha256(bytes)
    if (actual !== doc.sha256) {
      throw new Error(
        `${rawUrl(doc)}: sha256 ${actual} does not match the pinned ${doc.sha256}; nothing written to ${dir}`
      )
    }
    downloaded.push([doc, bytes])
  }
  for (const [doc, bytes] of downloaded) verifyAndWrite(dir, doc, bytes)
  const readme = path.join(dir, "README.md")
  if (!fs.existsSync(readme)) fs.writeFileSync(readme, provenanceReadme())
  return openApiDocuments.map((doc) => ({
    file: doc.file,
    action: needed.includes(doc) ? "downloaded" : "kept"
  }))
}

const main = async (): Promise<void> => {
  try {
    const outcomes = await fetchOpenApi()
    for (const { action, file } of outcomes) console.log(`${action}: ${path.join(openApiDir, file)}`)
    console.log(`PagerDuty OpenAPI documents at commit ${pinnedCommit} are in ${openApiDir}`)
  } catch (error) {
    console.error(`spec:fetch failed: ${error instanceof Error ? error.message : String(error)}`)
    process.exitCode = 1
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  void main()
}
