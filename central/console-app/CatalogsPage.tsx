import { useCallback, useEffect, useState, type ChangeEvent, type ReactElement } from 'react';
import {
  ApiError,
  loadCatalogs,
  previewCatalog,
  publishCatalog,
  type CatalogPreview,
  type KioskStatus,
  type PublishedCatalog,
  type Session,
} from './api.js';
import { Head, T, text } from './labels.js';
import type { ServiceChange, Words } from './catalog-words.js';
import type { FleetKiosk } from '../../contract/central-api.js';
import { CATALOG_REASONS, type TextKey } from './messages.js';

/**
 * The catalogs page (administrators): upload a signed catalog, read what it changes in words, choose every
 * kiosk or some groups and publish; below, every published catalog with the kiosks that applied it, rejected
 * it (and why) or have not picked it up yet, refreshed every few seconds.
 */

const CATALOGS_REFRESH_MS = 5_000;

/** A statement in Chinese with its English beside it. */
function Said({ words }: { words: Words }): ReactElement {
  return (
    <>
      <span lang="zh-CN">{words.zh}</span>{' '}
      <span lang="en" className="en">
        {words.en}
      </span>
    </>
  );
}

/** Why a catalog was refused, in words, with the technical line when there is one. */
function Reason({ code, detail }: { code: string | null; detail: string | null }): ReactElement {
  const known = code === null ? undefined : CATALOG_REASONS[code];
  return (
    <>
      {known ? <Said words={{ zh: known[0], en: known[1] }} /> : code}
      {detail ? <span className="detail">{detail}</span> : null}
    </>
  );
}

/** The fleet's note under a kiosk's catalog version: the last catalog it refused and why, in words. */
export function CatalogRejection({ kiosk }: { kiosk: FleetKiosk }): ReactElement | null {
  const rejection = kiosk.lastCatalogRejection;
  if (!rejection) return null;
  return (
    <span className="fleet-rejection">
      <T k="rejected" /> {rejection.version ?? ''}:{' '}
      <Reason code={rejection.code ?? null} detail={rejection.code === undefined ? rejection.reason : null} />
    </span>
  );
}

function localTime(iso: string): string {
  return new Date(iso).toLocaleString('zh-CN', { hour12: false });
}

/** The catalogs page. */
export function CatalogsPage({ session }: { session: Session }): ReactElement {
  const [catalogs, setCatalogs] = useState<PublishedCatalog[] | null>(null);
  const [failed, setFailed] = useState(false);
  const refresh = useCallback((): void => {
    loadCatalogs().then(
      (list) => {
        setCatalogs(list);
        setFailed(false);
      },
      () => setFailed(true),
    );
  }, []);
  useEffect(() => {
    refresh();
    const poll = setInterval(refresh, CATALOGS_REFRESH_MS);
    return () => clearInterval(poll);
  }, [refresh]);
  return (
    <div className="catalogs-page">
      <Upload session={session} onPublished={refresh} />
      <section aria-labelledby="published-title">
        <div className="toolbar">
          <h2 id="published-title">
            <T k="publishedCatalogs" />
          </h2>
          {failed ? (
            <span role="alert" className="error">
              <T k="failed" />
            </span>
          ) : null}
        </div>
        {catalogs === null ? (
          <p>
            <T k="loading" />
          </p>
        ) : catalogs.length === 0 ? (
          <p>
            <T k="noCatalogs" />
          </p>
        ) : (
          catalogs.map((catalog) => <Published key={catalog.version} catalog={catalog} />)
        )}
      </section>
    </div>
  );
}

type UploadState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'busy'; readonly what: TextKey }
  | { readonly kind: 'refused'; readonly code: string; readonly detail: string }
  | { readonly kind: 'preview'; readonly document: unknown; readonly preview: CatalogPreview }
  | { readonly kind: 'published'; readonly version: number; readonly reach: number };

function refusal(error: unknown): UploadState {
  return error instanceof ApiError
    ? { kind: 'refused', code: error.code, detail: error.detail }
    : { kind: 'refused', code: 'failed', detail: '' };
}

