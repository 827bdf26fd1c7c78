import type { CliCommand } from './command.js';
import { commands as syncCommands } from './commands/sync.js';
import { commands as simulateVisitsCommands } from './commands/simulate-visits.js';
import { commands as idcardCommands } from './commands/idcard.js';
import { commands as catalogCommands } from './commands/catalog.js';
import { commands as scannerCommands } from './commands/scanner.js';
import { commands as devicesCommands } from './commands/devices.js';
import { commands as documentCommands } from './commands/document.js';
import { commands as printerCommands } from './commands/printer.js';
import { commands as configCommands } from './commands/config.js';
import { commands as technicianCommands } from './commands/technician.js';
import { commands as provisionCommands } from './commands/provision.js';
import { commands as kioskCommands } from './commands/kiosk.js';
import { commands as faceCommands } from './commands/face.js';
import { commands as healthCommands } from './commands/health.js';
import { commands as diagnosticsCommands } from './commands/diagnostics.js';

/**
 * Every command group. Each group lives in `commands/<group>.ts` and exports `commands: CliCommand[]`;
 * add its import here.
 */
export function allCommands(): CliCommand[] {
  return [
    ...printerCommands,
    ...configCommands,
    ...technicianCommands,
    ...provisionCommands,
    ...syncCommands,
    ...simulateVisitsCommands,
    ...idcardCommands,
    ...catalogCommands,
    ...scannerCommands,
    ...devicesCommands,
    ...documentCommands,
    ...kioskCommands,
    ...faceCommands,
    ...healthCommands,
    ...diagnosticsCommands,
  ];
}
