/**
 * The OAuth tests' PagerDuty: a `FakePagerDuty` (its OAuth identity service and REST API, accepting only the tokens it
 * issued) behind its in-memory `HttpClient`, with every request recorded as sent. The fake's own request log redacts
 * secrets and bearer tokens; these tests assert on them, so the harness keeps them.
 */
import { HttpClient } from "@effect/platform"
import type { Duration } from "effect"
import { Effect, HashMap, Layer, Logger, LogLevel } from "effect"
import type { FakeOAuthClient, FakePagerDutyService, FakeReply, FakeRequest } from "../../src/FakePagerDuty.js"
import { FakeFault, FakePagerDuty } from "../../src/FakePagerDuty.js"

export type SentRequest = FakeRequest

export interface Harness {
  /** The fake behind the client: its controls (`revokeOAuthTokens`, `injectFault`, ...). */
  readonly fake: FakePagerDutyService
  /** Every request, as sent (secrets and tokens included). */
  readonly requests: ReadonlyArray<SentRequest>
  readonly tokenRequests: () => ReadonlyArray<SentRequest>
  /** The requests to the REST API (neither `/oauth/token` nor `/oauth/authorize`). */
  readonly restRequests: () => ReadonlyArray<SentRequest>
  /** The access tokens of the successful answers to token requests, in order. */
  readonly issuedTokens: () => ReadonlyArray<string>
  /** Whether the REST API accepts this `Authorization` header now (by the caller's clock). */
  readonly accepts: (authorization: string) => Effect.Effect<boolean>
  /** From now on the REST API answers 401, whatever the token. */
  readonly rejectRest: Effect.Effect<void>
  /** From now on the token endpoint answers this instead. */
  readonly replyToTokenRequests: (
    status: number,
    body: unknown,
    headers?: Readonly<Record<string, string>>
  ) => Effect.Effect<void>
  readonly layer: Layer.Layer<HttpClient.HttpClient>
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

const pathOf = (request: SentRequest) => new URL(request.url).pathname

const accessTokenOf = (reply: FakeReply): string | undefined => {
  if (reply._tag !== "Response" || reply.status !== 200) return undefined
  let body: unknown
  try {
    body = JSON.parse(reply.body)
  } catch {
    return undefined
  }
  if (typeof body !== "object" || body === null || !("access_token" in body)) return undefined
  return typeof body.access_token === "string" ? body.access_token : undefined
}

export const makeHarness = (options: {
  readonly expiresIn?: Duration.DurationInput
  /** How long the token endpoint takes to answer (TestClock time). */
  readonly tokenLatency?: Duration.DurationInput
} = {}): Effect.Effect<Harness> =>
  Effect.map(
    FakePagerDuty.make({
      apiKeys: [],
      oauth: { clients: [appClient, userClient], expiresIn: options.expiresIn ?? "1 hour" }
    }),
    (fake) => {
      const requests: Array<SentRequest> = []
      const issued: Array<string> = []
      const handle = (request: FakeRequest): Effect.Effect<FakeReply> => {
        requests.push(request)
        if (pathOf(request) !== "/oauth/token") return fake.handle(request)
        const reply = Effect.tap(fake.handle(request), (reply) => {
          const token = accessTokenOf(reply)
          if (token !== undefined) issued.push(token)
        })
        return options.tokenLatency === undefined ? reply : Effect.zipRight(Effect.sleep(options.tokenLatency), reply)
      }
      return {
        fake,
        requests,
        tokenRequests: () => requests.filter((request) => pathOf(request) === "/oauth/token"),
        restRequests: () => requests.filter((request) => !pathOf(request).startsWith("/oauth/")),
        issuedTokens: () => issued.slice(),
        accepts: (authorization) =>
          Effect.map(
            fake.handle({
              method: "GET",
              url: "https://api.pagerduty.com/users",
              headers: { authorization },
              body: ""
            }),
            (reply) => reply._tag === "Response" && reply.status === 200
          ),
        rejectRest: fake.injectFault(FakeFault.status(401), { path: /^\/(?!oauth\/)/, times: Infinity }),
        replyToTokenRequests: (status, body, headers) =>
          fake.injectFault(FakeFault.status(status, { body, headers }), { path: "/oauth/token", times: Infinity }),
        layer: Layer.succeed(HttpClient.HttpClient, FakePagerDuty.httpClient({ ...fake, handle }))
      }
    }
  )

/** A logger that keeps every line (message and annotations), at every level. */
export const captureLogs = () => {
  const lines: Array<string> = []
  const logger = Logger.make(({ annotations, message }) => {
    lines.push(JSON.stringify({ message, annotations: Array.from(HashMap.toEntries(annotations)) }))
  })
  const layer = Layer.merge(Logger.add(logger), Logger.minimumLogLevel(LogLevel.All))
  return { lines, layer }
}
