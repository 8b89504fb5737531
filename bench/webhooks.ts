/**
 * `npx tsx bench/webhooks.ts`: the cost of receiving a webhook, against a baseline in the same run.
 *
 * 1. Signature verification of a 2 KB body (two secrets, two signatures: a rotation): `WebhookSignature.verify`
 *    (WebCrypto, run as an Effect) versus a hand-written `node:crypto` `createHmac` + `timingSafeEqual` loop.
 * 2. The whole receiver in memory (`WebhookHandler.make`: read, verify, decode, dedup, handler) versus verification
 *    alone, per delivery.
 *
 * Prints the medians of 5 runs of N operations and the ratios.
 */
import { HttpServerRequest } from "@effect/platform"
import { Effect, Logger, Redacted } from "effect"
import { WebhookHandler, WebhookSignature } from "effect-pagerduty/webhooks"
import { createHmac, timingSafeEqual } from "node:crypto"

const N = 2_000
const RUNS = 5
const OLD = "whsec-old-0123456789abcdef0123456789"
const NEW = "whsec-new-fedcba9876543210fedcba9876"
const secrets = [Redacted.make(OLD), Redacted.make(NEW)]

const event = (id: string) =>
  JSON.stringify({
    event: {
      id,
      event_type: "incident.triggered",
      resource_type: "incident",
      occurred_at: "2024-05-01T12:00:00.000Z",
      agent: { id: "PUSER01", type: "user_reference", summary: "Ada" },
      client: null,
      data: {
        id: "PINC001",
        type: "incident",
        status: "triggered",
        number: 1,
        title: "x".repeat(1800),
        service: { id: "PSVC001", type: "service_reference", summary: "Checkout" }
      }
    }
  })

const hmac = (secret: string, body: string) => createHmac("sha256", secret).update(body).digest("hex")
const header = (body: string) => `v1=${hmac(OLD, body)},v1=${hmac(NEW, body)}`

const median = (values: ReadonlyArray<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

const time = async (run: () => Promise<void>): Promise<number> => {
  await run() // warm-up
  const samples: Array<number> = []
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now()
    await run()
    samples.push(performance.now() - start)
  }
  return median(samples)
}

const bodies = Array.from({ length: N }, (_, i) => event(`01EVT${i}`))
const headers = bodies.map(header)

const baseline = () =>
  Promise.resolve().then(() => {
    for (let i = 0; i < N; i++) {
      const got = headers[i].split(",").map((part) => Buffer.from(part.slice(3), "hex"))
      let ok = false
      for (const secret of [OLD, NEW]) {
        const expected = createHmac("sha256", secret).update(bodies[i]).digest()
        for (const signature of got) {
          if (signature.length === expected.length && timingSafeEqual(signature, expected)) ok = true
        }
      }
      if (!ok) throw new Error("baseline failed")
    }
  })

const library = () =>
  Effect.runPromise(
    Effect.forEach(bodies, (body, i) => WebhookSignature.verify({ body, signature: headers[i], secrets }), {
      discard: true
    })
  )

const receiver = async () => {
  const app = await Effect.runPromise(WebhookHandler.make({ secrets, handle: () => Effect.void }))
  await Effect.runPromise(
    Effect.forEach(bodies, (body, i) => {
      const request = HttpServerRequest.fromWeb(
        new Request("http://localhost/pagerduty", {
          method: "POST",
          body,
          headers: { "content-type": "application/json", "x-pagerduty-signature": headers[i] }
        })
      )
      return Effect.flatMap(
        Effect.provideService(app, HttpServerRequest.HttpServerRequest, request),
        (response) => response.status === 204 ? Effect.void : Effect.die(`status ${response.status}`)
      )
    }, { discard: true }).pipe(Effect.provide(Logger.remove(Logger.defaultLogger)))
  )
}

const main = async () => {
  const base = await time(baseline)
  const verify = await time(library)
  const whole = await time(receiver)
  const per = (total: number) => `${((total / N) * 1000).toFixed(1)} µs`
  process.stdout.write(
    [
      `| ${N} deliveries, 2 KB, 2 secrets x 2 signatures | median of ${RUNS} | per delivery | ratio |`,
      "| --- | ---: | ---: | ---: |",
      `| node:crypto hand loop (baseline) | ${base.toFixed(1)} ms | ${per(base)} | 1.00 |`,
      `| WebhookSignature.verify (WebCrypto) | ${verify.toFixed(1)} ms | ${per(verify)} | ${
        (verify / base).toFixed(2)
      } |`,
      `| WebhookHandler (read, verify, decode, dedup) | ${whole.toFixed(1)} ms | ${per(whole)} | ${
        (whole / base).toFixed(2)
      } |`,
      ""
    ].join("\n")
  )
}

void main()
