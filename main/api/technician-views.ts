/**
 * What the technician screen's tools return, as the API layer presents it to the renderer; defined next to the
 * services that produce it (main/services/technician-views.ts), which never import the API layer.
 */
export * from '../services/technician-views.js';
