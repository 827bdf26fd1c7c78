import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CDPSession, Page } from '@playwright/test';
import { expect, test } from './kiosk-fixture.js';
import { fontsReady, KIOSK_LANGUAGES, SCREEN_ORIENTATIONS } from './citizen.js';

/**
 * The kiosk draws every text with the font it ships, never with whatever the machine has: this machine (like
 * a fresh Debian kiosk) has no CJK font at all, so without the shipped one every Chinese character is a box.
 */

interface PlatformFont {
  readonly familyName: string;
  readonly postScriptName?: string;
  readonly isCustomFont: boolean;
  readonly glyphCount: number;
}

/** The fonts Chromium actually used for a node's text (DevTools protocol), not what CSS asked for. */
async function platformFonts(cdp: CDPSession, selector: string): Promise<PlatformFont[]> {
  const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
  if (!nodeId) throw new Error(`no node for ${selector}`);
  const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
  return fonts as PlatformFont[];
}

async function devtools(page: Page): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  return cdp;
}

/** Font files the page fetched, as they arrived. */
function watchFonts(page: Page): Array<{ url: string; status: number; type: string }> {
  const seen: Array<{ url: string; status: number; type: string }> = [];
  page.on('response', (response) => {
    const url = response.url();
    if (/\.(woff2?|ttf|otf)(\?|$)/.test(url) || response.request().resourceType() === 'font')
      seen.push({ url, status: response.status(), type: response.headers()['content-type'] ?? '' });
  });
  return seen;
}

/** The few DOM pieces the page-side functions use (the test project is compiled without the DOM library). */
interface PageGlobals {
  readonly document: {
    readonly fonts: { readonly ready: Promise<unknown>; check(font: string, text: string): boolean };
    createElement(tag: string): { id: string; textContent: string };
    querySelector(selector: string): { append(node: unknown): void } | null;
    addEventListener(
      type: 'securitypolicyviolation',
      listener: (e: { effectiveDirective: string; blockedURI: string }) => void,
    ): void;
  };
  readonly FontFace: new (family: string, source: string) => { load(): Promise<unknown> };
}

/** Opens the kiosk on its attract screen, watching the fonts it fetches. */
async function openAttract(page: Page, kioskUrl: string): Promise<ReturnType<typeof watchFonts>> {
  const fonts = watchFonts(page);
  await page.goto(kioskUrl);
  await expect(page.getByRole('heading', { name: '智慧警务舱' })).toBeVisible();
  return fonts;
}

const SHIPPED = { familyName: 'Noto Sans SC', isCustomFont: true };

