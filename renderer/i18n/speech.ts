/**
 * Reading aloud for elder mode, through the platform's speech synthesis where it has one (silently nothing where
 * it has not). What is read is what the screen shows: its visible text, in reading order.
 */
import type { Locale } from './messages.js';

/** Longest piece handed to the synthesiser at once: Chromium's engines stop long utterances part-way. */
export const MAX_CHUNK = 160;

/**
 * Splits a text into pieces the synthesiser reads reliably: at line and sentence ends, then (for a very long
 * sentence) at commas or, failing that, hard at {@link MAX_CHUNK}; short neighbours are joined again.
 */
export function speechChunks(text: string, max: number = MAX_CHUNK): string[] {
  const sentences = text
    .split(/\n+|(?<=[。！？!?；;])|(?<=\.)\s+/)
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter((s) => s !== '');
  const pieces: string[] = [];
  for (const sentence of sentences) {
    let rest = sentence;
    while (rest.length > max) {
      const window = rest.slice(0, max);
      const comma = Math.max(window.lastIndexOf('，'), window.lastIndexOf(', '), window.lastIndexOf('、'));
      const cut = comma > max / 3 ? comma + 1 : max;
      pieces.push(rest.slice(0, cut).trim());
      rest = rest.slice(cut).trim();
    }
    if (rest !== '') pieces.push(rest);
  }
  const chunks: string[] = [];
  for (const piece of pieces) {
    const last = chunks.at(-1);
    if (last !== undefined && last.length + piece.length + 1 <= max)
      chunks[chunks.length - 1] = `${last} ${piece}`;
    else chunks.push(piece);
  }
  return chunks;
}

// Elements after which the reading pauses (a new line in the text handed to speech).
const BLOCKS = new Set([
  'P',
  'LI',
  'H1',
  'H2',
  'H3',
  'BUTTON',
  'LABEL',
  'LEGEND',
  'DT',
  'DD',
  'DIV',
  'SECTION',
  'FIELDSET',
  'NAV',
  'TR',
]);

/**
 * The text a sighted citizen sees in `root`, in document order: hidden and decorative (`aria-hidden`) parts left
 * out, images by their alternative text, screen-reader-only text kept (it says what the eye gets from layout,
 * e.g. "step 2 of 5"). Form controls are read by their labels, never by what was typed into them.
 */
export function screenText(root: Element): string {
  const out: string[] = [];
  const walk = (node: Node): void => {
    if (node.nodeType === Node.TEXT_NODE) {
      const text = node.textContent?.replace(/\s+/g, ' ') ?? '';
      if (text.trim() !== '') out.push(text);
      return;
    }
    if (!(node instanceof HTMLElement)) return;
    if (node.getAttribute('aria-hidden') === 'true' || node.hidden) return;
    const style = getComputedStyle(node);
    if (style.display === 'none' || style.visibility === 'hidden') return;
    if (node instanceof HTMLImageElement) {
      if (node.alt) out.push(`\n${node.alt}\n`);
      return;
    }
    if (
      node instanceof HTMLInputElement ||
      node instanceof HTMLTextAreaElement ||
      node instanceof HTMLSelectElement
    )
      return;
    const block = BLOCKS.has(node.tagName);
    if (block) out.push('\n');
    node.childNodes.forEach(walk);
    if (block) out.push('\n');
  };
  walk(root);
  return out
    .join('')
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '')
    .join('\n');
}

/** Whether this platform can speak at all. */
export function canSpeak(): boolean {
  return typeof speechSynthesis !== 'undefined' && typeof SpeechSynthesisUtterance !== 'undefined';
}

/** Reads a text aloud in the kiosk language, interrupting whatever was being read. */
export function speak(text: string, locale: Locale): void {
  if (!canSpeak()) return;
  speechSynthesis.cancel();
  for (const chunk of speechChunks(text)) {
    const utterance = new SpeechSynthesisUtterance(chunk);
    utterance.lang = locale;
    // Slower than the default: elder mode is for people who may not catch a fast voice.
    utterance.rate = 0.9;
    speechSynthesis.speak(utterance);
  }
}

/** Stops reading aloud. */
export function stopSpeaking(): void {
  if (canSpeak()) speechSynthesis.cancel();
}
