/**
 * The state every request of one client shares: PagerDuty's rate-limit hold (a 429, or `ratelimit-remaining: 0`, says
 * the window is spent until `ratelimit-reset`) and, after a hold, the gate that lets ONE call go first and releases
 * the others only when it gets an answer that is not a 429, so that concurrent calls do not all walk into the next
 * window's 429s (the thundering herd).
 *
 * One gate is built per `PagerDuty.layer` and shared by `RestApi`, `EventsApi`, `ChangeEventsApi` and the OAuth token
 * requests; a service built alone makes its own. State is kept per lane (`rest`, `events`, `oauth`): PagerDuty
 * limits each API separately.
 *
 * The executor calls the gate at two points of every attempt, and nowhere else:
 *
 * - {@link RequestGateService.awaitTurn} right before the attempt is sent;
 * - {@link RequestGateService.observe} after it, with the answer's status and headers (or `undefined` when no answer
 *   came: transport failure, timeout, interruption);
 *
 * and {@link RequestGateService.leave} once when the call ends, however it ends.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberId from "effect/FiberId"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { holdMillis } from "./retryDecision.js"
import type { TurnLimits } from "./retryDecision.js"

/** The lanes PagerDuty limits separately. @internal */
export type GateLane = "rest" | "events" | "oauth"

/** Who asks for a turn: one call (all its attempts share the ticket). @internal */
export interface GateTicket {
  readonly lane: GateLane
  /** Unique per call: the call that goes first after a hold keeps that place across its own retries. */
  readonly call: number
  /** `METHOD canonical-path`, for logs. */
  readonly endpoint: string
}

/** The answer of one attempt, as the gate sees it. @internal */
export interface GateAnswer {
  readonly status: number
  readonly headers: Readonly<Record<string, string | undefined>>
}

/** The gate's reply to {@link RequestGateService.awaitTurn}. @internal */
export type Turn =
  /** Send now. `waitedMs`: time spent waiting at the gate (it counts toward the call's rate-limit budget). */
  | { readonly _tag: "Go"; readonly waitedMs: number }
  /**
   * Waiting would pass the limits: do not send. `holdMs` is the hold still to wait when that is what is too long
   * (longer than `limits.holdMs`, or past `limits.totalMs`), `undefined` when the wait for the call that went first
   * ran past `limits.totalMs`.
   */
  | { readonly _tag: "Refused"; readonly holdMs: number | undefined; readonly waitedMs: number }

/** @internal */
export interface RequestGateService {
  /**
   * HOOK 1, right before each attempt is sent: waits out the lane's rate-limit hold and, after one, for this call's
   * turn (one call goes first; the others wait for its answer). Refuses at once a hold longer than `limits.holdMs`
   * (`maxServerWait`), and never waits more than `limits.totalMs` (what is left of the call's budget) in all.
   */
  readonly awaitTurn: (ticket: GateTicket, limits: TurnLimits) => Effect.Effect<Turn>
  /**
   * HOOK 2, after each attempt: the answer's status and headers (`ratelimit-remaining`, `ratelimit-reset`), or
   * `undefined` when no answer came. A 429 or a spent window sets the hold; an answer that is not a 429 to the call
   * that went first releases the others.
   */
  readonly observe: (ticket: GateTicket, answer: GateAnswer | undefined) => Effect.Effect<void>
  /** When the call ends: if it was the one going first, another waiting call takes its place. */
  readonly leave: (ticket: GateTicket) => Effect.Effect<void>
  /** A fresh call id for a ticket. */
  readonly nextCall: Effect.Effect<number>
}

interface LaneState {
  /** Epoch millis before which nothing is sent. */
  holdUntil: number
  /** Set by a hold; cleared by a non-429 answer to the first call. */
  gated: boolean
  /** The call that goes first while gated. */
  leader: number | undefined
  /** Completed (and replaced) whenever waiting calls should look again. */
  changed: Deferred.Deferred<void>
}

/**
 * A gate with its own state.
 *
 * @internal
 */
