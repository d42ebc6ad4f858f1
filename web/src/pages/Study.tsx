// One study: its fields (edited with If-Match like every form), the interview guide, and tabs —
// Questionnaire, Invitations, Responses and Record an interview. The questions, the loyalty
// catalogue (components, factors, scale), the journey and the competitors are loaded once here
// and shared by the tabs.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Role } from '../api';
import { useI18n, type Key } from '../i18n';
import { href, navigate } from '../router';
import { useCompetitors } from '../data';
import { loyaltyPath, type Catalogue, type Journey } from '../loyalty';
import {
  canEditStudies, canRecord, getStudy, listQuestions, researchPath, studyKindKey, type Question, type Study, type StudyResponse,
} from '../research';
import { ErrorBox, formatDate, formatDateTime, Loading, Notice } from '../components/ui';
import { ResearchNav } from '../components/research/ResearchNav';
import { StudyForm } from '../components/research/StudyForm';
import { StudyStatusBadge, studyPeriod } from '../components/research/StudyBits';
import { Questionnaire } from '../components/research/Questionnaire';
import { Invitations } from '../components/research/Invitations';
import { Responses } from '../components/research/Responses';
import { InterviewForm } from '../components/research/InterviewForm';

const TABS: [string, Key][] = [
  ['questions', 'study_tab_questions'],
  ['invitations', 'study_tab_invitations'],
  ['responses', 'study_tab_responses'],
  ['interview', 'study_tab_interview'],
];

