import { z } from 'zod';

/** A federated identity credential as both Graph (applications) and the ARM SDK (user-assigned identities, properties flattened) return it. */
export const federatedCredentialWireSchema = z.object({
  id: z.string(),
  name: z.string(),
  issuer: z.string(),
  subject: z.string(),
  audiences: z.array(z.string()),
});
