/**
 * The second half of `npm run docs`. `@effect/docgen` documents functions, constants, classes and their static
 * METHODS, but not `static readonly` PROPERTIES, which are the entry points users need most (`RestApi.layer`,
 * `FakePagerDuty.server`, `RetryPolicy.default`, ...). This script, run after docgen with the same `docgen.json`:
 *
 * 1. finds every public static property of every exported class of the documented modules (docgen's `srcDir` minus
 *    its `exclude`);
 * 2. fails, naming each one, when its doc comment lacks a description, an `@example` or an `@since`;
 * 3. type-checks every such example with docgen's `examplesCompilerOptions` (an error names the member);
 * 4. appends a "Static members" section to the module's page in `docs/modules/` (signature, description, example).
 *
 * `tsx scripts/docs-static-members.ts --check` does 1 to 3 only (no docgen output needed).
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"

const root = fileURLToPath(new URL("..", import.meta.url))

interface DocgenConfig {
  readonly srcDir: string
  readonly outDir: string
  readonly exclude: ReadonlyArray<string>
  readonly examplesCompilerOptions: Record<string, unknown>
}

/** A public static property of an exported class, with its documentation. */
export interface StaticMember {
  readonly module: string
  readonly file: string
  readonly className: string
  readonly name: string
  readonly signature: string
  readonly description: string
  readonly examples: ReadonlyArray<string>
  readonly since: string | undefined
  readonly line: number
}

/** Matches docgen's `exclude` globs (`**` any directories, `*` any name part). */
const globToRegExp = (glob: string): RegExp =>
  new RegExp(
    "^" +
      glob.split("**/").map((part) => part.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")).join(
        "(?:.*/)?"
      ) + "$"
  )

/** The modules docgen documents: every `.ts` file under `srcDir` not matched by `exclude`, relative to the root. */
export const documentedModules = (config: DocgenConfig): Array<string> => {
  const excluded = config.exclude.map(globToRegExp)
  return fs.readdirSync(path.join(root, config.srcDir), { recursive: true, encoding: "utf8" })
    .map((file) => path.posix.join(config.srcDir, file.split(path.sep).join("/")))
    .filter((file) => file.endsWith(".ts") && !excluded.some((pattern) => pattern.test(file)))
    .sort()
}

const commentText = (comment: string | ts.NodeArray<ts.JSDocComment> | undefined): string =>
  typeof comment === "string" ? comment : comment === undefined ? "" : ts.getTextOfJSDocComment(comment) ?? ""

/** The code of an `@example`: the fenced block's content, or the whole text when unfenced. */
const exampleCode = (text: string): string => {
  const fenced = /```(?:ts|typescript)?\n([\s\S]*?)```/.exec(text)
  return (fenced === null ? text : fenced[1]).trim() + "\n"
}

const isPublicStatic = (member: ts.ClassElement): member is ts.PropertyDeclaration =>
  ts.isPropertyDeclaration(member) &&
  (ts.getCombinedModifierFlags(member) & ts.ModifierFlags.Static) !== 0 &&
  (ts.getCombinedModifierFlags(member) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) === 0 &&
  !ts.isPrivateIdentifier(member.name)

/** Every public static property of every exported class of a module. */
export const staticMembers = (file: string): Array<StaticMember> => {
  const text = fs.readFileSync(path.join(root, file), "utf8")
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true)
  const module = path.basename(file)
  const out: Array<StaticMember> = []
  for (const statement of source.statements) {
    if (!ts.isClassDeclaration(statement) || statement.name === undefined) continue
    if ((ts.getCombinedModifierFlags(statement) & ts.ModifierFlags.Export) === 0) continue
    for (const member of statement.members) {
      if (!isPublicStatic(member)) continue
      const docs = ts.getJSDocCommentsAndTags(member).filter(ts.isJSDoc)
      const tags = docs.flatMap((doc) => [...(doc.tags ?? [])])
      const typeText = member.type?.getText(source)
      const initializer = member.initializer !== undefined && ts.isArrowFunction(member.initializer)
        ? `${
          member.initializer.parameters.length === 0
            ? "()"
            : `(${member.initializer.parameters.map((p) => p.getText(source)).join(", ")})`
        }${member.initializer.type === undefined ? "" : `: ${member.initializer.type.getText(source)}`}`
        : undefined
      out.push({
        module,
        file,
        className: statement.name.text,
        name: member.name.getText(source),
        signature: `static readonly ${member.name.getText(source)}${
          typeText !== undefined ? `: ${typeText}` : initializer !== undefined ? ` = ${initializer} => ...` : ""
        }`,
        description: docs.map((doc) => commentText(doc.comment)).join("\n").trim(),
        examples: tags.filter((tag) => tag.tagName.text === "example").map((tag) =>
          exampleCode(commentText(tag.comment))
        ),
        since: tags.find((tag) => tag.tagName.text === "since")?.comment?.toString(),
        line: source.getLineAndCharacterOfPosition(member.getStart(source)).line + 1
      })
    }
  }
  return out
}

const label = (member: StaticMember) =>
  `${member.className}.${member.name} (static property, ${member.file}:${member.line})`

