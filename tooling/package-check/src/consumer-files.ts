// Files written into the consumer project: the code another team would write against the packages.

/** Imports each specifier given as JSON in argv[2] and prints, per specifier, its export count or error. */
export const importCheckScript = `const specifiers = JSON.parse(process.argv[2]);
const results = {};
for (const specifier of specifiers) {
  try {
    results[specifier] = { exports: Object.keys(await import(specifier)).length };
  } catch (error) {
    results[specifier] = { error: String(error?.stack ?? error) };
  }
}
console.log(JSON.stringify(results));
`;

/** A module that imports every entry point, so tsc reads (and, without skipLibCheck, checks) every .d.ts. */
export function entryPointsModule(specifiers: string[]): string {
  const imports = specifiers.map((s, i) => `import * as entry${i} from ${JSON.stringify(s)};`);
  return `${imports.join("\n")}\n\nexport const entries = [${specifiers.map((_, i) => `entry${i}`).join(", ")}];\n`;
}

/**
 * A consumer's own zod schema with ours inside it, parsed with the consumer's zod: types flow through
 * `z.output`, a valid order is normalized by our schema, an invalid one fails with the consumer's
 * ZodError at the nested path, and the composed schema converts to JSON Schema.
 */
export const composeModule = `import assert from "node:assert/strict";
import { sendRequestSchema, webhookEventSchema } from "@lisoloo/protocol/schemas";
import { z } from "zod";

const orderSchema = z.object({ order: z.string(), sms: sendRequestSchema });
type Order = z.output<typeof orderSchema>;

// One zod: the protocol's schemas are instances of the consumer's classes.
assert.ok(sendRequestSchema instanceof z.ZodType, "sendRequestSchema is not an instance of the consumer's z.ZodType");

const valid = orderSchema.safeParse({ order: "A-1", sms: { to: ["+243 998 857 000", "+243998857000"], message: "Bonjour" } });
assert.ok(valid.success, JSON.stringify(valid.error?.issues));
const order: Order = valid.data;
assert.deepEqual(order.sms.to, ["+243998857000"]);
assert.equal(order.sms.duplicates_removed, 1);
assert.equal(order.sms.sending_type, "immediate");

const invalid = orderSchema.safeParse({ order: "A-1", sms: { to: ["12ab"], message: "Bonjour" } });
assert.equal(invalid.success, false);
assert.ok(invalid.error instanceof z.ZodError, "the failure is not the consumer's ZodError");
assert.deepEqual(invalid.error.issues.map((issue) => issue.path), [["sms", "to", 0]]);

const missing = orderSchema.safeParse({ sms: { to: ["+243998857000"], message: "Bonjour" } });
assert.equal(missing.success, false);
assert.deepEqual(missing.error?.issues.map((issue) => issue.path), [["order"]]);

const envelope = z.object({ received_at: z.string(), event: webhookEventSchema });
const jsonSchema = z.toJSONSchema(envelope);
assert.equal(jsonSchema.type, "object");

console.log("composed");
`;
