/**
 * The rules every option of `PagerDutyConfig` and `RetryPolicy` must pass when its layer is built: pure and
 * Effect-free (a duration arrives already decoded to milliseconds). A problem names the option and says what is
 * allowed; it never quotes a credential. Nothing is coerced: an invalid option is refused, never replaced.
 *
 * @internal
 */
import { describeInvalidValue, isValidHeaderValue } from "./headerValidation.js"

/** One invalid option. @internal */
export interface OptionProblem {
  /** The option's name, as the user wrote it (`timeout`, `retry.503`, …). */
  readonly option: string
  /** What is wrong and what is allowed. */
  readonly message: string
}

const problem = (option: string, message: string): OptionProblem => ({ option, message })

const kind = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "an array" : typeof value === "number" && Number.isNaN(value)
    ? "NaN"
    : typeof value

/**
 * A duration option. `millis` is the decoded value, or `undefined` when the input is not a duration at all; `raw` is
 * what the user gave (a number is milliseconds and is checked as given, before any decoding could clamp it).
 *
 * @internal
 */
export const durationProblem = (
  option: string,
  raw: unknown,
  millis: number | undefined,
  allow: { readonly zero: boolean }
): OptionProblem | undefined => {
  const allowed = allow.zero ? "a finite duration of 0 or more" : "a finite duration greater than 0"
  const example = "(a Duration, a number of milliseconds or a string such as \"30 seconds\")"
  const value = typeof raw === "number" ? raw : millis
  if (value === undefined) return problem(option, `${option} must be ${allowed} ${example}; got ${kind(raw)}`)
  if (Number.isNaN(value)) return problem(option, `${option} must be ${allowed} ${example}; got NaN`)
  if (!Number.isFinite(value)) return problem(option, `${option} must be ${allowed}; got an infinite duration`)
  if (value < 0 || (!allow.zero && value === 0)) {
    return problem(option, `${option} must be ${allowed}; got ${value} ms`)
  }
  // A string such as "-5 seconds" decodes to zero: the text is refused as given.
  if (typeof raw === "string" && /^\s*-/.test(raw)) {
    return problem(option, `${option} must be ${allowed}; got a negative duration`)
  }
  return undefined
}

/** An integer option within bounds (`max` inclusive when given). @internal */
export const integerProblem = (
  option: string,
  value: unknown,
  min: number,
  what: string
): OptionProblem | undefined => {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    const got = typeof value === "number" ? String(value) : kind(value)
    return problem(option, `${option} must be ${what}; got ${got}`)
  }
  return undefined
}

/** A number option within `[min, max]`. @internal */
export const rangeProblem = (
  option: string,
  value: unknown,
  min: number,
  max: number,
  what: string
): OptionProblem | undefined => {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    const got = typeof value === "number" ? String(value) : kind(value)
    return problem(option, `${option} must be ${what}; got ${got}`)
  }
  return undefined
}

/** A per-status retry map: HTTP status codes (100–599) to counts (an integer of -1 or more). @internal */
export const retryMapProblems = (option: string, value: unknown): Array<OptionProblem> => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return [problem(option, `${option} must be an object of HTTP status to retry count; got ${kind(value)}`)]
  }
  const out: Array<OptionProblem> = []
  for (const [key, count] of Object.entries(value)) {
    const status = Number(key)
    if (!/^\d{3}$/.test(key) || status < 100 || status > 599) {
      out.push(
        problem(`${option}.${key}`, `${option} keys must be HTTP status codes (100–599); got ${JSON.stringify(key)}`)
      )
      continue
    }
    const invalid = integerProblem(
      `${option}.${key}`,
      count,
      -1,
      "an integer of -1 (no per-status limit), 0 (never retried) or more"
    )
    if (invalid !== undefined) out.push(invalid)
  }
  return out
}

/**
 * A credential (API key, routing key): `undefined`, a string or a `Redacted` string, given here already revealed
 * (`value`) with whether the input was of an accepted type. The empty string means "not configured"; whitespace only,
 * surrounding whitespace and characters no HTTP header may carry are refused. The value is never quoted.
 *
 * @internal
 */
export const credentialProblem = (
  option: string,
  value: unknown,
  options: { readonly header: boolean }
): OptionProblem | undefined => {
  if (value === undefined) return undefined
  if (typeof value !== "string") {
    return problem(option, `${option} must be a string or a Redacted string; got ${kind(value)}`)
  }
  if (value.length === 0) return undefined
  if (value.trim().length === 0) return problem(option, `${option} must not be blank (it holds only whitespace)`)
  if (value.trim() !== value) {
    return problem(
      option,
      `${option} must not start or end with whitespace (a trailing newline from a file or an environment variable?)`
    )
  }
  if (options.header && !isValidHeaderValue(value)) {
    return problem(option, `${option} ${describeInvalidValue(value)}; it is sent in a header (printable ASCII only)`)
  }
  return undefined
}

/** A plain header option (`defaultFrom`, `userAgent`): a string every HTTP client layer can send. @internal */
export const headerOptionProblem = (option: string, value: unknown): OptionProblem | undefined => {
  if (value === undefined) return undefined
  if (typeof value !== "string") return problem(option, `${option} must be a string; got ${kind(value)}`)
  if (!isValidHeaderValue(value)) {
    return problem(
      option,
      `${option} ${describeInvalidValue(value)}; it is sent as a header (printable ASCII, tab and Latin-1 only)`
    )
  }
  return undefined
}

/** A boolean option. @internal */
export const booleanProblem = (option: string, value: unknown): OptionProblem | undefined =>
  value === undefined || typeof value === "boolean"
    ? undefined
    : problem(option, `${option} must be true or false; got ${kind(value)}`)

/** Drops the `undefined`s. @internal */
export const problems = (
  ...found: ReadonlyArray<OptionProblem | undefined | ReadonlyArray<OptionProblem>>
): Array<OptionProblem> => {
  const out: Array<OptionProblem> = []
  for (const entry of found) {
    if (entry === undefined) continue
    if (Array.isArray(entry)) out.push(...(entry as ReadonlyArray<OptionProblem>))
    else out.push(entry as OptionProblem)
  }
  return out
}
