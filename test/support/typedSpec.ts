/**
 * Where PagerDuty's OpenAPI documents are, for the spec-dependent tests: `PAGERDUTY_OPENAPI_DIR`, default
 * `../shared/pagerduty-api` from the repository root. Absent documents skip those tests with a one-line reason, unless
 * `PAGERDUTY_OPENAPI_REQUIRED=1`, which makes their absence a failure. (Same semantics as the shared helper
 * `test/support/openapi.ts`; the lead unifies them.)
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("../..", import.meta.url))

/** The directory of the documents. */
export const openapiDir = path.resolve(root, process.env.PAGERDUTY_OPENAPI_DIR ?? "../shared/pagerduty-api")

/** The REST document's path. */
export const restSpecPath = path.join(openapiDir, "REST", "openapiv3.json")

/** Whether the REST document is there. */
export const restSpecPresent = fs.existsSync(restSpecPath)

/** Why the spec-dependent tests are skipped, or `undefined` when they run. Throws when the documents are required. */
export const skipReason = (): string | undefined => {
  if (restSpecPresent) return undefined
  if (process.env.PAGERDUTY_OPENAPI_REQUIRED === "1") {
    throw new Error(`PAGERDUTY_OPENAPI_REQUIRED=1 but ${restSpecPath} is absent`)
  }
  return `PagerDuty's OpenAPI document is absent (${restSpecPath}; set PAGERDUTY_OPENAPI_DIR)`
}
