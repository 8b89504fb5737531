/**
 * Replies and PagerDuty's error bodies.
 *
 * @internal
 */
import type { FakeResponse } from "../../FakePagerDuty.js"

/** The `content-type` of PagerDuty's JSON responses. @internal */
export const JSON_CONTENT_TYPE = "application/json; charset=utf-8"

/** @internal */
export const jsonReply = (status: number, body: unknown, headers?: Readonly<Record<string, string>>): FakeResponse => ({
  _tag: "Response",
  status,
  headers: headers === undefined ?
    { "content-type": JSON_CONTENT_TYPE } :
    { "content-type": JSON_CONTENT_TYPE, ...headers },
  body: JSON.stringify(body)
})

/** @internal */
export const emptyReply = (status: number): FakeResponse => ({ _tag: "Response", status, headers: {}, body: "" })

/**
 * PagerDuty's REST error body: `{"error":{"message","code","errors"?}}`.
 *
 * @internal
 */
export const restError = (
  status: number,
  message: string,
  code: number,
  errors?: ReadonlyArray<string>
): FakeResponse => jsonReply(status, { error: errors === undefined ? { message, code } : { message, code, errors } })

/** 400, code 2001. @internal */
export const invalidInput = (...errors: ReadonlyArray<string>): FakeResponse =>
  restError(400, "Invalid Input Provided", 2001, errors)

/** 404, code 2100 (PagerDuty's "Not Found"). @internal */
export const notFound = (): FakeResponse => restError(404, "Not Found", 2100)

/** 401, code 2006. @internal */
export const unauthorized = (): FakeResponse => restError(401, "Unauthorized", 2006)

/** 429, code 2020. @internal */
export const rateLimited = (): FakeResponse => restError(429, "Rate Limit Exceeded", 2020)

/**
 * The 400 PagerDuty answers when `offset + limit` passes 10,000 (wording as the live API returns it, quoted in
 * faros-ai/airbyte-connectors#991 and cloudquery/cloudquery#12750).
 *
 * @internal
 */
export const offsetCeiling = (): FakeResponse =>
  restError(400, "Arguments Caused Error", 2002, [
    "Offset+limit exceeds maximum allowed value of 10000. Please try to refine your search to reduce the returned " +
    "set of records below this number, like adding a date range."
  ])

/** 400 when a `From` header is required but absent. @internal */
export const fromRequired = (): FakeResponse =>
  invalidInput("You must specify a user's email address in the \"From\" header to perform this action.")

/** 406 when the `Accept` header asks for something PagerDuty does not serve. @internal */
export const notAcceptable = (accept: string): FakeResponse =>
  restError(406, "Not Acceptable", 2001, [
    `Unsupported Accept header "${accept}": use application/vnd.pagerduty+json;version=2 or application/json.`
  ])

/** The default body of an error status injected as a fault. @internal */
export const defaultErrorBody = (status: number): unknown => {
  switch (status) {
    case 400:
      return { error: { message: "Invalid Input Provided", code: 2001 } }
    case 401:
      return { error: { message: "Unauthorized", code: 2006 } }
    case 403:
      return { error: { message: "Forbidden", code: 2010 } }
    case 404:
      return { error: { message: "Not Found", code: 2100 } }
    case 429:
      return { error: { message: "Rate Limit Exceeded", code: 2020 } }
    default:
      return status >= 500 ?
        { error: { message: "Internal Server Error", code: 2000 } } :
        { error: { message: `HTTP ${status}`, code: 2000 } }
  }
}

/** Events API v2: `{"status":"invalid event","message":"Event object is invalid","errors":[...]}`. @internal */
export const invalidEvent = (errors: ReadonlyArray<string>): FakeResponse =>
  jsonReply(400, { status: "invalid event", message: "Event object is invalid", errors })

/** Events API v2: the body is not a JSON object. @internal */
export const unrecognizedEvent = (): FakeResponse =>
  jsonReply(400, {
    status: "Unrecognized object",
    message: "Event object format is unrecognized",
    errors: ["JSON parse error"]
  })
