/**
 * Where PagerDuty's OpenAPI documents are, for the fake's spec-dependent tests: `$PAGERDUTY_OPENAPI_DIR`, default
 * `../shared/pagerduty-api` from the repository root. Absent, the tests skip with the one-line reason below; with
 * `PAGERDUTY_OPENAPI_REQUIRED=1` (CI), an absent document fails instead.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("../..", import.meta.url))

export const openApiDir = path.resolve(root, process.env.PAGERDUTY_OPENAPI_DIR ?? "../shared/pagerduty-api")
export const restSpecFile = path.join(openApiDir, "REST/openapiv3.json")
export const eventsSpecFile = path.join(openApiDir, "events-v2/openapiv3.json")

const missing = [restSpecFile, eventsSpecFile].filter((file) => !fs.existsSync(file))

/** Why the spec-dependent tests skip (`undefined`: the documents are there). */
export const specAbsence: string | undefined = missing.length === 0 ?
  undefined :
  `PagerDuty's OpenAPI documents are absent (${missing.join(", ")}; set PAGERDUTY_OPENAPI_DIR)`

if (specAbsence !== undefined && process.env.PAGERDUTY_OPENAPI_REQUIRED === "1") {
  throw new Error(`${specAbsence}, and PAGERDUTY_OPENAPI_REQUIRED=1`)
}

/** The title of a spec-dependent suite: the reason it skips, when it does. */
export const specSuite = (title: string): string =>
  specAbsence === undefined ? title : `${title} (skipped: ${specAbsence})`

/** The REST document (call only when `specAbsence` is `undefined`). */
export const readRestSpec = (): unknown => JSON.parse(fs.readFileSync(restSpecFile, "utf8"))
