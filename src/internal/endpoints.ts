/**
 * Canonical paths and entity wrappers, from the generated endpoint table. The client calls these on every request, so
 * the table is indexed once, lazily: a segment trie for `canonicalPath` and a `"METHOD path"` map for lookups.
 *
 * @internal
 */
import * as Option from "effect/Option"
import { endpoints, templates } from "./endpoints.generated.js"
import type { EndpointEntry } from "./endpointTypes.js"

/**
 * The request and response wrappers of an operation.
 *
 * @internal
 */
export interface EntityWrappers {
  readonly request: Option.Option<string>
  readonly response: Option.Option<string>
}

// ---------------------------------------------------------------------------------------------------------------------
// Inflection
// ---------------------------------------------------------------------------------------------------------------------

/**
 * Whether a path segment is a template placeholder such as `{id}`.
 *
 * @internal
 */
export const isPathParam = (segment: string): boolean =>
  segment.length > 2 && segment.charCodeAt(0) === 123 /* { */ && segment.charCodeAt(segment.length - 1) === 125 /* } */

/**
 * The singular of a plural resource name: `escalation_policies` → `escalation_policy`, `services` → `service`,
 * `addresses` → `address`, `statuses` → `status`. Unlike pdpyras (Python's `rstrip("s")`, which turns `address` into
 * `addre`), it removes at most one `s`, and leaves words ending in `ss`, `us` or `is` alone.
 *
 * @internal
 */
export const singularName = (name: string): string => {
  if (name.length > 3 && name.endsWith("ies")) return `${name.slice(0, -3)}y`
  if (name.endsWith("sses") || name.endsWith("tuses")) return name.slice(0, -2)
  if (name.endsWith("ss") || name.endsWith("us") || name.endsWith("is")) return name
  if (name.length > 1 && name.endsWith("s")) return name.slice(0, -1)
  return name
}

/**
 * The plural of a resource name: `escalation_policy` → `escalation_policies`, `service` → `services`, `status` →
 * `statuses`, `key` → `keys`. A `_reference` suffix is dropped first (`user_reference` → `users`), as in pdpyras.
 *
 * @internal
 */
export const pluralName = (name: string): string => {
  const base = name.endsWith("_reference") ? name.slice(0, -"_reference".length) : name
  if (base.length > 1 && base.endsWith("y") && !/[aeiou]y$/.test(base)) return `${base.slice(0, -1)}ies`
  if (/(s|x|z|ch|sh)$/.test(base)) return `${base}es`
  return `${base}s`
}

// ---------------------------------------------------------------------------------------------------------------------
// Canonical paths
// ---------------------------------------------------------------------------------------------------------------------

interface TrieNode {
  readonly literals: Map<string, TrieNode>
  param: TrieNode | undefined
  template: string | undefined
}

const makeNode = (): TrieNode => ({ literals: new Map(), param: undefined, template: undefined })

interface Index {
  readonly root: TrieNode
  readonly maxDepth: number
  readonly byKey: ReadonlyMap<string, { readonly entry: EndpointEntry; readonly wrappers: EntityWrappers }>
}

let index: Index | undefined

const buildIndex = (): Index => {
  const root = makeNode()
  let maxDepth = 0
  const byKey = new Map<string, { readonly entry: EndpointEntry; readonly wrappers: EntityWrappers }>()
  for (const entry of endpoints) {
    byKey.set(`${entry.method} ${entry.path}`, {
      entry,
      wrappers: {
        request: Option.fromNullable(entry.requestWrapper),
        response: Option.fromNullable(entry.responseWrapper)
      }
    })
  }
  // All the spec's templates, including path items without operations (`/incidents/count`), so that such a path
  // still wins over a placeholder sibling (`/incidents/{id}`).
  for (const template of templates) {
    const segments = template.split("/").slice(1)
    maxDepth = Math.max(maxDepth, segments.length)
    let node = root
    for (const segment of segments) {
      if (isPathParam(segment)) {
        node = node.param ??= makeNode()
      } else {
        let next = node.literals.get(segment)
        if (next === undefined) {
          next = makeNode()
          node.literals.set(segment, next)
        }
        node = next
      }
    }
    // Two templates differing only in placeholder names would share a node: the first one wins (the spec has none).
    node.template ??= template
  }
  return { root, maxDepth, byKey }
}

const getIndex = (): Index => (index ??= buildIndex())

/**
 * Depth-first, literal child before placeholder child: the first template found is the most specific one, i.e. at the
 * first position where two candidates differ, the one with a literal segment wins.
 */
