/**
 * The shapes of the generated facts (`facts.generated.ts`): plain data, no Effect.
 *
 * @internal
 */

/** A value's constraints, as the fake checks them. @internal */
export interface ValueFact {
  readonly type?: "string" | "integer" | "number" | "boolean" | "array" | "object"
  readonly enum?: ReadonlyArray<string | number | boolean>
  readonly format?: "email" | "date-time"
  readonly required?: ReadonlyArray<string>
  readonly properties?: Readonly<Record<string, ValueFact>>
  readonly items?: ValueFact
}

/** A query parameter's constraints. @internal */
export interface QueryFact {
  readonly required?: true
  readonly type?: "string" | "integer" | "number" | "boolean" | "array"
  readonly enum?: ReadonlyArray<string>
  readonly itemType?: "string" | "integer" | "number" | "boolean"
  readonly format?: "date-time"
}

/** What the spec says about one operation's request. @internal */
export interface RequestFact {
  readonly query?: Readonly<Record<string, QueryFact>>
  readonly bodyRequired?: true
  readonly body?: ValueFact
}