function Upload({ session, onPublished }: { session: Session; onPublished: () => void }): ReactElement {
  const [state, setState] = useState<UploadState>({ kind: 'idle' });
  // A new key empties the file input after a publish or a cancel.
  const [inputKey, setInputKey] = useState(0);

  const onFile = (event: ChangeEvent<HTMLInputElement>): void => {
    const file = event.target.files?.[0];
    if (!file) return;
    setState({ kind: 'busy', what: 'checking' });
    void file.text().then((content) => {
      let document: unknown;
      try {
        document = JSON.parse(content);
      } catch {
        setState({ kind: 'refused', code: 'not-json', detail: '' });
        return;
      }
      previewCatalog(session, document).then(
        (preview) => setState({ kind: 'preview', document, preview }),
        (error: unknown) => setState(refusal(error)),
      );
    });
  };

  const reset = (): void => {
    setState({ kind: 'idle' });
    setInputKey((key) => key + 1);
  };

  return (
    <section aria-labelledby="upload-title" className="panel">
      <h2 id="upload-title">
        <T k="uploadTitle" />
      </h2>
      <p className="hint">
        <T k="uploadHint" />
      </p>
      <label className="file">
        <span>
          <T k="catalogFile" />
        </span>
        <input
          key={inputKey}
          type="file"
          accept=".json,application/json"
          onChange={onFile}
          disabled={state.kind === 'busy'}
        />
      </label>
      {state.kind === 'busy' ? (
        <p role="status">
          <T k={state.what} />…
        </p>
      ) : null}
      {state.kind === 'refused' ? (
        <div role="alert" className="refusal">
          <strong>
            <T k="refusedTitle" />
          </strong>{' '}
          {state.code === 'not-json' ? (
            <T k="notJson" />
          ) : state.code === 'failed' ? (
            <T k="failed" />
          ) : (
            <Reason code={state.code} detail={state.detail} />
          )}
        </div>
      ) : null}
      {state.kind === 'published' ? (
        <p role="status" className="done">
          <T k="publishedVersion" /> {state.version} · {state.reach} <T k="kiosksCount" />
        </p>
      ) : null}
      {state.kind === 'preview' ? (
        <Preview
          preview={state.preview}
          onCancel={reset}
          onPublish={(groups) => {
            const { document, preview } = state;
            setState({ kind: 'busy', what: 'publishing' });
            publishCatalog(session, document, groups, preview.baseVersion).then(
              (published) => {
                setState({ kind: 'published', version: published.version, reach: published.reach });
                setInputKey((key) => key + 1);
                onPublished();
              },
              (error: unknown) => setState(refusal(error)),
            );
          }}
        />
      ) : null}
    </section>
  );
}

/** A titled list of statements (nothing when empty). */
function WordsList({ title, lines }: { title: TextKey; lines: readonly Words[] }): ReactElement | null {
  if (lines.length === 0) return null;
  return (
    <div>
      <h4>
        <T k={title} />
      </h4>
      <ul>
        {lines.map((line, index) => (
          <li key={index}>
            <Said words={line} />
          </li>
        ))}
      </ul>
    </div>
  );
}

