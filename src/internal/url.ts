/** @internal */
import * as Either from "effect/Either"
import { PDClientError } from "../PagerDutyError.js"

/**
 * A resource: a path relative to the base URL, a full URL on the base URL's origin, or an object with a `self` URL
 * (as PagerDuty returns entities). (Public through `RestApi`'s `ResourceUrl`.)
 */
export type ResourceUrl = string | { readonly self: string }

/** @internal */
export interface ParsedBase {
  readonly base: string
  readonly origin: string
  /** The base's path without a trailing slash ("" for a bare origin). */
  readonly path: string
}

/** @internal */
export const parseBase = (base: string): ParsedBase => {
  const url = new URL(base)
  return {
    base: `${url.origin}${url.pathname.replace(/\/+$/, "")}`,
    origin: url.origin,
    path: url.pathname.replace(/\/+$/, "")
  }
}

const invalid = (description: string, method: string | undefined, url: string | undefined) =>
  new PDClientError({
    reason: "InvalidUrl",
    description,
    ...(method !== undefined ? { method } : {}),
    ...(url !== undefined ? { url } : {})
  })

/**
 * Resolves a resource against the base. An absolute URL must be on the base's origin (scheme, host and port
 * compared exactly) and under its path (on a segment boundary); anything else is refused before any byte is sent,
 * so the `Authorization` header can never reach another host.
 *
 * @internal
 */
export const resolveUrl = (
  base: ParsedBase,
  resource: ResourceUrl,
  method?: string
): Either.Either<string, PDClientError> => {
  let input: unknown = resource
  if (typeof resource === "object" && resource !== null) {
    input = (resource as { readonly self?: unknown }).self
    if (typeof input !== "string") {
      return Either.left(
        invalid("The object given in place of a URL has no string \"self\" property", method, undefined)
      )
    }
  }
  if (typeof input !== "string") {
    return Either.left(invalid("The URL must be a string or an object with a \"self\" URL", method, undefined))
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(input)) {
    let url: URL
    try {
      url = new URL(input)
    } catch {
      return Either.left(invalid(`Cannot parse the URL ${JSON.stringify(input)}`, method, undefined))
    }
    const display = `${url.origin}${url.pathname}`
    if (url.origin !== base.origin) {
      return Either.left(
        invalid(
          `Refusing to send a request to ${url.origin}: it is not the configured API origin ${base.origin}`,
          method,
          display
        )
      )
    }
    if (!underBasePath(base, url.pathname)) {
      return Either.left(
        invalid(`The URL is not under the configured API base URL ${base.base}`, method, display)
      )
    }
    return Either.right(url.href)
  }
  const relative = input.startsWith("/") ? input.slice(1) : input
  const joined = `${base.base}/${relative}`
  // The client normalises the path (`..`, `%2e%2e`, `\\`) before sending: the normalised form must stay under the
  // base, as an absolute URL must. Only a path with a dot, a percent sign or a backslash can climb (this runs on
  // every request).
  if (!/[.%\\]/.test(relative)) return Either.right(joined)
  let url: URL
  try {
    url = new URL(joined)
  } catch {
    return Either.left(invalid(`Cannot parse the URL ${JSON.stringify(input)}`, method, undefined))
  }
  if (url.origin !== base.origin || !underBasePath(base, url.pathname)) {
    return Either.left(
      invalid(
        `The relative URL ${JSON.stringify(input)} leaves the configured API base URL ${base.base}`,
        method,
        `${url.origin}${url.pathname}`
      )
    )
  }
  return Either.right(joined)
}

/** Whether a (normalised) path is the base path or under it, on a segment boundary. */
const underBasePath = (base: ParsedBase, pathname: string): boolean =>
  base.path === "" || pathname === base.path || pathname.startsWith(`${base.path}/`)

/**
 * The path of an absolute URL relative to the base (with a leading slash, without query or hash).
 *
 * @internal
 */
export const relativePath = (base: ParsedBase, absolute: string): string => {
  const end = absolute.search(/[?#]/)
  const withoutQuery = end === -1 ? absolute : absolute.slice(0, end)
  const path = withoutQuery.slice(base.origin.length)
  const rest = base.path !== "" && path.startsWith(base.path) ? path.slice(base.path.length) : path
  return rest === "" ? "/" : rest
}
