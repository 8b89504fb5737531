/**
 * The spec-dependent tests' one entry point to PagerDuty's OpenAPI documents (see `scripts/openapi.ts` for the
 * variable `PAGERDUTY_OPENAPI_DIR` and `npm run spec:fetch`).
 *
 * `describeWithOpenApi(name, body)` is `describe(name, body)` when both documents are present. When they are absent it
 * never runs `body` (which may read them at collection time) and registers instead:
 * - one skipped test whose name is the one-line reason (why, and how to get them), printed once per run by
 *   `openApiGlobalSetup.ts`;
 * - or, under `PAGERDUTY_OPENAPI_REQUIRED=1` (CI), one FAILING test with that reason, so CI never skips silently.
 */
import { describe, it } from "@effect/vitest"
import { openApiMissingReason, openApiPresent, openApiRequired } from "../../scripts/openapi.js"

export {
  eventsSpecPath,
  openApiDir,
  openApiMissingReason,
  openApiPresent,
  openApiRequired,
  restSpecPath
} from "../../scripts/openapi.js"

export const describeWithOpenApi = (name: string, body: () => void): void => {
  if (openApiPresent) {
    describe(name, body)
  } else if (openApiRequired) {
    describe(name, () => {
      it(`requires the OpenAPI documents (PAGERDUTY_OPENAPI_REQUIRED is set)`, () => {
        throw new Error(openApiMissingReason())
      })
    })
  } else {
    describe(name, () => {
      it.skip(`skipped: ${openApiMissingReason()}`, () => {})
    })
  }
}
