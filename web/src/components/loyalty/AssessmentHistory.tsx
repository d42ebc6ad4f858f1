// The client's assessments, newest first: date, source, author, version and scores; one opens to
// show its factors and evidence, its earlier versions, and (for those who assess) "Correct",
// which opens the form for a new version.
import { useState } from 'preact/hooks';
import { api, type Page } from '../../api';
import { loc, loyaltyPath, quoted, type Assessment, type Catalogue } from '../../loyalty';
import { useI18n, type Key } from '../../i18n';
import { ErrorBox, formatDate, formatDateTime } from '../ui';
import { PolarityMark } from './Polarity';

export function AssessmentHistory(props: {
  ws: string;
  accountId: number;
  items: Assessment[];
  catalogue: Catalogue;
  canEdit: boolean;
  onCorrect: (a: Assessment) => void;
}) {
  const { t } = useI18n();
  const [open, setOpen] = useState<number | null>(null);
  if (props.items.length === 0) return <p class="empty">{t('assessments_empty')}</p>;
  return (
    <ol class="assessments">
      {props.items.map((a) => (
        <li class={`assessment${open === a.id ? ' open' : ''}`} data-assessment-id={a.id}>
          <AssessmentRow a={a} catalogue={props.catalogue} onToggle={() => setOpen(open === a.id ? null : a.id)} open={open === a.id} />
          {open === a.id && (
            <AssessmentDetails ws={props.ws} accountId={props.accountId} a={a} catalogue={props.catalogue}
              canEdit={props.canEdit} onCorrect={() => props.onCorrect(a)} />
          )}
        </li>
      ))}
    </ol>
  );
}

function AssessmentRow({ a, catalogue, open, onToggle }: { a: Assessment; catalogue: Catalogue; open: boolean; onToggle: () => void }) {
  const { t, lang, locale } = useI18n();
  const name = (cid: number) => {
    const c = catalogue.components.find((x) => x.id === cid);
    return c ? loc(c.name, lang) : `#${cid}`;
  };
  return (
    <button type="button" class="assessment-row" aria-expanded={open} onClick={onToggle}>
      <span class="a-date">{formatDate(a.assessed_on, locale)}</span>
      <span class="badge">{t(`source_${a.source}` as Key)}</span>
      {a.version > 1 && <span class="badge badge-entity">{t('version_short', { n: a.version })}</span>}
      <span class="a-scores">
        {a.components.filter((c) => c.score !== null).map((c) => (
          <span class="a-score">
            {name(c.component_id)}: <strong>{c.score}</strong>
          </span>
        ))}
      </span>
      <span class="muted a-author user-text">{who(a, '')}</span>
    </button>
  );
}

function AssessmentDetails(props: {
  ws: string;
  accountId: number;
  a: Assessment;
  catalogue: Catalogue;
  canEdit: boolean;
  onCorrect: () => void;
}) {
  const { t, lang, locale } = useI18n();
  const { a, catalogue } = props;
  const [versions, setVersions] = useState<Assessment[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const factor = (fid: number) => {
    for (const c of catalogue.components) for (const f of c.factors) if (f.id === fid) return f;
    return null;
  };
  const comp = (cid: number) => catalogue.components.find((x) => x.id === cid);
  const loadVersions = () =>
    api
      .get<Page<Assessment> | Assessment[]>(loyaltyPath.versions(props.ws, props.accountId, a.id))
      .then((r) => setVersions(Array.isArray(r) ? r : r.items))
      .catch(setError);
  return (
    <div class="assessment-details">
      <p class="muted">
        {a.person && <>{t('assessment_person')}: <span class="user-text">{a.person}</span> · </>}
        {a.recommend !== null && <>{t('recommend_label')}: {a.recommend} · </>}
        {t('recorded_meta', { date: formatDateTime(a.created_at, locale) })}{' '}
        <span class="user-text">{who(a, t('history_system'))}</span>
      </p>
      {a.summary && <p class="pre summary user-text">{a.summary}</p>}
      {a.components.map((c) => {
        const cc = comp(c.component_id);
        return (
          <div class="detail-component">
            <strong>{cc ? loc(cc.name, lang) : `#${c.component_id}`}</strong>: {c.score === null ? t('dash') : c.score}
            {c.comment && <span class="muted"> — <span class="user-text">{c.comment}</span></span>}
            {c.factors.length > 0 && (
              <ul class="detail-factors">
                {c.factors.map((f) => {
                  const ff = factor(f.factor_id);
                  return (
                    <li>
                      {ff && <PolarityMark polarity={ff.polarity} />} {ff ? loc(ff.text, lang) : `#${f.factor_id}`}
                      {f.evidence && <span class="evidence user-text"> {quoted(f.evidence)}</span>}
                    </li>
                  );
                })}
              </ul>
            )}
          </div>
        );
      })}
      <div class="btn-row">
        {props.canEdit && (
          <button type="button" class="btn btn-small" data-action="correct" onClick={props.onCorrect}>
            {t('assessment_correct')}
          </button>
        )}
        {a.version > 1 && versions === null && (
          <button type="button" class="btn btn-small btn-ghost" data-action="versions" onClick={loadVersions}>
            {t('assessment_versions')}
          </button>
        )}
      </div>
      <ErrorBox error={error} />
      {versions && (
        <ol class="versions">
          {versions.map((v) => (
            <li>
              <strong>{t('version_short', { n: v.version })}</strong>{' '}
              <span class="muted">
                {formatDateTime(v.created_at, locale)} · <span class="user-text">{who(v, t('history_system'))}</span>
              </span>
              {' — '}
              {formatDate(v.assessed_on, locale)}:{' '}
              {v.components.filter((c) => c.score !== null).map((c) => {
                const cc = comp(c.component_id);
                return `${cc ? loc(cc.name, lang) : `#${c.component_id}`} ${c.score}`;
              }).join(', ') || t('dash')}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

function who(a: Assessment, none: string): string {
  return a.author ? a.author.name || a.author.email : none;
}
