/**
 * Keeps credentials out of any text that came from elsewhere (a transport error's message, an error body that echoes
 * the request, a stack trace) before it reaches an error message, a log line, a span event or a `cause`.
 *
 * Pure and Effect-free. Two passes:
 *
 * 1. every known secret of the request (the `Authorization` value, the API key or token inside it, a routing key, an
 *    OAuth client secret, code, verifier or refresh token), in the forms it may be printed in (as is, URL-encoded,
 *    form-encoded, JSON-escaped), is replaced by {@link redactedMark};
 * 2. whatever still looks like a credential is replaced too: the value after `Token token=`, `Bearer ` or `Basic `,
 *    and the value of a `routing_key`, `client_secret`, `access_token`, `refresh_token`, `code_verifier`,
 *    `api_key` or `password` field, in JSON or form encoding (an OAuth code is a known secret of its request).
 *
 * @internal
 */

/** What a credential is replaced with. @internal */
export const redactedMark = "<redacted>"

/** Secrets shorter than this are only caught by the patterns (replacing "ab" everywhere would garble the text). */
const minimumSecretLength = 6

const fieldNames = "routing_key|integration_key|client_secret|access_token|refresh_token|id_token|code_verifier|" +
  "api_key|apikey|password|authorization"

const schemes = /\b(Token\s+token=|Bearer\s+|Basic\s+)[^\s"'<>,;\\]+/gi

/** `name=value` in a form or a query string. */
const formFields = new RegExp(`(\\b(?:${fieldNames}|token)=)[^&\\s"'<>\\\\]+`, "gi")

/** `"name": "value"` in JSON, also when the JSON is itself quoted (`\"name\":\"value\"`) or single-quoted. */
const jsonFields = new RegExp(`(\\\\?["'](?:${fieldNames}|token)\\\\?["']\\s*:\\s*\\\\?["'])[^"'\\\\]*`, "gi")

const variants = (secret: string): Array<string> => {
  const out = new Set<string>([secret])
  try {
    out.add(encodeURIComponent(secret))
  } catch {
    // a lone surrogate cannot be URL-encoded: the other forms still apply
  }
  out.add(new URLSearchParams([["", secret]]).toString().slice(1))
  out.add(JSON.stringify(secret).slice(1, -1))
  out.add(JSON.stringify(JSON.stringify(secret).slice(1, -1)).slice(1, -1))
  return [...out].filter((variant) => variant.length >= minimumSecretLength)
}

/**
 * The secrets worth searching for in text: each given one, and for an `Authorization` value also the credential
 * after its scheme.
 *
 * @internal
 */
export const expandSecrets = (secrets: ReadonlyArray<string | undefined>): Array<string> => {
  const out = new Set<string>()
  for (const secret of secrets) {
    if (typeof secret !== "string" || secret.length < minimumSecretLength) continue
    out.add(secret)
    const credential = /^(?:Token\s+token=|Bearer\s+|Basic\s+)(.+)$/is.exec(secret)
    if (credential !== null && credential[1].length >= minimumSecretLength) out.add(credential[1])
  }
  // The longest first, so that a secret containing another is replaced whole.
  return [...out].sort((a, b) => b.length - a.length)
}

/**
 * The text with every credential replaced by {@link redactedMark}.
 *
 * @internal
 */
export const scrubText = (text: string, secrets: ReadonlyArray<string | undefined> = []): string => {
  let out = text
  for (const secret of expandSecrets(secrets)) {
    for (const variant of variants(secret)) {
      if (out.includes(variant)) out = out.split(variant).join(redactedMark)
    }
  }
  return out
    .replace(schemes, (_, scheme: string) => `${scheme}${redactedMark}`)
    .replace(formFields, (_, name: string) => `${name}${redactedMark}`)
    .replace(jsonFields, (_, name: string) => `${name}${redactedMark}`)
}

/**
 * Whether the text mentions one of these secrets (in any printed form).
 *
 * @internal
 */
export const mentionsSecret = (text: string, secrets: ReadonlyArray<string | undefined>): boolean =>
  expandSecrets(secrets).some((secret) => variants(secret).some((variant) => text.includes(variant)))

const describeValue = (value: unknown): string => {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return Object.prototype.toString.call(value)
  }
}

/**
 * A copy of a foreign error (or any thrown value) that is safe to keep as a `cause`: an `Error` becomes a plain
 * `Error` with the same name and `code`, its message, stack and nested causes scrubbed; any other object becomes its
 * scrubbed text. Objects the platform attaches (the request, with its headers and body) are not kept.
 *
 * @internal
 */
export const scrubCause = (cause: unknown, secrets: ReadonlyArray<string | undefined> = [], depth = 0): unknown => {
  if (cause === undefined || cause === null || typeof cause === "number" || typeof cause === "boolean") return cause
  if (typeof cause === "string") return scrubText(cause, secrets)
  if (cause instanceof Error) {
    const copy = new Error(scrubText(String(cause.message), secrets))
    copy.name = typeof cause.name === "string" ? scrubText(cause.name, secrets) : "Error"
    copy.stack = typeof cause.stack === "string" ? scrubText(cause.stack, secrets) : `${copy.name}: ${copy.message}`
    const code = (cause as { readonly code?: unknown }).code
    if (typeof code === "string" || typeof code === "number") {
      Object.defineProperty(copy, "code", { value: code, enumerable: true })
    }
    const inner = (cause as { readonly cause?: unknown }).cause
    if (inner !== undefined && depth < 4) {
      Object.defineProperty(copy, "cause", { value: scrubCause(inner, secrets, depth + 1), enumerable: false })
    }
    return copy
  }
  return scrubText(describeValue(cause), secrets)
}

/**
 * The message of a thrown value, scrubbed: for text built from a foreign error.
 *
 * @internal
 */
export const scrubbedMessage = (cause: unknown, secrets: ReadonlyArray<string | undefined> = []): string =>
  scrubText(
    cause instanceof Error ? String(cause.message) : typeof cause === "string" ? cause : describeValue(cause),
    secrets
  )
