/**
 * The in-memory fake (`effect-pagerduty/testing`) needs no Node built-in, so browser-mode and edge-runtime tests can
 * import it: its import graph, bundled for the browser by esbuild (vitest's bundler), reaches no `node:` module, even
 * through a dynamic import. The loopback server's entry (`effect-pagerduty/testing/server`) does, which proves the
 * check can fail.
 */
import { assert, describe, it } from "@effect/vitest"
import * as esbuild from "esbuild"
import { fileURLToPath } from "node:url"

const entry = (file: string) => fileURLToPath(new URL(`../src/${file}`, import.meta.url))

/** The Node built-ins an entry's bundle for the browser would need (esbuild marks them external). */
const nodeImports = async (file: string): Promise<ReadonlyArray<string>> => {
  const result = await esbuild.build({
    entryPoints: [entry(file)],
    bundle: true,
    write: false,
    platform: "browser",
    format: "esm",
    metafile: true,
    logLevel: "silent",
    // Built-ins that slip through would fail the build for the browser; kept external to list them instead.
    external: ["node:*"]
  })
  const imports = Object.values(result.metafile.inputs).flatMap((input) => input.imports)
  return [...new Set(imports.map((i) => i.path).filter((path) => path.startsWith("node:")))].sort()
}

describe("the testing entries' Node built-ins", () => {
  it("effect-pagerduty/testing bundles for the browser without any node: import", async () => {
    assert.deepStrictEqual(await nodeImports("testing.ts"), [])
  }, 60_000)

  it("effect-pagerduty/testing/server needs node:http", async () => {
    assert.include(await nodeImports("testing/server.ts"), "node:http")
  }, 60_000)
})