function ServiceList({
  title,
  changes,
}: {
  title: TextKey;
  changes: readonly ServiceChange[];
}): ReactElement | null {
  if (changes.length === 0) return null;
  return (
    <div className={`service-list ${changes[0]?.kind ?? ''}`}>
      <h4>
        <T k={title} />
      </h4>
      <ul>
        {changes.map((change) => (
          <li key={change.id}>
            <span className="service-name">
              <Said words={change.name} />
            </span>{' '}
            <code>{change.id}</code>
            {change.details.length > 0 ? (
              <ul>
                {change.details.map((line, index) => (
                  <li key={index}>
                    <Said words={line} />
                  </li>
                ))}
              </ul>
            ) : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Preview({
  preview,
  onPublish,
  onCancel,
}: {
  preview: CatalogPreview;
  onPublish: (groups: string[] | null) => void;
  onCancel: () => void;
}): ReactElement {
  const [everyKiosk, setEveryKiosk] = useState(true);
  const [chosen, setChosen] = useState<string[]>([]);
  const { changes } = preview;
  const of = (kind: ServiceChange['kind']): ServiceChange[] =>
    changes.services.filter((s) => s.kind === kind);
  const toggle = (id: string, on: boolean): void =>
    setChosen((list) => (on ? [...list, id] : list.filter((g) => g !== id)));
  return (
    <div className="preview" aria-label={text('comparedWith')}>
      <p className="verified">
        ✓ <T k="verified" /> · <T k="version" /> {preview.version} · <T k="signingKey" />{' '}
        <code>{preview.keyId}</code> · <T k="validity" /> {preview.issuedAt.slice(0, 10)} –{' '}
        {preview.expiresAt.slice(0, 10)}
      </p>
      <h3>
        <T k="comparedWith" />
        {' · '}
        {preview.baseVersion === null ? (
          <T k="nothingPublished" />
        ) : (
          <>
            <T k="version" /> {preview.baseVersion}
          </>
        )}
      </h3>
      <div className="changes">
        <WordsList title="general" lines={changes.general} />
        {changes.services.length === 0 ? (
          <p>
            <T k="noServiceChanges" />
          </p>
        ) : null}
        <ServiceList title="servicesAdded" changes={of('added')} />
        <ServiceList title="servicesRemoved" changes={of('removed')} />
        <ServiceList title="servicesChanged" changes={of('changed')} />
        <WordsList title="otherChanges" lines={changes.other} />
      </div>
      <fieldset className="target">
        <legend>
          <T k="target" />
        </legend>
        <label>
          <input type="radio" name="target" checked={everyKiosk} onChange={() => setEveryKiosk(true)} />
          <T k="everyKiosk" />
          {preview.audience ? <T k="withinAudience" /> : null} · {preview.reachAll} <T k="kiosksCount" />
        </label>
        <label>
          <input type="radio" name="target" checked={!everyKiosk} onChange={() => setEveryKiosk(false)} />
          <T k="someGroups" />
        </label>
        {!everyKiosk ? (
          <div className="groups">
            {preview.groups.map((group) => (
              <label key={group.id} className={group.allowed ? undefined : 'disabled'}>
                <input
                  type="checkbox"
                  disabled={!group.allowed}
                  checked={chosen.includes(group.id)}
                  onChange={(e) => toggle(group.id, e.target.checked)}
                />
                {group.name ? <Said words={group.name} /> : null} <code>{group.id}</code> · {group.kiosks}{' '}
                <T k="kiosksCount" />
                {group.allowed ? null : (
                  <>
                    {' '}
                    (<T k="outsideAudience" />)
                  </>
                )}
              </label>
            ))}
          </div>
        ) : null}
      </fieldset>
      <div className="actions">
        <button
          type="button"
          disabled={!everyKiosk && chosen.length === 0}
          onClick={() => onPublish(everyKiosk ? null : chosen)}
        >
          <T k="publish" />
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          <T k="cancel" />
        </button>
        {!everyKiosk && chosen.length === 0 ? (
          <span className="hint">
            <T k="chooseGroup" />
          </span>
        ) : null}
      </div>
    </div>
  );
}

const STATE_TEXT: Record<KioskStatus['state'], TextKey> = {
  applied: 'applied',
  rejected: 'rejected',
  pending: 'pending',
  newer: 'newer',
};

function Published({ catalog }: { catalog: PublishedCatalog }): ReactElement {
  const [zhTitle, enTitle] = [`目录版本 ${catalog.version}`, `Catalog version ${catalog.version}`];
  return (
    <section className="panel published" aria-label={`${zhTitle} ${enTitle}`}>
      <h3>
        <span lang="zh-CN">{zhTitle}</span>{' '}
        <span lang="en" className="en">
          {enTitle}
        </span>
      </h3>
      <p className="meta">
        <T k="publishedAt" /> {localTime(catalog.publishedAt)} · <T k="publishedBy" />{' '}
        {catalog.publishedBy ?? '—'} · <T k="target" />{' '}
        {catalog.targetGroups === null ? <T k="everyKiosk" /> : catalog.targetGroups.join(', ')}
        {catalog.audience ? (
          <>
            {' '}
            · <T k="signedAudience" />{' '}
            {[...(catalog.audience.kioskGroups ?? []), ...(catalog.audience.kioskIds ?? [])].join(', ')}
          </>
        ) : null}
      </p>
      <p className="counts">
        {(['applied', 'rejected', 'pending', 'newer'] as const).map((state) => (
          <span key={state} className={`count state-${state}`}>
            <T k={STATE_TEXT[state]} /> {catalog.counts[state]}
          </span>
        ))}
      </p>
      {catalog.kiosks.length === 0 ? (
        <p>
          <T k="noTargetKiosks" />
        </p>
      ) : (
        <table className="catalog-kiosks">
          <Head keys={['kiosk', 'group', 'state', 'reason', 'reportedAt']} />
          <tbody>
            {catalog.kiosks.map((kiosk) => (
              <tr key={kiosk.kioskId} className={`state-${kiosk.state}`} data-state={kiosk.state}>
                <th scope="row">
                  {kiosk.kioskId}
                  {kiosk.targeted ? null : (
                    <span className="note">
                      {' '}
                      (<T k="notTargeted" />)
                    </span>
                  )}
                </th>
                <td className="groups-cell">{kiosk.groups?.length ? kiosk.groups.join(', ') : '—'}</td>
                <td>
                  <T k={STATE_TEXT[kiosk.state]} />
                </td>
                <td>
                  {kiosk.state === 'rejected' ? <Reason code={kiosk.reasonCode} detail={kiosk.reason} /> : ''}
                </td>
                <td>{kiosk.reportedAt ? localTime(kiosk.reportedAt) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
