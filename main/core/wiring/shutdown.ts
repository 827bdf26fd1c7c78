/**
 * What the running core stops, in this order: listeners and timers first (nothing new starts), the technician
 * tools, the last health write, the catalog poller and the command centre watch, the visits, then the sync (its
 * last upload may still be running), the devices and the store; the log file last, after `core.stopped`.
 */
export interface KioskCoreParts {
  readonly offs: readonly (() => void)[];
  readonly timers: readonly ReturnType<typeof setInterval>[];
  readonly tools: { close(): void };
  readonly healthWritten: () => Promise<void>;
  readonly poller: { stop(): void } | null;
  readonly commandCentre: { stop(): void } | null;
  readonly visits: { dispose(): void };
  readonly sync: { stop(): Promise<void> } | null;
  readonly devices: { stop(): Promise<void> };
  readonly store: { close(): Promise<void> };
  readonly log: { info(event: string, fields: Record<string, never>): void };
  readonly fileLog: { readonly file: { end(): void } } | null;
}

/** Stops the core's parts in the order above. */
export async function closeKioskCore(parts: KioskCoreParts): Promise<void> {
  const { offs, tools, poller, commandCentre, visits, sync, devices, store, log, fileLog } = parts;
  for (const off of offs) off();
  for (const timer of parts.timers) clearInterval(timer);
  tools.close();
  await parts.healthWritten();
  poller?.stop();
  commandCentre?.stop();
  visits.dispose();
  await sync?.stop();
  await devices.stop();
  await store.close();
  log.info('core.stopped', {});
  fileLog?.file.end();
}
