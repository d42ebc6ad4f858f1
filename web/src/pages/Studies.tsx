// The studies of the workspace («Исследования»): waves of research with their kind, status,
// period and number of questions; filters by status and kind (kept in the URL), the archived
// ones on request, and a new study (owners and analysts).
import { useEffect, useState } from 'preact/hooks';
import type { Role } from '../api';
import { useI18n } from '../i18n';
import { href, navigate } from '../router';
import {
  canEditStudies, listStudies, STUDY_KINDS, STUDY_STATUSES, studyKindKey, studyStatusKey, type Study,
} from '../research';
import { ErrorBox, formatDate, Loading } from '../components/ui';
import { ResearchNav } from '../components/research/ResearchNav';
import { StudyForm } from '../components/research/StudyForm';
import { StudyStatusBadge, studyPeriod } from '../components/research/StudyBits';

export function StudiesPage({ ws, role, query }: { ws: string; role: Role; query: URLSearchParams }) {
  const { t, locale } = useI18n();
  const canEdit = canEditStudies(role);
  const status = query.get('status') || '';
  const kind = query.get('kind') || '';
  const archived = query.get('archived') === 'true';
  const [items, setItems] = useState<Study[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [creating, setCreating] = useState(false);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    document.title = `${t('studies_title')} · ${t('app_name')}`;
  }, [t]);

  useEffect(() => {
    let live = true;
    setError(null);
    listStudies(ws, { status: status || undefined, kind: kind || undefined, archived: archived || undefined })
      .then((r) => live && setItems(r.items || []))
      .catch((e) => live && setError(e));
    return () => { live = false; };
  }, [ws, status, kind, archived, tick]);

  const setFilter = (k: string, v: string) => {
    const p = new URLSearchParams(query);
    if (v) p.set(k, v);
    else p.delete(k);
    navigate(href.studies(ws, p.toString()), { replace: true });
  };
  const filtered = !!(status || kind || archived);

  return (
    <div class="page studies-page">
      <ResearchNav ws={ws} current="studies" />
      <div class="page-head">
        <h1>{t('studies_title')}</h1>
        {canEdit && !creating && (
          <div class="page-actions">
            <button type="button" class="btn btn-primary" data-action="new-study" onClick={() => setCreating(true)}>
              + {t('study_add')}
            </button>
          </div>
        )}
      </div>
      <p class="muted">{t('studies_intro')}</p>
      {creating && (
        <StudyForm
          ws={ws}
          study={null}
          onCancel={() => setCreating(false)}
          onSaved={(s) => {
            setCreating(false);
            navigate(href.study(ws, s.id));
          }}
        />
      )}
      <div class="toolbar studies-filters">
        <label class="filter">
          <span>{t('study_status')}</span>
          <select name="status" value={status} onChange={(e) => setFilter('status', (e.target as HTMLSelectElement).value)}>
            <option value="">{t('filter_any')}</option>
            {STUDY_STATUSES.map((s) => (
              <option value={s}>{t(studyStatusKey(s))}</option>
            ))}
          </select>
        </label>
        <label class="filter">
          <span>{t('study_kind')}</span>
          <select name="kind" value={kind} onChange={(e) => setFilter('kind', (e.target as HTMLSelectElement).value)}>
            <option value="">{t('filter_any')}</option>
            {STUDY_KINDS.map((k) => (
              <option value={k}>{t(studyKindKey(k))}</option>
            ))}
          </select>
        </label>
        <label class="filter check">
          <input type="checkbox" name="archived" checked={archived}
            onChange={(e) => setFilter('archived', (e.target as HTMLInputElement).checked ? 'true' : '')} />
          <span>{t('studies_archived')}</span>
        </label>
        {filtered && (
          <button type="button" class="btn btn-link" onClick={() => navigate(href.studies(ws), { replace: true })}>
            {t('filters_reset')}
          </button>
        )}
      </div>
      <ErrorBox error={error} onRetry={() => setTick(tick + 1)} />
      {!items ? (
        !error && <Loading />
      ) : items.length === 0 ? (
        <p class="empty">{filtered ? t('studies_empty_filtered') : t('studies_empty')}</p>
      ) : (
        <div class="table-wrap">
          <table class="data studies-table">
            <thead>
              <tr>
                <th>{t('study_name')}</th>
                <th>{t('study_kind')}</th>
                <th>{t('study_status')}</th>
                <th>{t('study_period')}</th>
                <th class="num">{t('study_questions')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((s) => (
                <tr class={s.archived_at ? 'archived' : ''} data-study-id={s.id}>
                  <td class="cell-name">
                    <a href={href.study(ws, s.id)}>{s.name}</a>
                    {s.archived_at && <span class="badge badge-archived">{t('archived_badge')}</span>}
                    {s.description && <div class="sub clamp">{s.description}</div>}
                  </td>
                  <td data-label={t('study_kind')}>{t(studyKindKey(s.kind))}</td>
                  <td data-label={t('study_status')}>
                    <StudyStatusBadge status={s.status} />
                  </td>
                  <td data-label={t('study_period')} class="nowrap">{studyPeriod(s, locale, formatDate)}</td>
                  <td data-label={t('study_questions')} class="num">{s.questions}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
