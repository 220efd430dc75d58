import { z } from 'zod';

/**
 * Flexible federated identity credentials (Microsoft Entra) match claims by an expression instead
 * of one subject: `subject` is then absent or null and `claimsMatchingExpression` is set. Both
 * Graph and ARM document `subject` as optional.
 */
export const claimsMatchingExpressionWireSchema = z.object({
  value: z.string(),
  languageVersion: z.number(),
});

/** A federated identity credential as Graph returns it (applications). */
export const federatedCredentialWireSchema = z.object({
  id: z.string(),
  name: z.string(),
  issuer: z.string(),
  subject: z.string().nullish(),
  claimsMatchingExpression: claimsMatchingExpressionWireSchema.nullish(),
  audiences: z.array(z.string()),
});
