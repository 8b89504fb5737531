/**
 * `include[]`: PagerDuty expands the references a request names into the full records, in place (an incident's
 * `assignments[].assignee` become users with `include[]=assignees`, an on-call's `user` a user with
 * `include[]=users`, a user's `contact_methods` the contact methods with `include[]=contact_methods`, ...).
 *
 * A reference is resolved by its `self` URL (the record's collection and id), else by its `type`; one that resolves
 * to nothing stays a reference.
 *
 * @internal
 */
import { isObject, type JsonObject } from "./json.js"
import type { EngineState } from "./state.js"

/** Where each `include[]` value's references are, as field paths (`[]` steps into an array). */
const FIELDS: Readonly<Record<string, ReadonlyArray<ReadonlyArray<string>>>> = {
  assignees: [["assignments", "[]", "assignee"]],
  acknowledgers: [["acknowledgements", "[]", "acknowledger"]],
  agents: [["agent"]],
  services: [["service"], ["services", "[]"]],
  teams: [["teams", "[]"], ["team"]],
  escalation_policies: [["escalation_policy"], ["escalation_policies", "[]"]],
  users: [["user"], ["users", "[]"], ["users", "[]", "user"]],
  schedules: [["schedule"]],
  priorities: [["priority"]],
  first_trigger_log_entries: [["first_trigger_log_entry"]],
  incidents: [["incident"]],
  contact_methods: [["contact_methods", "[]"]],
  notification_rules: [["notification_rules", "[]"]],
  integrations: [["integrations", "[]"]],
  targets: [["escalation_rules", "[]", "targets", "[]"]],
  subscribers: [["subscribers", "[]"]]
}

/** Collections of top-level types. */
const COLLECTIONS: Readonly<Record<string, string>> = {
  user: "users",
  service: "services",
  team: "teams",
  escalation_policy: "escalation_policies",
  schedule: "schedules",
  priority: "priorities",
  incident: "incidents"
}

const SELF_PATH = /^[a-z][a-z0-9+.-]*:\/\/[^/]+\/(.+)\/([^/]+)$/i

const resolve = (state: EngineState, reference: JsonObject, origin: string): JsonObject | undefined => {
  const id = reference.id
  if (typeof id !== "string") return undefined
  let key: string | undefined
  const self = typeof reference.self === "string" ? SELF_PATH.exec(reference.self) : null
  if (self !== null && self[2] === id) key = self[1]
  const type = typeof reference.type === "string" ? reference.type.replace(/_reference$/, "") : ""
  if (type.endsWith("log_entry")) key = undefined
  const candidates = key === undefined ? [] : [key]
  if (type.endsWith("log_entry")) candidates.push("log_entries")
  const collection = COLLECTIONS[type]
  if (collection !== undefined) candidates.push(collection)
  for (const candidate of candidates) {
    const record = state.store.peek(candidate)?.get(id)
    if (record !== undefined) return state.present(candidate, record, origin)
  }
  return undefined
}

const expandAt = (
  state: EngineState,
  value: unknown,
  path: ReadonlyArray<string>,
  origin: string
): unknown => {
  if (path.length === 0) {
    return isObject(value) ? resolve(state, value, origin) ?? value : value
  }
  const [step, ...rest] = path
  if (step === "[]") return Array.isArray(value) ? value.map((item) => expandAt(state, item, rest, origin)) : value
  if (!isObject(value) || value[step] === undefined || value[step] === null) return value
  return { ...value, [step]: expandAt(state, value[step], rest, origin) }
}

/** The `include[]` values of a request that the fake expands. @internal */
export const includesOf = (values: ReadonlyArray<string> | undefined): ReadonlyArray<string> =>
  values === undefined ? [] : values.filter((value) => FIELDS[value] !== undefined)

/** A record (as presented) with the references of `includes` expanded. @internal */
export const expandIncludes = (
  state: EngineState,
  record: JsonObject,
  includes: ReadonlyArray<string>,
  origin: string
): JsonObject => {
  let out: unknown = record
  for (const include of includes) {
    for (const path of FIELDS[include] ?? []) out = expandAt(state, out, path, origin)
  }
  return out as JsonObject
}