/** What is missing from a member's documentation, one message per omission. */
export const missingDocs = (members: ReadonlyArray<StaticMember>): Array<string> =>
  members.flatMap((member) => [
    ...(member.description === "" ? [`Missing description: ${label(member)}`] : []),
    ...(member.examples.length === 0 ? [`Missing @example: ${label(member)}`] : []),
    ...(member.since === undefined ? [`Missing @since: ${label(member)}`] : [])
  ])

const exampleFileName = (member: StaticMember, index: number) =>
  `${member.module.replace(/\.ts$/, "")}-${member.className}-static-${member.name}-${index}.ts`

/** Type-checks every example with docgen's options (and its `effect-pagerduty` paths); one message per error. */
export const typeCheckExamples = (
  members: ReadonlyArray<StaticMember>,
  config: DocgenConfig,
  dir: string
): Array<string> => {
  fs.rmSync(dir, { recursive: true, force: true })
  fs.mkdirSync(dir, { recursive: true })
  const owners = new Map<string, StaticMember>()
  for (const member of members) {
    member.examples.forEach((code, index) => {
      const file = path.join(dir, exampleFileName(member, index))
      // A module of its own, like docgen's example files.
      fs.writeFileSync(file, `${code}\nexport {}\n`)
      owners.set(path.resolve(file), member)
    })
  }
  const { examplesCompilerOptions } = config
  const paths = examplesCompilerOptions.paths as Record<string, Array<string>> | undefined
  const options = ts.convertCompilerOptionsFromJson(
    {
      ...examplesCompilerOptions,
      noEmit: true,
      // docgen's paths are relative to its examples directory (`<outDir>/examples`); here they are absolute.
      paths: Object.fromEntries(
        Object.entries(paths ?? {}).map((
          [name, targets]
        ) => [name, targets.map((target) => path.resolve(root, config.outDir, "examples", target))])
      )
    },
    root
  )
  if (options.errors.length > 0) {
    return options.errors.map((error) => ts.flattenDiagnosticMessageText(error.messageText, "\n"))
  }
  const program = ts.createProgram([...owners.keys()], {
    ...options.options,
    typeRoots: [path.join(root, "node_modules/@types")]
  })
  return ts.getPreEmitDiagnostics(program).flatMap((diagnostic) => {
    const file = diagnostic.file === undefined ? undefined : path.resolve(diagnostic.file.fileName)
    const owner = file === undefined ? undefined : owners.get(file)
    if (owner === undefined) return []
    const position = diagnostic.start === undefined || diagnostic.file === undefined
      ? ""
      : `:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1}`
    return [
      `Example of ${label(owner)} does not type-check (${path.basename(file ?? "")}${position}): ${
        ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")
      }`
    ]
  })
}

/** The markdown section appended to a module's page. */
export const renderSection = (members: ReadonlyArray<StaticMember>): string =>
  [
    "",
    "# Static members",
    "",
    "Static properties of the classes above (docgen lists static methods only; `npm run docs` adds these and",
    "type-checks their examples).",
    "",
    ...members.flatMap((member) => [
      `## ${member.className}.${member.name}`,
      "",
      member.description,
      "",
      "**Signature**",
      "",
      "```ts",
      member.signature,
      "```",
      "",
      ...member.examples.flatMap((code) => ["**Example**", "", "```ts", code.trimEnd(), "```", ""]),
      `Added in v${member.since ?? "?"}`,
      ""
    ])
  ].join("\n")

const main = (): void => {
  const check = process.argv.includes("--check")
  const config: DocgenConfig = JSON.parse(fs.readFileSync(path.join(root, "docgen.json"), "utf8"))
  const modules = documentedModules(config)
  const members = modules.flatMap(staticMembers)
  const problems = [
    ...missingDocs(members),
    ...typeCheckExamples(members, config, path.join(root, config.outDir, "examples-static"))
  ]
  fs.rmSync(path.join(root, config.outDir, "examples-static"), { recursive: true, force: true })
  if (problems.length > 0) {
    console.error(`docs: ${problems.length} problem(s) with the static members of the public classes:`)
    for (const problem of problems) console.error(`  ${problem}`)
    process.exitCode = 1
    return
  }
  if (!check) {
    for (const file of new Set(members.map((member) => member.file))) {
      // docgen's page of a module mirrors its path under `srcDir` (`src/api/TypedDecoding.ts` -> `api/...`).
      const page = path.join(root, config.outDir, "modules", `${path.posix.relative(config.srcDir, file)}.md`)
      if (!fs.existsSync(page)) {
        console.error(`docs: ${page} is missing: run docgen first`)
        process.exitCode = 1
        return
      }
      const current = fs.readFileSync(page, "utf8").split("\n# Static members\n")[0]
      fs.writeFileSync(page, current.trimEnd() + "\n" + renderSection(members.filter((m) => m.file === file)))
    }
  }
  console.log(
    `docs: ${members.length} static members of ${
      new Set(members.map((m) => `${m.module}#${m.className}`)).size
    } classes documented, ${members.reduce((n, m) => n + m.examples.length, 0)} examples type-checked`
  )
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main()
