/** The ESC/POS receipt printer driver: encoder, status parser, facade, simulator and PNG preview. */
export * from './encoder.js';
export * from './profile.js';
export * from './timing.js';
export * from './text.js';
export * from './status.js';
export * from './printer.js';
export * from './simulator.js';
export { EscPosParser } from './escpos-parser.js';
export type { ParsedCommand } from './escpos-parser.js';
export * from './serve.js';
export { renderPaper, PreviewFontError, PREVIEW_FONT_CANDIDATES } from './render.js';
export type { RenderOptions } from './render.js';
