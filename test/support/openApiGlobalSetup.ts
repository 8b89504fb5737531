/**
 * Vitest global setup: says ONCE per run why the spec-dependent tests are skipped, or, under
 * `PAGERDUTY_OPENAPI_REQUIRED=1`, fails the run before any test when the documents are absent.
 */
import { openApiMissingReason, openApiPresent, openApiRequired } from "../../scripts/openapi.js"

export default function setup(): void {
  if (openApiPresent) return
  if (openApiRequired) {
    throw new Error(`PAGERDUTY_OPENAPI_REQUIRED is set, but ${openApiMissingReason()}`)
  }
  process.stderr.write(`Spec-dependent tests skipped: ${openApiMissingReason()}\n`)
}
