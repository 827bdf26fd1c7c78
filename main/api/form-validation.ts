/**
 * The form checks the renderer runs before it sends a form; the same checks the visit service runs
 * (main/services/catalog/form-validation.ts), so screen and core cannot disagree.
 */
export * from '../services/catalog/form-validation.js';
