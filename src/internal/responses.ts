/** @internal */
import * as Duration from "effect/Duration"
import { PDClientError, PDHTTPError, RateLimitInfo } from "../PagerDutyError.js"

/** The longest body text kept on an error. @internal */
export const maxErrorBody = 64 * 1024

/** @internal */
export type HeaderRecord = Readonly<Record<string, string | undefined>>

const numberHeader = (headers: HeaderRecord, name: string): number | undefined => {
  const raw = headers[name]
  if (raw === undefined || raw.trim() === "") return undefined
  const value = Number(raw)
  return Number.isFinite(value) ? value : undefined
}

/** @internal */
export const rateLimitInfo = (headers: HeaderRecord): RateLimitInfo | undefined => {
  const limit = numberHeader(headers, "ratelimit-limit")
  const remaining = numberHeader(headers, "ratelimit-remaining")
  const resetSeconds = numberHeader(headers, "ratelimit-reset")
  if (limit === undefined && remaining === undefined && resetSeconds === undefined) return undefined
  return new RateLimitInfo({
    ...(limit !== undefined ? { limit } : {}),
    ...(remaining !== undefined ? { remaining } : {}),
    ...(resetSeconds !== undefined ? { resetSeconds } : {})
  })
}

/**
 * The wait a response asks for: `ratelimit-reset` (PagerDuty's, seconds until the window resets) on a 429, else
 * `Retry-After` (seconds or an HTTP date).
 *
 * @internal
 */
export const serverWait = (status: number, headers: HeaderRecord, now: number): Duration.Duration | undefined => {
  if (status === 429) {
    const reset = numberHeader(headers, "ratelimit-reset")
    if (reset !== undefined && reset >= 0) return Duration.seconds(reset)
  }
  const retryAfter = headers["retry-after"]
  if (retryAfter === undefined || retryAfter.trim() === "") return undefined
  const seconds = Number(retryAfter)
  if (Number.isFinite(seconds) && seconds >= 0) return Duration.seconds(seconds)
  const date = Date.parse(retryAfter)
  return Number.isNaN(date) ? undefined : Duration.millis(Math.max(0, date - now))
}

/** @internal */
export const snippet = (text: string, length = 200): string => text.length > length ? `${text.slice(0, length)}…` : text

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

const flattenErrors = (errors: unknown): Array<string> => {
  if (errors === undefined || errors === null) return []
  if (typeof errors === "string") return [errors]
  if (Array.isArray(errors)) {
    return errors.map((item) => typeof item === "string" ? item : JSON.stringify(item))
  }
  if (isRecord(errors)) {
    const out: Array<string> = []
    for (const [field, messages] of Object.entries(errors)) {
      const list = Array.isArray(messages) ? messages : [messages]
      for (const message of list) {
        out.push(`${field}: ${typeof message === "string" ? message : JSON.stringify(message)}`)
      }
    }
    return out
  }
  return [JSON.stringify(errors)]
}

/**
 * PagerDuty's error details from a body: REST's `{"error": {"code", "message", "errors"}}` (where `error` may also be
 * a plain string) or the Events API's `{"status", "message", "errors"}`.
 *
 * @internal
 */
export const errorDetails = (
  bodyText: string
): { readonly code?: number; readonly errorMessage?: string; readonly errors: Array<string> } => {
  let body: unknown
  try {
    body = JSON.parse(bodyText)
  } catch {
    return { errors: [] }
  }
  if (!isRecord(body)) return { errors: [] }
  const error = body.error
  if (typeof error === "string") return { errorMessage: error, errors: flattenErrors(body.errors) }
  if (isRecord(error)) {
    const code = typeof error.code === "number" ?
      error.code :
      typeof error.code === "string" && /^\d+$/.test(error.code)
      ? Number(error.code)
      : undefined
    return {
      ...(code !== undefined ? { code } : {}),
      ...(typeof error.message === "string" ? { errorMessage: error.message } : {}),
      errors: flattenErrors(error.errors)
    }
  }
  return {
    ...(typeof body.message === "string" ? { errorMessage: body.message } : {}),
    errors: flattenErrors(body.errors)
  }
}

/** @internal */
export interface ResponseFacts {
  readonly method: string
  readonly url: string
  readonly status: number
  readonly headers: HeaderRecord
  readonly bodyText: string
}

/** @internal */
export const httpError = (
  facts: ResponseFacts,
  description?: string,
  reason: "StatusCode" | "UnexpectedShape" = description === undefined ? "StatusCode" : "UnexpectedShape",
  location?: string
): PDHTTPError => {
  const rateLimit = rateLimitInfo(facts.headers)
  const requestId = facts.headers["x-request-id"]
  return new PDHTTPError({
    reason,
    status: facts.status,
    method: facts.method,
    url: facts.url,
    ...errorDetails(facts.bodyText),
    ...(requestId !== undefined ? { requestId } : {}),
    ...(rateLimit !== undefined ? { rateLimit } : {}),
    body: facts.bodyText.length > maxErrorBody ? facts.bodyText.slice(0, maxErrorBody) : facts.bodyText,
    ...(description !== undefined ? { description } : {}),
    ...(location !== undefined ? { location } : {})
  })
}

/**
 * Decodes a JSON body: an empty (or blank) body is `undefined`; anything unparsable is a `PDClientError` that says so
 * and carries the status and the start of the text.
 *
 * @internal
 */
export const parseJson = (facts: ResponseFacts): { readonly _tag: "Right"; readonly value: unknown } | {
  readonly _tag: "Left"
  readonly error: PDClientError
} => {
  // `/\S/` stops at the first non-blank character: no copy of a large body (unlike `trim()`).
  if (facts.status === 204 || !/\S/.test(facts.bodyText)) return { _tag: "Right", value: undefined }
  try {
    return { _tag: "Right", value: JSON.parse(facts.bodyText) }
  } catch (cause) {
    const contentType = facts.headers["content-type"]
    const html = contentType !== undefined && contentType.includes("html") || /^\s*</.test(facts.bodyText)
    return {
      _tag: "Left",
      error: new PDClientError({
        reason: "Decode",
        description: html
          ? "PagerDuty answered with an HTML page where JSON was expected (a proxy or an outage page?)"
          : "PagerDuty answered with a body that is not valid JSON",
        method: facts.method,
        url: facts.url,
        status: facts.status,
        bodySnippet: snippet(facts.bodyText),
        cause
      })
    }
  }
}
