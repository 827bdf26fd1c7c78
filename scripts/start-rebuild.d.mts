// Types of scripts/start-rebuild.mjs for the TypeScript tests that import it.

/** Everything that can end up in the renderer's or the console's bundle, relative to the repository. */
export declare const BUILD_SOURCES: readonly string[];

/** The builds `npm start` needs. */
export declare const START_BUILDS: ReadonlyArray<{ what: string; script: string; output: string }>;

/** The newest source file under `sources` (relative to `root`), or null when none. */
export declare function newestSource(
  root: string,
  sources?: readonly string[],
): { file: string; mtimeMs: number } | null;

/** The builds to run before starting, each with the reason. */
export declare function staleBuilds(
  root: string,
  options?: {
    builds?: ReadonlyArray<{ what: string; script: string; output: string }>;
    sources?: readonly string[];
  },
): Array<{ what: string; script: string; reason: string }>;
