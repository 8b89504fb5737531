/**
 * `effect-pagerduty-fake`, the shell command: started as a user would (a child process), it prints its URLs and
 * keys, serves REST and Events requests from any HTTP client (here `fetch`), and stops cleanly on SIGINT (Ctrl-C)
 * and SIGTERM.
 */
import { assert, describe, it } from "@effect/vitest"
import { type ChildProcess, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"

const bin = fileURLToPath(new URL("../src/bin/effect-pagerduty-fake.ts", import.meta.url))

interface Running {
  readonly child: ChildProcess
  readonly output: () => string
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>
}

const start = (args: ReadonlyArray<string>): Running => {
  const child = spawn(process.execPath, ["--import", "tsx", bin, ...args], { stdio: ["ignore", "pipe", "pipe"] })
  let output = ""
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")))
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal }))
  )
  return { child, output: () => output, exited }
}

const waitFor = async (running: Running, pattern: RegExp): Promise<RegExpExecArray> => {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    const match = pattern.exec(running.output())
    if (match !== null) return match
    if (running.child.exitCode !== null) break
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`no ${pattern} in the output:\n${running.output()}`)
}

const stopsOn = async (signal: NodeJS.Signals) => {
  const running = start(["--port", "0", "--seed", "demo"])
  try {
    const [, url] = await waitFor(running, /^REST API: +(http:\/\/127\.0\.0\.1:\d+)$/m)
    const [, routingKey] = await waitFor(running, /^Routing keys: ([0-9a-f]{32})/m)
    assert.match(running.output(), /^API keys: +any non-empty key/m)
    assert.include(running.output(), `Events API: ${url}/v2/enqueue`)

    const users = await fetch(`${url}/users`, { headers: { authorization: "Token token=anything" } })
    assert.strictEqual(users.status, 200)
    const body = await users.json() as { readonly users: ReadonlyArray<{ readonly name: string }> }
    assert.include(body.users.map((user) => user.name), "Ada Lovelace")

    const event = await fetch(`${url}/v2/enqueue`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        routing_key: routingKey,
        event_action: "trigger",
        payload: { summary: "From the shell", source: "curl", severity: "critical" }
      })
    })
    assert.strictEqual(event.status, 202)
    const incidents = await fetch(`${url}/incidents`, { headers: { authorization: "Token token=anything" } })
    const listed = await incidents.json() as { readonly incidents: ReadonlyArray<{ readonly title: string }> }
    assert.deepStrictEqual(listed.incidents.map((incident) => incident.title), ["From the shell"])

    running.child.kill(signal)
    const exit = await running.exited
    assert.deepStrictEqual(exit, { code: 0, signal: null }, running.output())
    assert.include(running.output(), "Stopped.")
    // The port is closed.
    const refused = await fetch(`${url}/users`).then(() => "answered", () => "refused")
    assert.strictEqual(refused, "refused")
  } finally {
    if (running.child.exitCode === null) running.child.kill("SIGKILL")
  }
}

describe("effect-pagerduty-fake (the shell command)", () => {
  it("prints its URLs and keys, serves any client, stops on SIGINT", () => stopsOn("SIGINT"), 60_000)
  it("stops on SIGTERM", () => stopsOn("SIGTERM"), 60_000)

  it("refuses a bad option with its usage and status 2", async () => {
    const running = start(["--port", "not-a-port"])
    const exit = await running.exited
    assert.strictEqual(exit.code, 2)
    assert.include(running.output(), "--port must be")
  }, 60_000)
})
