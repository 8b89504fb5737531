/**
 * Where PagerDuty's two OpenAPI documents are, for the generator, `npm run spec:fetch` and the spec-dependent tests.
 *
 * ONE variable: `PAGERDUTY_OPENAPI_DIR` (absolute, or relative to the repository root), default
 * `../shared/pagerduty-api`. The directory holds `REST/openapiv3.json` and `events-v2/openapiv3.json`, verbatim
 * copies of `reference/REST/openapiv3.json` and `reference/events-v2/openapiv3.json` of
 * github.com/PagerDuty/api-schema at {@link pinnedCommit}. The documents are not in this repository (upstream carries no
 * license, so they are not redistributed): `npm run spec:fetch` downloads them there and checks their sha256.
 *
 * `PAGERDUTY_OPENAPI_REQUIRED=1` (set by `.ci/run`) turns their absence into a test failure instead of a skip.
 *
 * Nothing in `src` may import this module: the library never reads the documents at run time.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

/** The repository root. */
export const repoRoot = fileURLToPath(new URL("..", import.meta.url))

/** The variable naming the directory of the two documents. */
export const openApiDirVariable = "PAGERDUTY_OPENAPI_DIR"

/** The variable that makes the documents' absence a failure (CI sets it). */
export const openApiRequiredVariable = "PAGERDUTY_OPENAPI_REQUIRED"

/** The directory used when {@link openApiDirVariable} is unset or empty, relative to the repository root. */
export const defaultOpenApiDir = "../shared/pagerduty-api"

/** The upstream commit of github.com/PagerDuty/api-schema the documents are pinned to. */
export const pinnedCommit = "91a06fb3c64b0ab2b2bd6c485d12b327dfb55c18"

/** One of the two documents: where it lives locally and upstream, and the sha256 of the pinned bytes. */
export interface OpenApiDocument {
  readonly name: string
  /** Relative to the documents' directory. */
  readonly file: string
  /** Relative to the root of github.com/PagerDuty/api-schema. */
  readonly upstreamPath: string
  readonly sha256: string
}

export const restDocument: OpenApiDocument = {
  name: "REST API v2",
  file: "REST/openapiv3.json",
  upstreamPath: "reference/REST/openapiv3.json",
  sha256: "b2e80f8b83b170f29702e96a69adf230702b4ec43dddab7e348a2985c707ef35"
}

export const eventsDocument: OpenApiDocument = {
  name: "Events API v2",
  file: "events-v2/openapiv3.json",
  upstreamPath: "reference/events-v2/openapiv3.json",
  sha256: "f5570ec1049850501363447415a9202118586281286c3ccc8cd996f8429d1908"
}

export const openApiDocuments: ReadonlyArray<OpenApiDocument> = [restDocument, eventsDocument]

/** The documents' directory for an environment: {@link openApiDirVariable}, resolved against the repository root. */
export const resolveOpenApiDir = (env: NodeJS.ProcessEnv = process.env): string => {
  const configured = env[openApiDirVariable]
  return path.resolve(repoRoot, configured === undefined || configured === "" ? defaultOpenApiDir : configured)
}

/** The documents' directory of this process. */
export const openApiDir = resolveOpenApiDir()

export const restSpecPath = path.join(openApiDir, restDocument.file)
export const eventsSpecPath = path.join(openApiDir, eventsDocument.file)

/** The documents missing from a directory (by file name; their checksums are checked by `spec:fetch`). */
export const missingDocuments = (dir: string = openApiDir): ReadonlyArray<OpenApiDocument> =>
  openApiDocuments.filter((doc) => !fs.existsSync(path.join(dir, doc.file)))

/** Whether both documents are in {@link openApiDir}. */
export const openApiPresent = missingDocuments().length === 0

/** Whether their absence must fail the run ({@link openApiRequiredVariable} is `1` or `true`). */
export const openApiRequired = ["1", "true"].includes(process.env[openApiRequiredVariable] ?? "")

/** The one line that says why spec-dependent tests are skipped (or fail, in CI), and how to get the documents. */
export const openApiMissingReason = (dir: string = openApiDir): string =>
  `PagerDuty's OpenAPI documents are not in ${dir} (missing: ${
    missingDocuments(dir).map((doc) => doc.file).join(", ")
  }): get them with \`npm run spec:fetch\`, or point ${openApiDirVariable} at a copy`
