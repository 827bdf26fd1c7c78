/**
 * What the renderer sees of the core's state, as the API layer presents it. The views are defined by the services
 * that produce them (main/services/views.ts): services never import the API layer, and the renderer reaches the
 * core only through main/api.
 */
export type * from '../services/views.js';
