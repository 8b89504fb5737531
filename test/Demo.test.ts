/**
 * `npm run demo` is the project's front door: it must run on a fresh machine, against the embedded fake, and exit 0.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { FakePagerDutyServer } from "effect-pagerduty/testing/server"
import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))

const runDemo = (extraEnv: Record<string, string> = {}) =>
  new Promise<{ readonly code: number | null; readonly stdout: string; readonly stderr: string }>((resolve) => {
    const env: Record<string, string | undefined> = { ...process.env }
    for (const key of Object.keys(env)) if (key.startsWith("PAGERDUTY_")) delete env[key]
    Object.assign(env, extraEnv)
    execFile(
      process.execPath,
      ["--import", "tsx", "examples/demo.ts"],
      { cwd: root, env, timeout: 90_000 },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : (error.code as number | null), stdout, stderr })
    )
  })

describe("npm run demo", () => {
  it("runs every flow against the embedded fake and exits 0", { timeout: 120_000 }, async () => {
    const { code, stderr, stdout } = await runDemo()
    expect(stderr).toBe("")
    expect(code).toBe(0)
    for (
      const line of [
        "no PAGERDUTY_API_KEY set, so running against the embedded fake",
        "== List users",
        "found P",
        "250/250 incidents (of 300)",
        "stopped at 250 of 300 on purpose: Stream.take(250) ends the stream there",
        "PDHTTPError caught: status 404",
        "triggered db-1: dedup_key",
        "-> acknowledged",
        "-> resolved",
        "change events recorded: 1",
        "PDClientError caught (InvalidInput)",
        "Done."
      ]
    ) expect(stdout).toContain(line)
    expect(stdout.match(/-> acknowledged/g)).toHaveLength(3)
    expect(stdout.match(/-> resolved/g)).toHaveLength(3)
  })

  it.live(
    "with PAGERDUTY_API_KEY, it names the base URL it talks to: here not PagerDuty's",
    () =>
      Effect.gen(function*() {
        const server = yield* FakePagerDutyServer
        const { code, stdout } = yield* Effect.promise(() =>
          runDemo({ PAGERDUTY_API_KEY: "demo-test-key", PAGERDUTY_REST_URL: server.url })
        )
        expect(stdout).toContain(
          `running the read-only flows against ${server.url} (a server that is not PagerDuty's (PAGERDUTY_REST_URL))`
        )
        expect(stdout).not.toContain("against PagerDuty")
        expect(code).toBe(0)
      }).pipe(Effect.provide(FakePagerDutyServer.layer())),
    120_000
  )
})