test.describe('the kiosk draws text with the font it ships', () => {
  test('Chinese headings and the 简体中文 button come from the shipped subset, in every language, on first paint', async ({
    page,
    kiosk,
  }) => {
    const fonts = await openAttract(page, kiosk.host.kioskUrl);
    await fontsReady(page);
    const cdp = await devtools(page);

    const heading = await platformFonts(cdp, '#attract-title');
    expect(heading).toEqual([expect.objectContaining({ ...SHIPPED, postScriptName: 'NotoSansSC-Bold' })]);
    expect(heading[0]?.glyphCount).toBe(5);
    expect(await platformFonts(cdp, '.start-button')).toEqual([
      expect.objectContaining({ ...SHIPPED, postScriptName: 'NotoSansSC-Regular' }),
    ]);
    // The catalog's category names under the title.
    expect(await platformFonts(cdp, '.attract .subtitle')).toEqual([expect.objectContaining(SHIPPED)]);

    // A Chinese reader who landed in English mode must be able to read the way back.
    await page.getByRole('button', { name: 'English' }).click();
    await expect(page.getByRole('heading', { name: 'Smart Police Booth' })).toBeVisible();
    await fontsReady(page);
    expect(await platformFonts(cdp, '.lang-switch button[lang="zh-CN"]')).toEqual([
      expect.objectContaining({ ...SHIPPED, postScriptName: 'NotoSansSC-Regular', glyphCount: 4 }),
    ]);
    // Latin text uses the same shipped font: nothing depends on the machine's fonts.
    expect(await platformFonts(cdp, '#attract-title')).toEqual([expect.objectContaining(SHIPPED)]);

    await page.getByRole('button', { name: '繁體中文' }).click();
    await expect(page.getByRole('heading', { name: '智慧警務艙' })).toBeVisible();
    await fontsReady(page);
    expect(await platformFonts(cdp, '#attract-title')).toEqual([expect.objectContaining(SHIPPED)]);
    expect(await platformFonts(cdp, '#notices-title')).toEqual([expect.objectContaining(SHIPPED)]);

    // The choose screen's catalog texts (services, categories) are in the subset too.
    await page.getByRole('button', { name: '點擊開始辦理' }).click();
    await expect(page.locator('#choose-title')).toBeVisible();
    await fontsReady(page);
    expect(await platformFonts(cdp, '#choose-title')).toEqual([expect.objectContaining(SHIPPED)]);

    // Only the two preloaded subset faces were needed: no piece of the complete font on these screens.
    const names = fonts.map((f) => new URL(f.url).pathname.split('/').pop() ?? '');
    expect(names.length).toBeGreaterThan(0);
    expect(names.every((n) => /^booth-sans-(400|700)-[\w-]+\.woff2$/.test(n))).toBe(true);
  });

  test('characters outside the subset (names from a card, typed text) come from the shipped complete font', async ({
    page,
    kiosk,
  }) => {
    const fonts = await openAttract(page, kiosk.host.kioskUrl);
    // Rare given-name and Traditional characters no message or catalog uses.
    const rare = '龘堃鬱䶮';
    await page.evaluate((text) => {
      const { document } = globalThis as unknown as PageGlobals;
      const p = document.createElement('p');
      p.id = 'rare-text';
      p.textContent = text;
      document.querySelector('#root')?.append(p);
    }, rare);
    await expect
      .poll(
        () =>
          page.evaluate(async (text) => {
            const { document } = globalThis as unknown as PageGlobals;
            await document.fonts.ready;
            return document.fonts.check("20px 'Booth Sans Full'", text);
          }, rare),
        { timeout: 10_000 },
      )
      .toBe(true);
    const cdp = await devtools(page);
    expect(await platformFonts(cdp, '#rare-text')).toEqual([
      expect.objectContaining({ ...SHIPPED, glyphCount: [...rare].length }),
    ]);
    expect(fonts.some((f) => /\/booth-sans-full-\d+-[\w-]+\.woff2$/.test(f.url))).toBe(true);
  });

  test('fonts load from the kiosk’s own origin as font/woff2, and the CSP refuses fonts from anywhere else', async ({
    page,
    kiosk,
  }) => {
    // Another origin on this machine, ready to serve a font (with CORS open) if the page ever asked it.
    let foreignRequests = 0;
    const foreign: Server = createServer((_req, res) => {
      foreignRequests += 1;
      res.writeHead(200, { 'Content-Type': 'font/woff2', 'Access-Control-Allow-Origin': '*' });
      res.end(Buffer.alloc(64));
    });
    await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
    const foreignUrl = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}/evil.woff2`;
    try {
      const fonts = watchFonts(page);
      const response = await page.goto(kiosk.host.kioskUrl);
      expect(response?.headers()['content-security-policy']).toMatch(/(^|; )font-src 'self'(;|$)/);
      await expect(page.getByRole('heading', { name: '智慧警务舱' })).toBeVisible();
      await fontsReady(page);
      expect(fonts.length).toBeGreaterThan(0);
      for (const font of fonts) {
        expect(new URL(font.url).origin).toBe(kiosk.host.origin);
        expect(font.status).toBe(200);
        expect(font.type).toBe('font/woff2');
      }

      const outcome = await page.evaluate(async (url) => {
        const { document, FontFace } = globalThis as unknown as PageGlobals;
        // Violation reports are queued as tasks: wait for both (or a deadline) rather than look too early.
        const blocked: string[] = [];
        const bothReported = new Promise<void>((resolve) => {
          document.addEventListener('securitypolicyviolation', (e) => {
            if (e.effectiveDirective === 'font-src') blocked.push(e.blockedURI);
            if (blocked.length >= 2) resolve();
          });
        });
        const attempt = async (source: string): Promise<string> => {
          try {
            await new FontFace('Elsewhere', source).load();
            return 'loaded';
          } catch {
            return 'refused';
          }
        };
        const remote = await attempt(`url(${url})`);
        const inline = await attempt('url(data:font/woff2;base64,d09GMgABAAAAAA==)');
        await Promise.race([bothReported, new Promise((resolve) => setTimeout(resolve, 5_000))]);
        return { remote, inline, blocked };
      }, foreignUrl);
      expect(outcome.remote).toBe('refused');
      expect(outcome.inline).toBe('refused');
      expect(outcome.blocked).toEqual(expect.arrayContaining([foreignUrl, 'data']));
      expect(foreignRequests).toBe(0);
    } finally {
      await new Promise((resolve) => foreign.close(resolve));
    }
  });
});

test.describe('the attract screen drawn with the shipped font', () => {
  for (const orientation of SCREEN_ORIENTATIONS) {
    test(`title, start button and language switch match the baselines (${orientation.name}, 3 languages)`, async ({
      page,
      kiosk,
    }) => {
      // Elements rather than the whole screen: these baselines are about glyphs (no boxes, the shipped
      // face and weight), and must not break when the layout around them changes.
      await page.setViewportSize(orientation.viewport);
      await page.goto(kiosk.host.kioskUrl);
      await expect(page.locator('#attract-title')).toBeVisible();
      for (const { locale, button } of KIOSK_LANGUAGES) {
        await page.getByRole('button', { name: button }).click();
        await expect(page.locator(`.lang-switch button[lang="${locale}"]`)).toHaveAttribute(
          'aria-pressed',
          'true',
        );
        await fontsReady(page);
        await expect(page.locator('#attract-title')).toHaveScreenshot(
          `title-${locale}-${orientation.name}.png`,
        );
        await expect(page.locator('.start-button')).toHaveScreenshot(
          `start-${locale}-${orientation.name}.png`,
        );
      }
      await expect(page.locator('.lang-switch')).toHaveScreenshot(`language-switch-${orientation.name}.png`);
    });
  }
});
