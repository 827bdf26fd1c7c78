import { z } from 'zod';

/** The web console's shapes shared by the server (central/console.ts) and the browser app (central/console-app). */

/** The console's roles: administrators see everything, duty officers see the fleet. */
export const consoleRoleSchema = z.enum(['administrator', 'duty-officer']);
/** A console role. */
export type ConsoleRole = z.infer<typeof consoleRoleSchema>;

/** A console user name: short, printable, no spaces (it appears in the audit trail). */
export const consoleUserNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, . _ - only');

/** One line of the audit trail. */
export const auditEntrySchema = z.object({
  id: z.int(),
  at: z.string(),
  user: z.string().nullable(),
  action: z.string(),
  outcome: z.enum(['ok', 'refused']),
  detail: z.string().nullable(),
});
/** One line of the audit trail. */
export type AuditEntry = z.infer<typeof auditEntrySchema>;
