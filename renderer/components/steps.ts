/**
 * The steps of a visit as the citizen sees them, for the step indicator. Pure: the core's {@link VisitStep}
 * plus the step before any visit exists (choosing services).
 */
import type { CatalogService, VisitStep } from '../../main/api/views.js';

/** A step the indicator shows. */
export type VisitStage = 'choose' | VisitStep;

/** The steps of a visit: identification and its check are left out when no chosen service needs a card. */
export function visitStages(needsIdentity: boolean): readonly VisitStage[] {
  return needsIdentity ? ['choose', 'identify', 'confirm', 'form', 'done'] : ['choose', 'form', 'done'];
}

/** Whether the services chosen so far need a card (nothing chosen yet: assume they will, as most do). */
export function choiceNeedsIdentity(
  catalog: { readonly services: readonly Pick<CatalogService, 'id' | 'identity'>[] },
  serviceIds: readonly string[],
): boolean {
  if (serviceIds.length === 0) return true;
  return serviceIds.some((id) => catalog.services.find((s) => s.id === id)?.identity !== 'none');
}

const ORDER: readonly VisitStage[] = ['choose', 'identify', 'confirm', 'form', 'done'];

/** Where `current` falls among `stages`: a step left out counts as the next one shown. */
export function stageIndex(stages: readonly VisitStage[], current: VisitStage): number {
  const at = ORDER.indexOf(current);
  const index = stages.findIndex((s) => ORDER.indexOf(s) >= at);
  return index === -1 ? stages.length - 1 : index;
}
