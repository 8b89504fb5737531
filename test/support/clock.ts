/**
 * TestClock helpers: drive a forked fiber to completion by jumping the clock to each pending sleep, so a test of a
 * 25-minute backoff takes milliseconds.
 */
import { Chunk, Effect, Fiber, TestClock } from "effect"

/** Jumps the TestClock from wake-up to wake-up until the fiber is done (at most `maxJumps` jumps). */
export const runToEnd = <A, E>(fiber: Fiber.RuntimeFiber<A, E>, maxJumps = 10_000) =>
  Effect.gen(function*() {
    for (let jump = 0; jump < maxJumps; jump++) {
      yield* Effect.yieldNow()
      if ((yield* Fiber.poll(fiber))._tag === "Some") break
      const sleeps = yield* TestClock.sleeps()
      if (Chunk.isEmpty(sleeps)) continue
      yield* TestClock.setTime(Math.min(...Chunk.toReadonlyArray(sleeps)))
    }
    return yield* Fiber.join(fiber)
  })
