import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCentralDb } from './db.js';

describe('sqlite central store', () => {
  it('opens for every server that starts on the same new file at the same moment', async () => {
    // Three at once, twenty times: without retrying a locked start, several of these fail with SQLITE_BUSY.
    const refused: string[] = [];
    for (let round = 0; round < 20; round++) {
      const dir = mkdtempSync(path.join(tmpdir(), 'central-open-'));
      try {
        const file = path.join(dir, 'central.sqlite');
        const opened = await Promise.allSettled([
          openCentralDb(file),
          openCentralDb(file),
          openCentralDb(file),
        ]);
        for (const o of opened) {
          if (o.status === 'rejected') refused.push(String(o.reason));
          else await o.value.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    expect(refused).toEqual([]);
  });
});
