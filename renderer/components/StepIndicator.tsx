import type { ReactNode } from 'react';
import { useI18n } from '../i18n/i18n.js';
import { stageIndex, type VisitStage } from './steps.js';

/**
 * Where the citizen is in the visit: every step by name, the current one marked (`aria-current="step"`) and
 * the ones behind ticked, with "step n of m" for screen readers and speech.
 */
export function StepIndicator({
  stages,
  current,
}: {
  readonly stages: readonly VisitStage[];
  readonly current: VisitStage;
}): ReactNode {
  const { t } = useI18n();
  const at = stageIndex(stages, current);
  return (
    <nav className="steps" aria-label={t('step.label')}>
      <ol>
        {stages.map((stage, i) => (
          <li
            key={stage}
            className={i < at ? 'step past' : i === at ? 'step current' : 'step'}
            aria-current={i === at ? 'step' : undefined}
          >
            <span className="step-number" aria-hidden="true">
              {i < at ? '✓' : i + 1}
            </span>
            <span className="step-name">{t(`step.${stage}`)}</span>
            {i < at ? <span className="visually-hidden">{t('step.complete')}</span> : null}
            {i === at ? (
              <span className="visually-hidden">
                {' '}
                {t('step.position', { n: i + 1, total: stages.length })}
              </span>
            ) : null}
          </li>
        ))}
      </ol>
    </nav>
  );
}
