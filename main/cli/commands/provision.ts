import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CliCommand, CliIO } from '../command.js';
import { CliError } from '../command.js';
import { parseOptions } from '../options.js';
import { readFirstLine } from '../read-line.js';
import { resolveDataDir } from '../../store/data-dir.js';
import {
  ProvisioningError,
  provisionKiosk,
  provisioningPath,
  readProvisioning,
} from '../../core/provisioning.js';

function dataDirOf(values: Record<string, string | boolean | undefined>, io: CliIO): string {
  return typeof values.data === 'string' ? path.resolve(values.data) : resolveDataDir(io.env);
}

function list(value: string | boolean | undefined): string[] {
  return typeof value === 'string'
    ? value
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '')
    : [];
}

/** Where the token comes from: a file, or the first line of standard input — never the command line. */
async function readToken(values: Record<string, string | boolean | undefined>): Promise<string> {
  if (typeof values.token === 'string') {
    throw new CliError(
      'a token on the command line is visible to every user (ps, shell history): use --token-file FILE or --token-stdin',
      2,
    );
  }
  if (typeof values['token-file'] === 'string' && values['token-stdin'] === true) {
    throw new CliError('give the token once: --token-file FILE or --token-stdin', 2);
  }
  if (typeof values['token-file'] === 'string') {
    try {
      return (await readFile(values['token-file'], 'utf8')).split('\n')[0]?.trim() ?? '';
    } catch (error) {
      throw new CliError(`cannot read the token file: ${(error as Error).message}`);
    }
  }
  if (values['token-stdin'] === true) return readFirstLine();
  throw new CliError('the kiosk token is needed: --token-file FILE or --token-stdin', 2);
}

const provision: CliCommand = {
  path: ['provision'],
  summary:
    'Enrol a production kiosk: central URL, kiosk id, its token (from a file or stdin), trusted catalog keys',
  usage:
    'booth provision --central-url URL --kiosk-id ID --trusted-keys FILE[,FILE] (--token-file FILE | --token-stdin) [--groups G[,G]] [--progress-url URL] [--data DIR]',
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { values } = parseOptions(args, {
      data: { type: 'string' },
      'central-url': { type: 'string' },
      'kiosk-id': { type: 'string' },
      'trusted-keys': { type: 'string' },
      'token-file': { type: 'string' },
      'token-stdin': { type: 'boolean' },
      token: { type: 'string' },
      groups: { type: 'string' },
      'progress-url': { type: 'string' },
    });
    const centralUrl = values['central-url'];
    const kioskId = values['kiosk-id'];
    if (typeof centralUrl !== 'string') throw new CliError('--central-url URL is needed', 2);
    if (typeof kioskId !== 'string') throw new CliError('--kiosk-id ID is needed', 2);
    const token = await readToken(values);
    const dataDir = dataDirOf(values, io);
    try {
      const result = await provisionKiosk({
        dataDir,
        centralUrl,
        kioskId,
        token,
        kioskGroups: list(values.groups),
        ...(typeof values['progress-url'] === 'string' ? { progressBaseUrl: values['progress-url'] } : {}),
        trustedKeyFiles: list(values['trusted-keys']),
      });
      io.stdout(
        `provisioned kiosk ${result.kioskId} for ${result.centralUrl}; trusted catalog keys: ${result.keyIds.join(', ')}\n` +
          `settings: ${provisioningPath(dataDir)} (0600). The kiosk runs in production mode and stays out of service\n` +
          'until a catalog signed with one of these keys has been applied.\n',
      );
      return 0;
    } catch (error) {
      if (error instanceof ProvisioningError) throw new CliError(error.message);
      throw error;
    }
  },
};

const show: CliCommand = {
  path: ['provision', 'show'],
  summary: 'Show how this kiosk is enrolled (never the token)',
  usage: 'booth provision show [--data DIR] [--json]',
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { values } = parseOptions(args, { data: { type: 'string' }, json: { type: 'boolean' } });
    let p;
    try {
      p = await readProvisioning(dataDirOf(values, io));
    } catch (error) {
      if (error instanceof ProvisioningError) throw new CliError(error.message);
      throw error;
    }
    if (!p) throw new CliError('this data directory is not provisioned (booth provision enrols it)');
    const view = {
      kioskId: p.kioskId,
      centralUrl: p.centralUrl,
      kioskGroups: p.kioskGroups,
      progressBaseUrl: p.progressBaseUrl ?? p.centralUrl,
      provisionedAt: p.provisionedAt,
      token: 'set (not shown)',
    };
    io.stdout(
      values.json
        ? JSON.stringify(view, null, 2) + '\n'
        : Object.entries(view)
            .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(',') || 'none' : String(v)}`)
            .join('\n') + '\n',
    );
    return 0;
  },
};

/** `booth provision`: enrolling a production kiosk. */
export const commands: CliCommand[] = [provision, show];
