import {
  CHROMIUM_MANAGED_POLICY_DIR,
  installKioskPolicy,
  kioskOriginSchema,
  kioskPolicyText,
} from '../../browser-host/kiosk-policy.js';
import type { CliCommand, CliIO } from '../command.js';
import { CliError } from '../command.js';
import { parseOptions } from '../options.js';

/** The kiosk origin: `--origin`, else the browser host's default port (or BOOTH_PORT) on 127.0.0.1. */
function originOf(
  value: string | boolean | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const origin = typeof value === 'string' ? value : `http://127.0.0.1:${env.BOOTH_PORT ?? '8570'}`;
  const parsed = kioskOriginSchema.safeParse(origin);
  if (!parsed.success) {
    throw new CliError(`--origin: ${parsed.error.issues[0]?.message ?? 'invalid'} (got ${origin})`, 2);
  }
  return parsed.data;
}

/** `booth kiosk policy`: the managed Chromium policy that locks the kiosk window down. */
export const commands: CliCommand[] = [
  {
    path: ['kiosk', 'policy'],
    summary: "print (or, as root, install) Chromium's managed policy for the kiosk window",
    usage: `booth kiosk policy [--origin http://127.0.0.1:8570] [--install [--dir ${CHROMIUM_MANAGED_POLICY_DIR}]]`,
    async run(args: readonly string[], io: CliIO): Promise<number> {
      const { values } = parseOptions(args, {
        origin: { type: 'string' },
        install: { type: 'boolean' },
        dir: { type: 'string' },
      });
      const origin = originOf(values.origin, io.env);
      if (!values.install) {
        if (values.dir !== undefined) throw new CliError('--dir goes with --install', 2);
        io.stdout(kioskPolicyText(origin));
        return 0;
      }
      const dir = typeof values.dir === 'string' ? values.dir : CHROMIUM_MANAGED_POLICY_DIR;
      const result = installKioskPolicy(origin, dir);
      if (!result.installed) throw new CliError(`not installed: ${result.reason}`);
      io.stdout(`installed ${result.path} for ${origin}; restart Chromium for it to take effect\n`);
      return 0;
    },
  },
];
