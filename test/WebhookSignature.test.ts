/**
 * Signature verification against vectors computed here with Node's `crypto` (independently of the WebCrypto code
 * under test), and the decoding of the open event union.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Either, Redacted } from "effect"
import { WebhookEvent, WebhookSignature } from "effect-pagerduty/webhooks"
import { createHmac } from "node:crypto"
import { readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const SECRET = "whsec-test-0123456789abcdef"
const OTHER = "whsec-rotated-fedcba9876543210"
const BODY = "{\"event\":{\"id\":\"01FAKEEVENT\",\"event_type\":\"pagey.ping\",\"resource_type\":\"pagey\"," +
  "\"occurred_at\":\"2024-05-01T12:00:00.000Z\",\"agent\":null,\"client\":null," +
  "\"data\":{\"message\":\"Hello from your friend Pagey! ünïcödé\",\"type\":\"ping\"}}}"

const nodeHmac = (secret: string, body: string | Buffer) => createHmac("sha256", secret).update(body).digest("hex")

const outcome = (body: string | Uint8Array, signature: string | undefined, secrets: ReadonlyArray<string>) =>
  WebhookSignature.verify({ body, signature, secrets: secrets.map((secret) => Redacted.make(secret)) }).pipe(
    Effect.match({ onFailure: (error) => error.reason, onSuccess: () => "Valid" as const })
  )

describe("WebhookSignature.verify", () => {
  it.effect("accepts the signature Node's crypto computes (UTF-8 body, as bytes and as text)", () =>
    Effect.gen(function*() {
      const signature = `v1=${nodeHmac(SECRET, BODY)}`
      assert.strictEqual(yield* outcome(BODY, signature, [SECRET]), "Valid")
      assert.strictEqual(yield* outcome(new TextEncoder().encode(BODY), signature, [SECRET]), "Valid")
      // Upper-case hex is the same signature.
      assert.strictEqual(yield* outcome(BODY, signature.toUpperCase().replace("V1=", "v1="), [SECRET]), "Valid")
    }))

  it.effect("computes the same signature as Node's crypto", () =>
    Effect.gen(function*() {
      const header = yield* WebhookSignature.sign(BODY, [Redacted.make(SECRET), Redacted.make(OTHER)])
      assert.strictEqual(header, `v1=${nodeHmac(SECRET, BODY)},v1=${nodeHmac(OTHER, BODY)}`)
    }))

  it.effect("accepts any of several comma-separated signatures", () =>
    Effect.gen(function*() {
      const header = `v1=${nodeHmac("someone-else", BODY)}, v1=${nodeHmac(SECRET, BODY)}`
      assert.strictEqual(yield* outcome(BODY, header, [SECRET]), "Valid")
    }))

  it.effect("rotation: a header signed with the old or the new secret passes with both configured", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* outcome(BODY, `v1=${nodeHmac(SECRET, BODY)}`, [OTHER, SECRET]), "Valid")
      assert.strictEqual(yield* outcome(BODY, `v1=${nodeHmac(OTHER, BODY)}`, [OTHER, SECRET]), "Valid")
      assert.strictEqual(yield* outcome(BODY, `v1=${nodeHmac(OTHER, BODY)}`, [SECRET]), "Mismatch")
    }))

  it.effect("a body changed by one byte does not match", () =>
    Effect.gen(function*() {
      const signature = `v1=${nodeHmac(SECRET, BODY)}`
      const bytes = new TextEncoder().encode(BODY)
      bytes[bytes.length - 3] ^= 1
      assert.strictEqual(yield* outcome(bytes, signature, [SECRET]), "Mismatch")
      // Re-serialised JSON (same data, other bytes) does not match either.
      assert.strictEqual(yield* outcome(JSON.stringify(JSON.parse(BODY), null, 1), signature, [SECRET]), "Mismatch")
    }))

  it.effect("a missing or blank header is Missing", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* outcome(BODY, undefined, [SECRET]), "Missing")
      assert.strictEqual(yield* outcome(BODY, "  ", [SECRET]), "Missing")
    }))

  it.effect("a header with only other versions (v0=) or no hex is Malformed", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* outcome(BODY, `v0=${nodeHmac(SECRET, BODY)}`, [SECRET]), "Malformed")
      assert.strictEqual(yield* outcome(BODY, "v1=not-hex", [SECRET]), "Malformed")
      assert.strictEqual(yield* outcome(BODY, nodeHmac(SECRET, BODY), [SECRET]), "Malformed")
    }))

  it.effect("a signature one byte longer (or shorter) does not match", () =>
    Effect.gen(function*() {
      const hex = nodeHmac(SECRET, BODY)
      assert.strictEqual(yield* outcome(BODY, `v1=${hex}00`, [SECRET]), "Mismatch")
      assert.strictEqual(yield* outcome(BODY, `v1=${hex.slice(0, -2)}`, [SECRET]), "Mismatch")
    }))

  it.effect("no error, log or span names the secret", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        WebhookSignature.verify({ body: BODY, signature: "v1=00", secrets: Redacted.make(SECRET) })
      )
      const shown = `${String(error)} ${JSON.stringify(error)} ${error.message}`
      assert.notInclude(shown, SECRET)
      assert.strictEqual(error._tag, "WebhookSignatureError")
    }))
})

describe("WebhookEvent.decode", () => {
  const envelope = (eventType: string, data: unknown) =>
    JSON.stringify({
      event: {
        id: "01EVT",
        event_type: eventType,
        resource_type: eventType.split(".")[0],
        occurred_at: "2024-05-01T12:00:00.000Z",
        agent: { id: "PUSER01", type: "user_reference", summary: "Ada" },
        client: { name: "PagerDuty" },
        data
      }
    })

  it.effect("types the documented events by data shape", () =>
    Effect.gen(function*() {
      const incident = yield* WebhookEvent.decode(
        envelope("incident.triggered", { id: "PINC001", type: "incident", status: "triggered", number: 2, extra: 1 })
      )
      assert.strictEqual(incident._tag, "Incident")
      if (incident._tag === "Incident") {
        assert.strictEqual(incident.data.number, 2)
        // Undocumented fields are kept.
        assert.strictEqual(incident.data.extra, 1)
      }
      const note = yield* WebhookEvent.decode(
        envelope("incident.annotated", {
          type: "incident_note",
          content: "hi",
          incident: { id: "PINC001", type: "incident_reference" }
        })
      )
      assert.strictEqual(note._tag, "IncidentNote")
      const ping = yield* WebhookEvent.decode(BODY)
      assert.strictEqual(ping._tag, "Ping")
      const service = yield* WebhookEvent.decode(envelope("service.deleted", { id: "PSVC", type: "service" }))
      assert.strictEqual(service._tag, "Service")
    }))

  it.effect("an unknown event type is an Unknown event, not an error", () =>
    Effect.gen(function*() {
      const event = yield* WebhookEvent.decode(envelope("incident.workflow.started", { type: "workflow" }))
      assert.strictEqual(event._tag, "Unknown")
      assert.strictEqual(event.event_type, "incident.workflow.started")
      assert.deepStrictEqual(event.data, { type: "workflow" })
    }))

  it.effect("a known type with invalid data, non-JSON, or no envelope is a WebhookPayloadError", () =>
    Effect.gen(function*() {
      const invalid = yield* Effect.either(WebhookEvent.decode(envelope("incident.triggered", { id: 1 })))
      assert.isTrue(Either.isLeft(invalid) && invalid.left.reason === "InvalidEvent")
      const text = yield* Effect.either(WebhookEvent.decode("nope"))
      assert.isTrue(Either.isLeft(text) && text.left.reason === "InvalidJson")
      const empty = yield* Effect.either(WebhookEvent.decode("{}"))
      assert.isTrue(Either.isLeft(empty) && empty.left.reason === "InvalidEvent")
    }))
})

describe("runtime independence", () => {
  // Walks the relative value imports of a module (type-only imports are erased); collects every bare import.
  const importsOf = (entry: string): Set<string> => {
    const seen = new Set<string>()
    const external = new Set<string>()
    const visit = (file: string) => {
      if (seen.has(file)) return
      seen.add(file)
      // Without comments (doc examples import the package).
      const source = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "")
      for (const match of source.matchAll(/^(?:import|export)\s(?!type\s)[^"']*?from\s+["']([^"']+)["']/gm)) {
        const specifier = match[1]
        if (specifier.startsWith(".")) visit(join(dirname(file), specifier.replace(/\.js$/, ".ts")))
        else external.add(specifier)
      }
    }
    visit(fileURLToPath(new URL(entry, import.meta.url)))
    return external
  }

  it("the webhooks entry and the fake's webhook sender import no Node built-in", () => {
    for (const entry of ["../src/webhooks.ts", "../src/internal/fake/webhooks.ts"]) {
      const external = [...importsOf(entry)]
      assert.deepStrictEqual(external.filter((specifier) => specifier.startsWith("node:")), [], entry)
      const others = external.filter((specifier) => !/^(effect\/|@effect\/platform\/)/.test(specifier))
      assert.deepStrictEqual(others, [], entry)
    }
  })
})
