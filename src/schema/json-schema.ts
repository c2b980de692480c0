import { z } from 'zod';

/**
 * The JSON Schema of what a file may hold (the input side of `schema`), for editors and other tools.
 * Rules across fields and checks written as functions are the tool's own: JSON Schema omits them.
 */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' });
}
