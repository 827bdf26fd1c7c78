/**
 * How tests and benchmarks launch system Chromium (Playwright's own browser download is not used): the
 * executable and the flags that keep it quiet on a machine with no network and, as root, no sandbox.
 */
export const CHROMIUM_EXECUTABLE = process.env.BOOTH_CHROMIUM ?? '/usr/bin/chromium';

/** Launch flags for headless test runs. */
export const CHROMIUM_TEST_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Launch flags for Chromium's fake camera showing a Y4M clip (looped), granted without a prompt. */
export function fakeCameraArgs(clipFile: string): string[] {
  return [
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    `--use-file-for-fake-video-capture=${clipFile}`,
  ];
}