const matchSegments = (node: TrieNode, segments: ReadonlyArray<string>, i: number): string | undefined => {
  if (i === segments.length) return node.template
  const literal = node.literals.get(segments[i])
  if (literal !== undefined) {
    const found = matchSegments(literal, segments, i + 1)
    if (found !== undefined) return found
  }
  return node.param === undefined ? undefined : matchSegments(node.param, segments, i + 1)
}

const SCHEME_AND_AUTHORITY = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/

/** Percent-decodes one path segment; a malformed escape is kept as is. @internal */
export const decodeSegment = (segment: string): string => {
  if (segment.indexOf("%") === -1) return segment
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

/**
 * The canonical path template of a URL or path: `users/P1`, `/users/P1` and `https://api.pagerduty.com/users/P1?x=1`
 * all give `/users/{id}`. `None` when no template of the table matches.
 *
 * - A full URL loses its scheme and authority (the caller checks the origin); `?query` and `#fragment` are ignored.
 * - One trailing slash is ignored: `/users/` is `/users` (pdpyras matched it to `/users/{id}` through an empty
 *   segment). Empty segments (`/users//P1`, or a second trailing slash) never match.
 * - Segments are percent-decoded before matching (`/users/%6De` is `/users/me`); an encoded `/` (`%2F`) stays inside
 *   its segment; a malformed escape is compared as is.
 * - A placeholder matches any non-empty segment. When several templates match, the most specific wins: at the first
 *   position where they differ, a literal segment beats a placeholder (`/users/me` over `/users/{id}`,
 *   `/services/{id}/rules/convert` over `/services/{id}/rules/{rule_id}`).
 * - Never throws.
 *
 * @internal
 */
export const canonicalPath = (url: string): Option.Option<string> => {
  if (typeof url !== "string") return Option.none()
  let path = url
  const authority = SCHEME_AND_AUTHORITY.exec(path)
  if (authority !== null) path = path.slice(authority[0].length)
  let end = path.length
  for (let i = 0; i < end; i++) {
    const c = path.charCodeAt(i)
    if (c === 63 /* ? */ || c === 35 /* # */) end = i
  }
  const start = path.charCodeAt(0) === 47 /* / */ ? 1 : 0
  if (end > start && path.charCodeAt(end - 1) === 47) end--
  if (end <= start) return Option.none()
  const { maxDepth, root } = getIndex()
  const segments = path.slice(start, end).split("/", maxDepth + 1)
  if (segments.length > maxDepth) return Option.none()
  for (let i = 0; i < segments.length; i++) {
    if (segments[i] === "") return Option.none()
    segments[i] = decodeSegment(segments[i])
  }
  return Option.fromNullable(matchSegments(root, segments, 0))
}

// ---------------------------------------------------------------------------------------------------------------------
// Lookups and wrappers
// ---------------------------------------------------------------------------------------------------------------------

/**
 * The table entry of an operation. `method` is case-insensitive; `path` is a canonical template (`/users/{id}`).
 *
 * @internal
 */
export const lookupEndpoint = (method: string, path: string): Option.Option<EndpointEntry> => {
  const found = getIndex().byKey.get(`${method.toUpperCase()} ${path}`)
  return found === undefined ? Option.none() : Option.some(found.entry)
}

const noWrappers: EntityWrappers = { request: Option.none(), response: Option.none() }

/**
 * pdpyras's inference rule for a path outside the table (§4.3): the last node a placeholder → the singular of the node
 * before it; a POST → the singular of the last node; otherwise the last node verbatim. The same name applies to the
 * request and the response.
 *
 * @internal
 */
export const inferEntityWrapper = (method: string, path: string): Option.Option<string> => {
  const nodes = path.split("/").filter((node) => node !== "")
  const last = nodes[nodes.length - 1]
  if (last === undefined) return Option.none()
  if (isPathParam(last)) {
    const previous = nodes[nodes.length - 2]
    return previous === undefined || isPathParam(previous) ? Option.none() : Option.some(singularName(previous))
  }
  return Option.some(method.toUpperCase() === "POST" ? singularName(last) : last)
}

/**
 * The request and response wrappers of an operation: from the table when it has the operation, otherwise inferred
 * (see {@link inferEntityWrapper}).
 *
 * @internal
 */
export const entityWrappers = (method: string, canonicalPath: string): EntityWrappers => {
  const found = getIndex().byKey.get(`${method.toUpperCase()} ${canonicalPath}`)
  if (found !== undefined) return found.wrappers
  const inferred = inferEntityWrapper(method, canonicalPath)
  return Option.isNone(inferred) ? noWrappers : { request: inferred, response: inferred }
}

/**
 * The endpoint table.
 *
 * @internal
 */
export { endpoints }
