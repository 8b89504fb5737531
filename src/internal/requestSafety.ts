/**
 * The executor's two guards against leaking credentials, kept out of the request loop so that they stay small
 * call sites there: the outgoing headers are validated before a request is built (an invalid value is a typed error
 * that names the header and never quotes it), and the secrets of a request are listed for scrubbing foreign error
 * text. The rules themselves are pure (`headerValidation.ts`, `scrub.ts`).
 *
 * @internal
 */
import * as Redacted from "effect/Redacted"
import { PDClientError } from "../PagerDutyError.js"
import { headersProblem, headerValueProblem } from "./headerValidation.js"

/**
 * A `PDClientError` for the first invalid header of a request, or `undefined`. The `Authorization` value comes from
 * the credentials (reason `Config`); the others from the configuration or the caller (reason `InvalidInput`).
 *
 * @internal
 */
export const invalidHeaderError = (
  method: string,
  url: string,
  headers: Readonly<Record<string, unknown>>,
  authorization: Redacted.Redacted<string> | undefined
): PDClientError | undefined => {
  if (authorization !== undefined) {
    const problem = headerValueProblem("Authorization", Redacted.value(authorization))
    if (problem !== undefined) {
      return new PDClientError({
        reason: "Config",
        description: `Nothing was sent: ${problem.description}. Check the API key or token (a trailing newline ` +
          "from a file or an environment variable is a common cause)",
        method,
        url,
        field: "Authorization"
      })
    }
  }
  const problem = headersProblem(headers)
  if (problem === undefined) return undefined
  return new PDClientError({
    reason: "InvalidInput",
    description: `Nothing was sent: ${problem.description}`,
    method,
    url,
    field: problem.header
  })
}

/**
 * The secrets a request carries (its `Authorization` value and the body's credentials), as text for `scrubText`.
 *
 * @internal
 */
export const requestSecrets = (
  authorization: Redacted.Redacted<string> | undefined,
  bodySecrets: ReadonlyArray<Redacted.Redacted<string>> | undefined
): Array<string> => {
  const out: Array<string> = []
  if (authorization !== undefined) out.push(Redacted.value(authorization))
  if (bodySecrets !== undefined) { for (const secret of bodySecrets) out.push(Redacted.value(secret)) }
  return out
}
