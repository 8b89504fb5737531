/**
 * The rule every outgoing header must pass before a request is built: pure, Effect-free, shared by the REST, Events,
 * Change Events and OAuth paths (through the executor) and by the configuration checks.
 *
 * A value is accepted when every layer accepts it: `Headers.append` (fetch, undici) refuses NUL, CR, LF and
 * characters above U+00FF; `node:http` also refuses the other control characters and DEL. The intersection is
 * horizontal tab, printable ASCII and U+0080–U+00FF. A name must be an HTTP token (RFC 9110).
 *
 * A problem names the header and says what is allowed; it never quotes the value (it may be a credential).
 *
 * @internal
 */

const tokenName = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** Tab, printable ASCII or Latin-1: what `Headers.append` and `node:http` both accept (a regular expression is several
 * times faster than a loop over the characters, and this runs on every request). */
const safeValue = /^[\t\x20-\x7e\x80-\xff]*$/

const isSafeValue = (value: string): boolean => safeValue.test(value)

/** What is wrong with one header, without its value. @internal */
export interface HeaderProblem {
  /** The header name as given (truncated when it is not a valid name). */
  readonly header: string
  readonly description: string
}

const displayName = (name: string): string =>
  tokenName.test(name) ? name : JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name)

/** Whether every HTTP client layer sends this value as is. @internal */
export const isValidHeaderValue = (value: string): boolean => isSafeValue(value)

/** Why this character is refused, in words, without quoting the value. @internal */
export const describeInvalidValue = (value: string): string => {
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0
    if (code === 0x0a || code === 0x0d) return "contains a line break (CR or LF)"
    if (code === 0) return "contains a NUL character"
    if (code < 0x20 && code !== 0x09) return `contains a control character (U+${code.toString(16).padStart(4, "0")})`
    if (code === 0x7f) return "contains a DEL character"
    if (code > 0xff) return "contains a character outside Latin-1 (above U+00FF)"
  }
  return "is not a valid header value"
}

/** The allowed characters, in words, for messages. @internal */
export const allowedValue =
  "allowed: printable ASCII, tab and Latin-1 (U+0080–U+00FF); no line breaks or control characters"

/**
 * The problem with one header value, or `undefined` when every HTTP client layer would send it as is.
 *
 * @internal
 */
export const headerValueProblem = (name: string, value: unknown): HeaderProblem | undefined => {
  if (typeof value !== "string") {
    return { header: displayName(name), description: `the ${displayName(name)} header value must be a string` }
  }
  if (isSafeValue(value)) return undefined
  return {
    header: displayName(name),
    description: `the ${displayName(name)} header value ${describeInvalidValue(value)} (${allowedValue})`
  }
}

/**
 * The first problem among these headers (names and values), or `undefined` when all are valid.
 *
 * @internal
 */
export const headersProblem = (headers: Readonly<Record<string, unknown>>): HeaderProblem | undefined => {
  for (const name of Object.keys(headers)) {
    if (!tokenName.test(name)) {
      return {
        header: displayName(name),
        description: `the header name ${displayName(name)} is not a valid HTTP header name (letters, digits and ` +
          "!#$%&'*+-.^_`|~ only)"
      }
    }
    const problem = headerValueProblem(name, headers[name])
    if (problem !== undefined) return problem
  }
  return undefined
}
