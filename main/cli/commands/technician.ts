import type { CliCommand, CliIO } from '../command.js';
import { CliError } from '../command.js';
import { parseOptions } from '../options.js';
import { TechnicianAuth, isAcceptablePin } from '../../services/technician/technician-auth.js';
import { openCliStore } from './sync.js';

/** Reads one line from standard input (the PIN is never taken from argv, where `ps` and shell history see it). */
async function readLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    if (Buffer.concat(chunks).includes(10)) break;
  }
  return Buffer.concat(chunks).toString('utf8').split('\n')[0]?.trim() ?? '';
}

/** `booth technician set-pin`: the maintenance PIN, stored as a scrypt hash. */
export const commands: CliCommand[] = [
  {
    path: ['technician', 'set-pin'],
    summary:
      'Set the maintenance PIN (6–12 digits, read from standard input), stored scrypt-hashed; audited.',
    usage: 'booth technician set-pin [--data DIR] < pin.txt',
    async run(args: readonly string[], io: CliIO): Promise<number> {
      const { values } = parseOptions(args, { data: { type: 'string' } });
      const pin = await readLine();
      if (!isAcceptablePin(pin)) throw new CliError('a PIN is 6 to 12 digits and not one digit repeated');
      const store = await openCliStore(values.data, io);
      try {
        await new TechnicianAuth(store, { demonstration: false }).setPin(pin);
      } finally {
        await store.close();
      }
      io.stdout('maintenance PIN set\n');
      return 0;
    },
  },
];
