import { z } from "zod";

/** A JSON Schema (2020-12, the dialect of OpenAPI 3.1) as a plain object. */
export type JsonSchema = { [keyword: string]: unknown };

const COMPONENT_PREFIX = "#/components/schemas/";
const LOCAL_DEF_PREFIX = "#/$defs/";

/** Points zod's local `#/$defs/X` references at `#/components/schemas/X`, everywhere in a schema. */
function relocateRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(relocateRefs);
  if (value === null || typeof value !== "object") return value;
  const out: JsonSchema = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] =
      key === "$ref" && typeof inner === "string" && inner.startsWith(LOCAL_DEF_PREFIX)
        ? COMPONENT_PREFIX + inner.slice(LOCAL_DEF_PREFIX.length)
        : relocateRefs(inner);
  }
  return out;
}

/** The components of one document, filled from zod schemas as the paths refer to them. */
export type SchemaComponents = {
  /** `components.schemas`, keyed by the schemas' `.meta({ id })`. */
  readonly schemas: Record<string, JsonSchema>;
  /**
   * The JSON Schema of `schema` as it appears on the wire: what the schema *accepts* (zod's `input`
   * side). For a request that is what a client may send (defaults make a field optional, strict
   * objects refuse other keys, `to` before normalisation). For a response or an event it is what a
   * client parsing it with the protocol schemas accepts: objects stay open, so adding a field never
   * breaks a reader. Every schema with an id — the root included — becomes a component and is
   * referenced, not inlined.
   */
  schemaOf(schema: z.ZodType): JsonSchema;
};

/**
 * Starts an empty set of components. zod extracts every schema carrying a `.meta({ id })` into `$defs`;
 * those are hoisted into `components.schemas`. Two different schemas sharing one id would make two
 * different components, so that throws instead of letting one silently replace the other.
 *
 * @example
 * const components = createSchemaComponents();
 * components.schemaOf(sendRequestSchema); // { $ref: "#/components/schemas/SendRequest" }
 * components.schemas.ScheduledDate;      // { type: "object", … }
 */
export function createSchemaComponents(): SchemaComponents {
  const schemas: Record<string, JsonSchema> = {};
  const texts = new Map<string, string>();

  function put(id: string, schema: JsonSchema): void {
    const text = JSON.stringify(schema);
    const existing = texts.get(id);
    if (existing !== undefined && existing !== text) {
      throw new Error(`Schema component "${id}" converts to two different JSON Schemas`);
    }
    texts.set(id, text);
    schemas[id] = schema;
  }

  return {
    schemas,
    schemaOf(schema) {
      const json = z.toJSONSchema(schema, { io: "input", target: "draft-2020-12" }) as JsonSchema;
      const { $schema: _dialect, $defs, ...root } = json;
      for (const [id, def] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) {
        put(id, relocateRefs(def) as JsonSchema);
      }
      return relocateRefs(root) as JsonSchema;
    },
  };
}
