/** Limits shared by the API schema and the services behind it. */

/** The most services one visit may combine. */
export const MAX_SERVICES_PER_VISIT = 8;
