/**
 * The fake's data: collections of JSON records keyed by their collection path (`users`, `audit/records`,
 * `incidents/PXXXXXX/notes`, ...). A collection keeps insertion order (so offset paging is a slice) and an id index;
 * it may also have a generated prefix of N synthetic records materialized on demand from their index, so a
 * collection of a million records costs no memory and paging it is O(page).
 *
 * @internal
 */
import { generatedId, generatedIndex } from "./ids.js"
import type { JsonObject } from "./json.js"

/** @internal */
export interface GeneratedSource {
  readonly count: number
  readonly generate: (index: number) => JsonObject
}

/** @internal */
export class Collection {
  private records: Array<JsonObject> = []
  private positions = new Map<string, number>()
  private generated: GeneratedSource | undefined = undefined
  private overrides: Map<number, JsonObject> | undefined = undefined
  /** Whether the generator gives its records their own ids (then a lookup by id is a scan). */
  private customIds = false

  constructor(readonly key: string) {}

  /** The number of records, generated ones included. */
  get size(): number {
    return (this.generated?.count ?? 0) + this.records.length
  }

  get isGenerated(): boolean {
    return this.generated !== undefined
  }

  /** The record at a position (0 ≤ index < size). */
  at(index: number): JsonObject {
    const generated = this.generated
    if (generated !== undefined) {
      if (index < generated.count) return this.materialize(generated, index)
      return this.records[index - generated.count]
    }
    return this.records[index]
  }

  get(id: string): JsonObject | undefined {
    const position = this.positions.get(id)
    if (position !== undefined) return this.records[position]
    const generated = this.generated
    if (generated === undefined) return undefined
    const index = generatedIndex(id)
    if (index !== undefined && index < generated.count) {
      const record = this.materialize(generated, index)
      if (record.id === id) return record
    }
    if (!this.customIds) return undefined
    // The generator chose its own ids: fall back to a scan.
    for (let i = 0; i < generated.count; i++) {
      const record = this.materialize(generated, i)
      if (record.id === id) return record
    }
    return undefined
  }

  has(id: string): boolean {
    return this.get(id) !== undefined
  }

  /** Appends a record, or replaces the record with the same (string) `id` in place. */
  upsert(record: JsonObject): void {
    const id = record.id
    if (typeof id !== "string") {
      // Not addressable (e.g. an on-call entry): appended, never looked up.
      this.records.push(record)
      return
    }
    const position = this.positions.get(id)
    if (position !== undefined) {
      this.records[position] = record
      return
    }
    const generated = this.generated
    if (generated !== undefined) {
      const index = this.generatedPosition(generated, id)
      if (index !== undefined) {
        ;(this.overrides ??= new Map()).set(index, record)
        return
      }
    }
    this.positions.set(id, this.records.length)
    this.records.push(record)
  }

  /** Removes a record; `"generated"` when it is a generated record (those are read-only). */
  remove(id: string): boolean | "generated" {
    const position = this.positions.get(id)
    if (position === undefined) {
      const generated = this.generated
      return generated !== undefined && this.generatedPosition(generated, id) !== undefined ? "generated" : false
    }
    this.records.splice(position, 1)
    this.positions.delete(id)
    for (let i = position; i < this.records.length; i++) {
      const shifted = this.records[i].id
      if (typeof shifted === "string") this.positions.set(shifted, i)
    }
    return true
  }

  setGenerated(source: GeneratedSource): void {
    this.generated = source
    this.overrides = undefined
    this.customIds = source.count > 0 && source.generate(0).id !== undefined
  }

  clear(): void {
    this.records = []
    this.positions = new Map()
    this.generated = undefined
    this.overrides = undefined
    this.customIds = false
  }

  /** All records, materialized (generated ones included: mind the size). */
  toArray(): Array<JsonObject> {
    if (this.generated === undefined) return this.records.slice()
    const out: Array<JsonObject> = []
    const size = this.size
    for (let i = 0; i < size; i++) out.push(this.at(i))
    return out
  }

  private materialize(generated: GeneratedSource, index: number): JsonObject {
    const override = this.overrides?.get(index)
    if (override !== undefined) return override
    return { id: generatedId(index), ...generated.generate(index) }
  }

  private generatedPosition(generated: GeneratedSource, id: string): number | undefined {
    const index = generatedIndex(id)
    if (index !== undefined && index < generated.count && this.materialize(generated, index).id === id) return index
    return undefined
  }
}

/**
 * Normalizes a collection name or path: no leading or trailing slash, no query string.
 *
 * @internal
 */
export const collectionKey = (name: string): string => {
  const query = name.indexOf("?")
  const path = query >= 0 ? name.slice(0, query) : name
  let start = 0
  let end = path.length
  while (start < end && path[start] === "/") start++
  while (end > start && path[end - 1] === "/") end--
  return path.slice(start, end)
}

/** @internal */
export class Store {
  private collections = new Map<string, Collection>()

  /** The collection at a key, created empty on first use. */
  collection(key: string): Collection {
    let collection = this.collections.get(key)
    if (collection === undefined) {
      collection = new Collection(key)
      this.collections.set(key, collection)
    }
    return collection
  }

  /** The collection at a key if it was ever used. */
  peek(key: string): Collection | undefined {
    return this.collections.get(key)
  }

  keys(): Array<string> {
    return Array.from(this.collections.keys())
  }

  clear(): void {
    this.collections = new Map()
  }
}
