/**
 * The descriptor of a schema: plain data, no Effect, generated from PagerDuty's OpenAPI document
 * (`descriptors.generated.ts`) and turned into a `Schema` by `schema.ts`.
 *
 * - `"string"`, `"number"`, `"boolean"`, `"null"`, `"unknown"`: the primitives (string enums are open: `"string"`);
 * - `{ array }`: an array of items;
 * - `{ object, required?, rest? }`: an object with these properties (the `required` ones must be present); `rest` is
 *   the value of every key when the object is a map (no properties). Unknown keys are always kept;
 * - `{ anyOf }`: any of the alternatives; `{ nullable }`: the inner schema or `null`;
 * - `{ ref }`: another descriptor, lazily (a thunk: cycles are fine).
 *
 * @internal
 */

/** @internal */
export type Descriptor =
  | "string"
  | "number"
  | "boolean"
  | "null"
  | "unknown"
  | { readonly array: Descriptor }
  | {
    readonly object: { readonly [key: string]: Descriptor }
    readonly required?: ReadonlyArray<string>
    readonly rest?: Descriptor
  }
  | { readonly anyOf: ReadonlyArray<Descriptor> }
  | { readonly nullable: Descriptor }
  | { readonly ref: () => Descriptor }

/**
 * The data of one typed operation (generated, one per operation).
 *
 * @internal
 */
export interface OperationDescriptor {
  /** `Incidents.getIncident`: for errors and spans. */
  readonly name: string
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE"
  /** The path template, `"/incidents/{id}"`. */
  readonly path: string
  /** The input keys that are path parameters, in template order or not. */
  readonly pathParams: ReadonlyArray<string>
  /** How a paged list pages (the stream's style); absent for a single call. */
  readonly pagination?: "offset" | "cursor" | "after" | "analytics"
  /** The unwrapped result (a paged list: one item); `null` when there is no JSON answer. */
  readonly result: Descriptor | null
}