export const makeRequestGate: Effect.Effect<RequestGateService> = Effect.sync(() => {
  const lanes = new Map<GateLane, LaneState>()
  let calls = 0

  const laneOf = (lane: GateLane): LaneState => {
    let state = lanes.get(lane)
    if (state === undefined) {
      state = { holdUntil: 0, gated: false, leader: undefined, changed: Deferred.unsafeMake<void>(FiberId.none) }
      lanes.set(lane, state)
    }
    return state
  }

  /** Wakes every waiting call of the lane so it looks at the state again. */
  const wake = (state: LaneState) =>
    Effect.suspend(() => {
      const previous = state.changed
      state.changed = Deferred.unsafeMake<void>(FiberId.none)
      return Deferred.succeed(previous, undefined)
    })

  // Every hook reads the state when it RUNS, not when it is called: `Effect.ensuring(gate.leave(ticket))` builds the
  // effect before the call starts, when the call is never the one going first.
  const awaitTurn = (ticket: GateTicket, limits: TurnLimits): Effect.Effect<Turn> =>
    Effect.suspend(() => {
      const state = lanes.get(ticket.lane)
      // The fast path, on every request: this lane was never held.
      if (state === undefined || (!state.gated && state.holdUntil === 0)) return Effect.succeed(go0)
      return waitTurn(state, ticket, limits)
    })

  const waitTurn = (state: LaneState, ticket: GateTicket, limits: TurnLimits): Effect.Effect<Turn> =>
    Effect.gen(function*() {
      const started = yield* Clock.currentTimeMillis
      while (true) {
        const now = yield* Clock.currentTimeMillis
        const waited = now - started
        if (state.holdUntil > now) {
          const hold = state.holdUntil - now
          if (hold > limits.holdMs || waited + hold > limits.totalMs) {
            return { _tag: "Refused", holdMs: hold, waitedMs: waited } as const
          }
          yield* Effect.sleep(Duration.millis(hold))
          continue
        }
        if (!state.gated || state.leader === ticket.call) return { _tag: "Go", waitedMs: waited } as const
        if (state.leader === undefined) {
          state.leader = ticket.call
          return { _tag: "Go", waitedMs: waited } as const
        }
        // Another call went first: wait for its answer (or for it to leave), within what is left of the limit.
        const woken = yield* Deferred.await(state.changed).pipe(
          Effect.timeout(Duration.millis(Math.max(0, limits.totalMs - waited))),
          Effect.option
        )
        if (Option.isNone(woken)) {
          return { _tag: "Refused", holdMs: undefined, waitedMs: (yield* Clock.currentTimeMillis) - started } as const
        }
      }
    })

  const observe = (ticket: GateTicket, answer: GateAnswer | undefined): Effect.Effect<void> =>
    Effect.suspend(() => observeNow(ticket, answer))

  const observeNow = (ticket: GateTicket, answer: GateAnswer | undefined): Effect.Effect<void> => {
    const state = lanes.get(ticket.lane)
    const hold = answer === undefined ? undefined : holdMillis(answer.status, answer.headers)
    if (hold === undefined && answer?.status !== 429) {
      // The usual case: nothing to change unless this call went first after a hold.
      if (state === undefined || state.leader !== ticket.call) return Effect.void
      if (answer === undefined) {
        // No answer: someone else may try.
        state.leader = undefined
        return wake(state)
      }
      state.gated = false
      state.leader = undefined
      return wake(state)
    }
    return Effect.flatMap(Clock.currentTimeMillis, (now) => {
      const lane = laneOf(ticket.lane)
      if (hold !== undefined) lane.holdUntil = Math.max(lane.holdUntil, now + hold)
      lane.gated = true
      // The call that went first got an answer that is not a 429 (a 200 with `ratelimit-remaining: 0`): its turn is
      // over; after this hold, another call goes first.
      if (answer?.status !== 429 && lane.leader === ticket.call) lane.leader = undefined
      return wake(lane)
    })
  }

  const leave = (ticket: GateTicket): Effect.Effect<void> =>
    Effect.suspend(() => {
      const state = lanes.get(ticket.lane)
      if (state === undefined || state.leader !== ticket.call) return Effect.void
      state.leader = undefined
      return wake(state)
    })

  return {
    awaitTurn,
    observe,
    leave,
    nextCall: Effect.sync(() => ++calls)
  }
})

const go0: Turn = { _tag: "Go", waitedMs: 0 }

/**
 * The gate service: `PagerDuty.layer` provides one to every service it builds, so they share it.
 *
 * @internal
 */
export class RequestGate extends Context.Tag("effect-pagerduty/internal/RequestGate")<
  RequestGate,
  RequestGateService
>() {
  /** A fresh gate. */
  static readonly layer: Layer.Layer<RequestGate> = Layer.effect(RequestGate, makeRequestGate)
}

/**
 * The gate in context, or a fresh one (a service built outside `PagerDuty.layer`).
 *
 * @internal
 */
export const currentGate: Effect.Effect<RequestGateService> = Effect.flatMap(
  Effect.serviceOption(RequestGate),
  Option.match({ onNone: () => makeRequestGate, onSome: Effect.succeed })
)
