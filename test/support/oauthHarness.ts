/**
 * An in-memory PagerDuty for the OAuth tests: `/oauth/token` and `/oauth/authorize` are served by the fake's OAuth
 * module, every other path is a REST stub that accepts only live bearer tokens the fake issued.
 */
import { HttpClient, HttpClientResponse } from "@effect/platform"
import type { Duration } from "effect"
import { Clock, Effect, HashMap, Layer, Logger, LogLevel } from "effect"
import type { FakeResponse } from "../../src/FakePagerDuty.js"
import type { FakeOAuthClient } from "../../src/internal/fake/oauth.js"
import { checkBearer, FakeOAuth, handleOAuthAuthorize, handleOAuthToken } from "../../src/internal/fake/oauth.js"

export interface SentRequest {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

export interface Harness {
  readonly oauth: FakeOAuth
  readonly requests: Array<SentRequest>
  readonly tokenRequests: () => ReadonlyArray<SentRequest>
  readonly restRequests: () => ReadonlyArray<SentRequest>
  readonly layer: Layer.Layer<HttpClient.HttpClient>
  /** When set, the REST stub answers 401 whatever the token. */
  rejectAll: boolean
  /** When set, the token endpoint answers this instead. */
  tokenReply: FakeResponse | undefined
}

export const secret = "s3cr3t-CLIENT-secret-value"

export const appClient: FakeOAuthClient = {
  clientId: "app-client",
  clientSecret: secret,
  scopes: ["as_account-us.acme", "incidents.read", "users.read"]
}

export const userClient: FakeOAuthClient = {
  clientId: "user-client",
  clientSecret: "user-client-secret",
  redirectUris: ["https://app.example.com/callback"]
}

const decoder = new TextDecoder()

const json = (status: number, body: unknown): FakeResponse => ({
  _tag: "Response",
  status,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body)
})

export const makeHarness = (options: {
  readonly expiresIn?: Duration.DurationInput
  /** How long the token endpoint takes to answer (TestClock time). */
  readonly tokenLatency?: Duration.DurationInput
} = {}): Harness => {
  const oauth = new FakeOAuth({ clients: [appClient, userClient], expiresIn: options.expiresIn ?? "1 hour" })
  const requests: Array<SentRequest> = []
  const isToken = (request: SentRequest) => new URL(request.url).pathname === "/oauth/token"
  const harness: Harness = {
    oauth,
    requests,
    tokenRequests: () => requests.filter(isToken),
    restRequests: () => requests.filter((request) => !new URL(request.url).pathname.startsWith("/oauth/")),
    layer: Layer.succeed(
      HttpClient.HttpClient,
      HttpClient.make((request, url) =>
        Effect.gen(function*() {
          const headers: Record<string, string> = { ...request.headers }
          let body = ""
          if (request.body._tag === "Uint8Array") {
            body = decoder.decode(request.body.body)
            headers["content-type"] = request.body.contentType
          }
          const sent: SentRequest = { method: request.method, url: url.toString(), headers, body }
          requests.push(sent)
          const parsed = { method: sent.method, url: sent.url, headers, bodyText: body }
          let reply: FakeResponse
          if (url.pathname === "/oauth/token") {
            if (options.tokenLatency !== undefined) yield* Effect.sleep(options.tokenLatency)
            reply = harness.tokenReply ?? (yield* handleOAuthToken(oauth, parsed, yield* Clock.currentTimeMillis))
          } else if (url.pathname === "/oauth/authorize") {
            reply = handleOAuthAuthorize(oauth, parsed, yield* Clock.currentTimeMillis)
          } else {
            const check = checkBearer(oauth, headers.authorization, yield* Clock.currentTimeMillis)
            reply = check === "Valid" && !harness.rejectAll
              ? json(200, { users: [] })
              : json(401, { error: { message: "Unauthorized", code: 2006 } })
          }
          return HttpClientResponse.fromWeb(
            request,
            new Response(reply.body === "" ? null : reply.body, { status: reply.status, headers: reply.headers })
          )
        })
      )
    ),
    rejectAll: false,
    tokenReply: undefined
  }
  return harness
}

/** A logger that keeps every line (message and annotations), at every level. */
export const captureLogs = () => {
  const lines: Array<string> = []
  const logger = Logger.make(({ annotations, message }) => {
    lines.push(JSON.stringify({ message, annotations: Array.from(HashMap.toEntries(annotations)) }))
  })
  const layer = Layer.merge(Logger.add(logger), Logger.minimumLogLevel(LogLevel.All))
  return { lines, layer }
}