export function StudyPage({ ws, id, tab: tabParam, role }: { ws: string; id: number; tab: string; role: Role }) {
  const { t, locale } = useI18n();
  const tab = TABS.some(([k]) => k === tabParam) ? tabParam : 'questions';
  const canEdit = canEditStudies(role);
  const competitors = useCompetitors(ws);
  const [study, setStudy] = useState<Study | null>(null);
  const [questions, setQuestions] = useState<Question[]>([]);
  const [catalogue, setCatalogue] = useState<Catalogue | null>(null);
  const [journey, setJourney] = useState<Journey | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  /** A draft interview opened from the responses list to continue it. */
  const [continuing, setContinuing] = useState<StudyResponse | null>(null);

  const loadStudy = () =>
    getStudy(ws, id)
      .then((s) => {
        setStudy(s);
        setLoadError(null);
        return s;
      })
      .catch((e) => {
        setLoadError(e);
        return null;
      });
  const loadQuestions = () =>
    listQuestions(ws, id, true)
      .then((r) => setQuestions(r.items || []))
      .catch(setError);
  const reload = () => Promise.all([loadStudy(), loadQuestions()]);

  useEffect(() => {
    reload();
    api.get<Catalogue>(loyaltyPath.catalogue(ws)).then(setCatalogue).catch(() => setCatalogue(null));
    api.get<Journey>(loyaltyPath.journey(ws)).then(setJourney).catch(() => setJourney(null));
  }, [ws, id]);

  useEffect(() => {
    if (study) document.title = `${study.name} · ${t('app_name')}`;
  }, [study, t]);

  if (loadError && !study) {
    return (
      <div class="page">
        <ResearchNav ws={ws} current="studies" />
        <ErrorBox error={loadError} onRetry={reload} />
      </div>
    );
  }
  if (!study) return <div class="page"><Loading /></div>;
  const archived = !!study.archived_at;

  const archiveOrRestore = async () => {
    if (!archived && !window.confirm(t('study_archive_confirm', { name: study.name }))) return;
    setBusy(true);
    setError(null);
    try {
      if (archived) await api.post(researchPath.restore(ws, study.id));
      else await api.del(researchPath.study(ws, study.id), study.version);
      setNotice(archived ? t('study_restored') : t('study_archived'));
    } catch (e) {
      setError(e instanceof ApiError && e.status === 412 ? new ApiError(412, { detail: t('conflict_generic') }) : e);
    } finally {
      await loadStudy();
      setBusy(false);
    }
  };

  return (
    <div class="page study-page">
      <ResearchNav ws={ws} current="studies" />
      <a class="back" href={href.studies(ws)}>← {t('studies_back')}</a>
      <div class="card-head">
        <div class="card-title">
          <h1>{study.name}</h1>
          <StudyStatusBadge status={study.status} />
          {archived && <span class="badge badge-archived">{t('archived_badge')}</span>}
        </div>
        {canEdit && !editing && (
          <div class="page-actions">
            <button type="button" class="btn btn-primary" data-action="edit-study" onClick={() => setEditing(true)} disabled={busy}>
              {t('edit')}
            </button>
            <button type="button" class="btn btn-ghost" data-action={archived ? 'restore-study' : 'archive-study'}
              onClick={archiveOrRestore} disabled={busy}>
              {archived ? t('restore') : t('archive')}
            </button>
          </div>
        )}
      </div>
      <p class="meta muted">
        {t(studyKindKey(study.kind))} · {studyPeriod(study, locale, formatDate)} · {t('study_questions_n', { n: study.questions })} ·{' '}
        {t('updated_meta', { date: formatDateTime(study.updated_at, locale) })} · {t('version_meta', { n: study.version })}
      </p>
      {archived && <div class="alert alert-warn">{t('study_archived_note', { date: formatDateTime(study.archived_at, locale) })}</div>}
      <Notice text={notice} onDone={() => setNotice(null)} />
      <ErrorBox error={error} />
      {editing ? (
        <StudyForm
          ws={ws}
          study={study}
          onCancel={() => setEditing(false)}
          onConflict={() => loadStudy()}
          onSaved={(s) => {
            setStudy(s);
            setEditing(false);
            setNotice(t('saved'));
          }}
        />
      ) : (
        (study.description || study.guide) && (
          <div class="study-about">
            {study.description && <p class="pre study-description">{study.description}</p>}
            {study.guide && (
              <details class="study-guide-box">
                <summary>{t('study_guide')}</summary>
                <div class="pre study-guide">{study.guide}</div>
              </details>
            )}
          </div>
        )
      )}

      <nav class="tabs" role="tablist">
        {TABS.filter(([k]) => k !== 'interview' || canRecord(role)).map(([k, label]) => (
          <a role="tab" href={href.study(ws, id, k)} class={`tab${k === tab ? ' active' : ''}`} aria-selected={k === tab} data-tab={k}>
            {t(label)}
          </a>
        ))}
      </nav>
      <section class="tab-panel" role="tabpanel">
        {tab === 'questions' && (
          <Questionnaire ws={ws} studyId={id} questions={questions} catalogue={catalogue} journey={journey} competitors={competitors}
            canEdit={canEdit} reload={reload} />
        )}
        {tab === 'invitations' && <Invitations ws={ws} study={study} canEdit={canEdit} canInvite={canRecord(role)} />}
        {tab === 'responses' && (
          <Responses ws={ws} studyId={id} questions={questions} catalogue={catalogue} competitors={competitors} role={role}
            onContinue={(r) => {
              setContinuing(r);
              navigate(href.study(ws, id, 'interview'));
            }} />
        )}
        {tab === 'interview' && canRecord(role) && (
          <InterviewForm
            key={continuing ? `r${continuing.id}` : 'new'}
            ws={ws}
            study={study}
            questions={questions.filter((q) => q.active)}
            catalogue={catalogue}
            editing={continuing}
            onSaved={(r) => {
              setContinuing(null);
              setNotice(r.status === 'submitted' ? t('interview_submitted') : t('interview_saved_draft'));
              navigate(href.study(ws, id, 'responses'));
            }}
            onCancel={() => {
              setContinuing(null);
              navigate(href.study(ws, id, 'responses'));
            }}
          />
        )}
      </section>
    </div>
  );
}
