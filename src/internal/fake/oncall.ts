/**
 * Who is on call, computed from the escalation policies and schedules in the store (as PagerDuty computes
 * `GET /oncalls` and the assignees of a new incident):
 *
 * - a schedule's on-call user at a time is the user of an override covering it (`schedules/{id}/overrides`), else the
 *   user whose turn it is on the schedule's highest layer that covers it (layers later in `schedule_layers` win, as
 *   PagerDuty renders them): turns of `rotation_turn_length_seconds` (default one day) from
 *   `rotation_virtual_start` (default the layer's `start`), over the layer's `users` in order, between its `start`
 *   and `end`. Layer `restrictions` are not applied (the whole turn counts);
 * - an escalation rule's on-call users are its user targets, and for each schedule target the schedule's on-call
 *   user;
 * - a new incident is assigned to the on-call users of its escalation policy's first rule.
 *
 * @internal
 */
import { idOf, isObject, isoSeconds, type JsonObject, parseTime } from "./json.js"
import type { EngineState } from "./state.js"

/** A user on call on a schedule, for a window (`null`: unbounded). @internal */
export interface ScheduleShift {
  readonly user: JsonObject
  readonly start: string | null
  readonly end: string | null
}

const DAY_SECONDS = 86_400

const userById = (state: EngineState, id: string | undefined): JsonObject | undefined =>
  id === undefined ? undefined : state.store.peek("users")?.get(id)

const layerShift = (state: EngineState, layer: JsonObject, at: number): ScheduleShift | undefined => {
  const users = Array.isArray(layer.users) ? layer.users : []
  if (users.length === 0) return undefined
  const start = parseTime(layer.start)
  const end = parseTime(layer.end)
  if ((start !== undefined && at < start) || (end !== undefined && at >= end)) return undefined
  const origin = parseTime(layer.rotation_virtual_start) ?? start ?? 0
  const turn = (typeof layer.rotation_turn_length_seconds === "number" && layer.rotation_turn_length_seconds > 0 ?
    layer.rotation_turn_length_seconds :
    DAY_SECONDS) * 1000
  const index = Math.floor((at - origin) / turn)
  const member = users[((index % users.length) + users.length) % users.length]
  // Layer members are `{user: <reference>}` (the documented form) or bare references.
  const user = userById(state, idOf(isObject(member) && isObject(member.user) ? member.user : member))
  if (user === undefined) return undefined
  const turnStart = Math.max(origin + index * turn, start ?? -Infinity)
  const turnEnd = Math.min(origin + (index + 1) * turn, end ?? Infinity)
  return { user, start: isoSeconds(turnStart), end: isoSeconds(turnEnd) }
}

/** The user on call on a schedule at a time. @internal */
export const scheduleShift = (state: EngineState, scheduleId: string, at: number): ScheduleShift | undefined => {
  const overrides = state.store.peek(`schedules/${scheduleId}/overrides`)
  if (overrides !== undefined) {
    for (let i = overrides.size - 1; i >= 0; i--) {
      const override = overrides.at(i)
      const start = parseTime(override.start)
      const end = parseTime(override.end)
      if (start === undefined || end === undefined || at < start || at >= end) continue
      const user = userById(state, idOf(override.user))
      if (user !== undefined) return { user, start: isoSeconds(start), end: isoSeconds(end) }
    }
  }
  const schedule = state.store.peek("schedules")?.get(scheduleId)
  if (schedule === undefined) return undefined
  const layers = Array.isArray(schedule.schedule_layers) ? schedule.schedule_layers : []
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i]
    if (!isObject(layer)) continue
    const shift = layerShift(state, layer, at)
    if (shift !== undefined) return shift
  }
  return undefined
}

/** One on-call entry of a policy's rule (before presentation). @internal */
export interface OnCall {
  readonly user: JsonObject
  readonly level: number
  readonly scheduleId: string | undefined
  readonly start: string | null
  readonly end: string | null
}

const isSchedule = (type: unknown): boolean => typeof type === "string" && type.startsWith("schedule")

/** The users on call for one rule of a policy (`level` ≥ 1). @internal */
export const ruleOnCalls = (state: EngineState, rule: JsonObject, level: number, at: number): Array<OnCall> => {
  const out: Array<OnCall> = []
  const targets = Array.isArray(rule.targets) ? rule.targets : []
  for (const target of targets) {
    if (!isObject(target)) continue
    const id = idOf(target)
    if (id === undefined) continue
    if (isSchedule(target.type)) {
      const shift = scheduleShift(state, id, at)
      if (shift !== undefined) out.push({ user: shift.user, level, scheduleId: id, start: shift.start, end: shift.end })
    } else {
      const user = userById(state, id)
      if (user !== undefined) out.push({ user, level, scheduleId: undefined, start: null, end: null })
    }
  }
  return out
}

/** Every on-call entry of a policy, level by level. @internal */
export const policyOnCalls = (state: EngineState, policy: JsonObject, at: number): Array<OnCall> => {
  const rules = Array.isArray(policy.escalation_rules) ? policy.escalation_rules : []
  return rules.flatMap((rule, i) => isObject(rule) ? ruleOnCalls(state, rule, i + 1, at) : [])
}

/**
 * The assignments of a new incident: the on-call users of its escalation policy's first rule, once each.
 *
 * @internal
 */
export const initialAssignments = (
  state: EngineState,
  policyId: string | undefined,
  now: number,
  origin: string
): Array<JsonObject> => {
  const policy = policyId === undefined ? undefined : state.store.peek("escalation_policies")?.get(policyId)
  const rules = policy !== undefined && Array.isArray(policy.escalation_rules) ? policy.escalation_rules : []
  const first = rules[0]
  if (!isObject(first)) return []
  const seen = new Set<string>()
  const at = isoSeconds(now)
  const out: Array<JsonObject> = []
  for (const onCall of ruleOnCalls(state, first, 1, now)) {
    const id = onCall.user.id as string
    if (seen.has(id)) continue
    seen.add(id)
    out.push({ at, assignee: state.reference("users", onCall.user, origin) })
  }
  return out
}

/**
 * The on-call entries `GET /oncalls` lists, at a time: seeded `oncalls` records first, then every policy's computed
 * entries.
 *
 * @internal
 */
export const computeOnCalls = (state: EngineState, at: number, origin: string): Array<JsonObject> => {
  const out: Array<JsonObject> = []
  const seeded = state.store.peek("oncalls")
  if (seeded !== undefined) out.push(...seeded.toArray())
  const policies = state.store.peek("escalation_policies")
  if (policies === undefined || policies.isGenerated) return out
  for (let i = 0; i < policies.size; i++) {
    const policy = policies.at(i)
    for (const onCall of policyOnCalls(state, policy, at)) {
      const schedule = onCall.scheduleId === undefined ?
        undefined :
        state.store.peek("schedules")?.get(onCall.scheduleId)
      out.push({
        escalation_policy: state.reference("escalation_policies", policy, origin),
        escalation_level: onCall.level,
        schedule: schedule === undefined ? null : state.reference("schedules", schedule, origin),
        user: state.reference("users", onCall.user, origin),
        start: onCall.start,
        end: onCall.end
      })
    }
  }
  return out
}
