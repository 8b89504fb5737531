/**
 * The README's snippets and the install line cannot drift from the code: each is checked here against its source.
 */
import { describe, expect, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

const read = (file: string) => readFileSync(fileURLToPath(new URL(`../${file}`, import.meta.url)), "utf8")
const readme = read("README.md")
const packageJson: { readonly peerDependencies: Record<string, string> } = JSON.parse(read("package.json"))

/** The text of a README section (from its heading to the next heading of the same or a higher level). */
const section = (heading: string): string => {
  const start = readme.indexOf(`\n${heading}\n`)
  expect(start, `README section ${heading}`).toBeGreaterThan(-1)
  const level = heading.split(" ")[0]
  const rest = readme.slice(start + heading.length + 2)
  const next = rest.search(new RegExp(`^#{1,${level.length}} `, "m"))
  return next === -1 ? rest : rest.slice(0, next)
}

const codeBlocks = (text: string, language: string): Array<string> =>
  [...text.matchAll(new RegExp("```" + language + "\\n([\\s\\S]*?)```", "g"))].map((match) => match[1])

/** The text between `// <name>: begin` and `// <name>: end` in a file. */
const region = (file: string, name: string): string => {
  const text = read(file)
  const begin = `// ${name}: begin\n`
  const start = text.indexOf(begin)
  const end = text.indexOf(`// ${name}: end`)
  expect(start, `${file} region ${name}`).toBeGreaterThan(-1)
  return text.slice(start + begin.length, end)
}

describe("README", () => {
  it("the quick start's program is examples/quick-start.ts, which the examples test runs", () => {
    const [program] = codeBlocks(section("## Quick start"), "ts")
    expect(program).toBe(region("examples/quick-start.ts", "quick-start"))
  })

  it("shows one install line, pinning the peer dependencies' ranges and Effect 3's platform-node", () => {
    const lines = [...new Set(readme.split("\n").filter((line) => line.startsWith("npm install effect-pagerduty")))]
    expect(lines).toEqual([
      `npm install effect-pagerduty effect@${packageJson.peerDependencies.effect.replace(/\.0$/, "")} ` +
      `@effect/platform@${packageJson.peerDependencies["@effect/platform"].replace(/\.0$/, "")} ` +
      "@effect/platform-node@^0.108"
    ])
    expect(codeBlocks(section("## Quick start"), "sh")).toEqual([`${lines[0]}\n`])
    expect(codeBlocks(section("## Install"), "sh")).toEqual([`${lines[0]}\n`])
  })
})
