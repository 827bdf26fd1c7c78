import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { staticImportClosure } from '../../scripts/import-cycles.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * What the renderer evaluates before the attract screen can be drawn is its entry chunk: every module
 * `renderer/main.tsx` reaches through static imports. Start-up time is spent there (bench/kiosk.bench.ts), so
 * code the first screen does not need must not be reachable that way.
 */
describe("the renderer's first screen (static imports from renderer/main.tsx)", () => {
  const closure = staticImportClosure(repoRoot, 'renderer/main.tsx');

  it('reaches the app and its connection to the core', () => {
    expect(closure.modules).toContain('renderer/App.tsx');
    expect(closure.modules).toContain('renderer/api/connection.ts');
    expect(closure.packages.get('react-dom')).toContain('renderer/main.tsx');
  });

  it('does not build the catalog schema (a few hundred zod schemas) to draw the attract screen', () => {
    // The form rules need only the pattern compiler (contract/catalog/field-pattern.ts); the catalog arrives
    // from the core already validated.
    expect(closure.modules).not.toContain('contract/catalog/schema.ts');
  });

  it('loads the screens after the attract screen, and what only they use, on demand', () => {
    for (const later of [
      'renderer/citizen/ChooseScreen.tsx',
      'renderer/citizen/FormScreen.tsx',
      'renderer/citizen/DoneScreen.tsx',
      'renderer/components/DatePicker.tsx',
      'renderer/face/FaceCheckScreen.tsx',
      'renderer/face/PhotoScreen.tsx',
      'renderer/face/face-engine.ts',
      'renderer/technician/TechnicianScreen.tsx',
    ])
      expect(closure.modules).not.toContain(later);
    expect(closure.modules).not.toContain('renderer/technician/SimulationPanel.tsx');
    expect([...closure.packages.keys()].sort()).toEqual(['react', 'react-dom', 'zod']);
  });
});
