/**
 * The parsed form of a request, shared by every route of the fake.
 *
 * @internal
 */
import type { FakeRequest } from "../../FakePagerDuty.js"
import { parseBody, type ParsedBody } from "./json.js"

/**
 * Query parameters: every key maps to its values in order. Keys are kept as sent (`statuses[]` stays `statuses[]`).
 *
 * @internal
 */
export class Query {
  constructor(readonly entries: ReadonlyMap<string, ReadonlyArray<string>>) {}

  /** The first value of a key. */
  get(key: string): string | undefined {
    const values = this.entries.get(key)
    return values === undefined ? undefined : values[0]
  }

  /** The values of an array parameter, sent as `key[]=a&key[]=b` (or, leniently, `key=a&key=b`). */
  getAll(key: string): ReadonlyArray<string> | undefined {
    return this.entries.get(`${key}[]`) ?? this.entries.get(key)
  }

  has(key: string): boolean {
    return this.entries.has(key)
  }

  /** A plain-object copy for the request log: keys ending in `[]` and repeated keys hold arrays. */
  toRecord(): Record<string, string | ReadonlyArray<string>> {
    const out: Record<string, string | ReadonlyArray<string>> = {}
    for (const [key, values] of this.entries) {
      out[key] = values.length === 1 && !key.endsWith("[]") ? values[0] : values
    }
    return out
  }
}

const emptyQuery = new Query(new Map())

const decodeComponent = (text: string): string => {
  const plain = text.indexOf("+") === -1 ? text : text.replace(/\+/g, " ")
  if (plain.indexOf("%") === -1) return plain
  try {
    return decodeURIComponent(plain)
  } catch {
    return plain
  }
}

/**
 * Parses `a=1&b[]=2&b[]=3` (form encoding: `+` is a space).
 *
 * @internal
 */
export const parseQuery = (search: string): Query => {
  if (search.length === 0) return emptyQuery
  const entries = new Map<string, Array<string>>()
  for (const part of search.split("&")) {
    if (part.length === 0) continue
    const eq = part.indexOf("=")
    const key = decodeComponent(eq >= 0 ? part.slice(0, eq) : part)
    const value = eq >= 0 ? decodeComponent(part.slice(eq + 1)) : ""
    const values = entries.get(key)
    if (values === undefined) entries.set(key, [value])
    else values.push(value)
  }
  return new Query(entries)
}

/** @internal */
export interface ParsedRequest {
  readonly method: string
  readonly url: string
  /** `scheme://host[:port]` of the URL the request was sent to. */
  readonly origin: string
  /** The path, percent-encoded as sent, without query or fragment. */
  readonly path: string
  readonly query: Query
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>
  readonly bodyText: string
  /** The body, parsed as JSON on first use. */
  body(): ParsedBody
}

const URL_PARTS = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*)?([^?#]*)(\?[^#]*)?/

const lowerCaseHeaders = (headers: Readonly<Record<string, string>>): Readonly<Record<string, string>> => {
  for (const key in headers) {
    if (key !== key.toLowerCase()) {
      const out: Record<string, string> = {}
      for (const name in headers) out[name.toLowerCase()] = headers[name]
      return out
    }
  }
  return headers
}

const firstValue = (header: string | undefined): string | undefined => {
  const value = header?.split(",")[0]?.trim()
  return value === undefined || value.length === 0 ? undefined : value
}

/** The origin a client sees behind a proxy or TLS front: `X-Forwarded-Proto` and `X-Forwarded-Host` honoured. */
const forwardedOrigin = (origin: string, headers: Readonly<Record<string, string>>): string => {
  const proto = firstValue(headers["x-forwarded-proto"])
  const host = firstValue(headers["x-forwarded-host"])
  if (proto === undefined && host === undefined) return origin
  const separator = origin.indexOf("://")
  const scheme = proto ?? origin.slice(0, separator)
  return `${scheme}://${host ?? origin.slice(separator + 3)}`
}

/**
 * Splits a request into its parts without `new URL` (this runs on every request of a benchmark).
 *
 * @internal
 */
export const parseRequest = (request: FakeRequest, publicOrigin?: string | undefined): ParsedRequest => {
  const match = URL_PARTS.exec(request.url)
  const headers = lowerCaseHeaders(request.headers)
  const origin = publicOrigin ?? forwardedOrigin(match?.[1] ?? "https://api.pagerduty.com", headers)
  const rawPath = match?.[2] ?? "/"
  const search = match?.[3]
  let parsed: ParsedBody | undefined
  const bodyText = request.body
  return {
    method: request.method.toUpperCase(),
    url: request.url,
    origin,
    path: rawPath.length === 0 ? "/" : rawPath,
    query: search === undefined ? emptyQuery : parseQuery(search.slice(1)),
    headers,
    bodyText,
    body: () => (parsed ??= parseBody(bodyText))
  }
}
