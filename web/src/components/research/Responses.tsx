// The responses tab of a study: the list (newest first) with filters by status and channel and
// the archived ones on request; opening a response shows its answers by question text, the
// interview's notes, transcript and quotes; archive and restore it; continue a draft interview.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, wsPath, type Account, type Competitor, type Role } from '../../api';
import { loc, quoted, type Catalogue } from '../../loyalty';
import { useI18n } from '../../i18n';
import {
  canEditStudies, canRecord, CHANNELS, channelKey, listResponses, questionKindKey, researchPath, RESPONSE_STATUSES,
  responseStatusKey, type AnswerValue, type Question, type StudyResponse,
} from '../../research';
import { href } from '../../router';
import { ErrorBox, formatDateTime, Loading, Notice } from '../ui';
import { ResponsesExport, ResponsesImport } from './ResponsesImport';
import { ResponseEdit } from './ResponseEdit';

export function Responses(props: {
  ws: string;
  studyId: number;
  questions: Question[];
  catalogue: Catalogue | null;
  competitors: Competitor[];
  role: Role;
  onContinue: (r: StudyResponse) => void;
}) {
  const { t, locale } = useI18n();
  const { ws, studyId } = props;
  const [status, setStatus] = useState('');
  const [channel, setChannel] = useState('');
  const [archived, setArchived] = useState(false);
  const [items, setItems] = useState<StudyResponse[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [openId, setOpenId] = useState<number | null>(null);
  const [names, setNames] = useState<Record<number, string>>({});
  const [busy, setBusy] = useState(false);
  /** helper-ui-io: the import panel shown; the response being corrected. */
  const [importing, setImporting] = useState(false);
  const [editingId, setEditingId] = useState<number | null>(null);

  const load = (cursor: string | null = null) =>
    listResponses(ws, studyId, {
      status: status || undefined, channel: channel || undefined, archived: archived || undefined, limit: 50, cursor,
    })
      .then((r) => {
        setItems((prev) => (cursor && prev ? [...prev, ...r.items] : r.items || []));
        setNext(r.next_cursor);
        setLoadError(null);
      })
      .catch(setLoadError);
  useEffect(() => {
    setOpenId(null);
    setEditingId(null);
    load();
  }, [ws, studyId, status, channel, archived]);

  // The list names clients by id: fetch the names of those not known yet.
  useEffect(() => {
    if (!items) return;
    const missing = [...new Set(items.filter((r) => r.account_id && !r.account_name && !(r.account_id in names)).map((r) => r.account_id as number))];
    if (missing.length === 0) return;
    let live = true;
    Promise.all(
      missing.slice(0, 50).map((id) =>
        api.get<Account>(wsPath(ws, `/accounts/${id}`)).then((a) => [id, a.name] as const).catch(() => [id, `#${id}`] as const),
      ),
    ).then((pairs) => live && setNames((n) => ({ ...n, ...Object.fromEntries(pairs) })));
    return () => { live = false; };
  }, [items]);

  const accountName = (r: StudyResponse) => (r.account_id ? r.account_name || names[r.account_id] || `#${r.account_id}` : null);

  const archiveOrRestore = async (r: StudyResponse) => {
    const restoring = !!r.archived_at;
    if (!restoring && !window.confirm(t('response_archive_confirm'))) return;
    setBusy(true);
    setError(null);
    try {
      if (restoring) await api.post(researchPath.responseRestore(ws, studyId, r.id));
      else await api.del(researchPath.response(ws, studyId, r.id), r.version);
      setNotice(restoring ? t('response_restored') : t('response_archived'));
      setOpenId(null);
    } catch (e) {
      setError(e instanceof ApiError && e.status === 412 ? new ApiError(412, { detail: t('conflict_generic') }) : e);
    } finally {
      await load();
      setBusy(false);
    }
  };
  const mayChange = (r: StudyResponse) => canEditStudies(props.role) || (canRecord(props.role) && r.channel === 'interview');

  return (
    <div class="responses">
      <Notice text={notice} onDone={() => setNotice(null)} />
      <ErrorBox error={error} />
      <div class="toolbar">
        <label class="filter">
          <span>{t('response_status')}</span>
          <select name="response_status" value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value)}>
            <option value="">{t('filter_any')}</option>
            {RESPONSE_STATUSES.map((s) => (
              <option value={s}>{t(responseStatusKey(s))}</option>
            ))}
          </select>
        </label>
        <label class="filter">
          <span>{t('response_channel')}</span>
          <select name="response_channel" value={channel} onChange={(e) => setChannel((e.target as HTMLSelectElement).value)}>
            <option value="">{t('filter_any')}</option>
            {CHANNELS.map((c) => (
              <option value={c}>{t(channelKey(c))}</option>
            ))}
          </select>
        </label>
        <label class="filter check">
          <input type="checkbox" name="response_archived" checked={archived}
            onChange={(e) => setArchived((e.target as HTMLInputElement).checked)} />
          <span>{t('responses_archived')}</span>
        </label>
        <span class="toolbar-end">
          <ResponsesExport ws={ws} studyId={studyId} />
          {canEditStudies(props.role) && (
            <button type="button" class={`btn btn-small${importing ? ' active' : ''}`} data-action="import-responses"
              aria-expanded={importing} onClick={() => setImporting(!importing)}>
              {t('rio_open')}
            </button>
          )}
        </span>
      </div>
      {importing && canEditStudies(props.role) && (
        <ResponsesImport ws={ws} studyId={studyId} questions={props.questions} onImported={() => load()} onClose={() => setImporting(false)} />
      )}
      <ErrorBox error={loadError} onRetry={() => load()} />
      {!items ? (
        !loadError && <Loading />
      ) : items.length === 0 ? (
        <p class="empty">{status || channel || archived ? t('responses_empty_filtered') : t('responses_empty')}</p>
      ) : (
        <div class="table-wrap">
          <table class="data responses-table">
            <thead>
              <tr>
                <th>{t('response_when')}</th>
                <th>{t('response_client')}</th>
                <th>{t('response_channel')}</th>
                <th>{t('response_status')}</th>
                <th>{t('interview_interviewer')}</th>
                <th class="num">{t('response_answers_n')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => [
                <tr class={`${r.archived_at ? 'archived' : ''}${openId === r.id ? ' open' : ''}`} data-response-id={r.id}>
                  <td class="nowrap">
                    <button type="button" class="btn btn-link" data-action="open-response" aria-expanded={openId === r.id}
                      onClick={() => { setOpenId(openId === r.id ? null : r.id); setEditingId(null); }}>
                      {formatDateTime(r.submitted_at || r.created_at, locale)}
                    </button>
                  </td>
                  <td data-label={t('response_client')}>
                    {r.account_id ? (
                      <a href={href.account(ws, r.account_id, 'loyalty')} class="user-text">{accountName(r)}</a>
                    ) : (
                      <span class="muted">{t('response_anonymous')}</span>
                    )}
                    {r.contact_name && <div class="sub">{r.contact_name}</div>}
                  </td>
                  <td data-label={t('response_channel')}>{t(channelKey(r.channel))}</td>
                  <td data-label={t('response_status')}>
                    <span class={`badge ${r.status === 'submitted' ? 'badge-active' : 'badge-prospect'}`} data-status={r.status}>
                      {t(responseStatusKey(r.status))}
                    </span>
                    {r.archived_at && <span class="badge badge-archived">{t('archived_badge')}</span>}
                  </td>
                  <td data-label={t('interview_interviewer')}>{r.interviewer_name || '—'}</td>
                  <td data-label={t('response_answers_n')} class="num">{Object.keys(r.answers || {}).length}</td>
                </tr>,
                openId === r.id && (
                  <tr class="response-detail-row">
                    <td colSpan={6}>
                      {editingId === r.id ? (
                        <ResponseEdit ws={ws} studyId={studyId} response={r} questions={props.questions} catalogue={props.catalogue}
                          onCancel={() => setEditingId(null)}
                          onSaved={(saved) => {
                            setEditingId(null);
                            setItems((prev) => (prev ? prev.map((x) => (x.id === saved.id ? { ...x, ...saved } : x)) : prev));
                            setNotice(t('redit_saved'));
                          }} />
                      ) : (
                        <ResponseDetail response={r} questions={props.questions} catalogue={props.catalogue} />
                      )}
                      {mayChange(r) && editingId !== r.id && (
                        <div class="btn-row">
                          {r.status === 'draft' && r.channel === 'interview' && !r.archived_at && canRecord(props.role) && (
                            <button type="button" class="btn btn-primary" data-action="continue-response" onClick={() => props.onContinue(r)}>
                              {t('response_continue')}
                            </button>
                          )}
                          {r.status === 'submitted' && !r.archived_at && (
                            <button type="button" class="btn" data-action="edit-response" onClick={() => setEditingId(r.id)}>
                              {t('redit_open')}
                            </button>
                          )}
                          <button type="button" class={`btn${r.archived_at ? '' : ' btn-danger'}`} disabled={busy}
                            data-action={r.archived_at ? 'restore-response' : 'archive-response'} onClick={() => archiveOrRestore(r)}>
                            {r.archived_at ? t('restore') : t('archive')}
                          </button>
                        </div>
                      )}
                    </td>
                  </tr>
                ),
              ])}
            </tbody>
          </table>
        </div>
      )}
      {next && (
        <button type="button" class="btn" onClick={() => load(next)}>
          {t('show_more')}
        </button>
      )}
    </div>
  );
}

/** One response's answers by question text, then the interview's notes, transcript and quotes. */
export function ResponseDetail(props: { response: StudyResponse; questions: Question[]; catalogue: Catalogue | null }) {
  const { t, lang, locale } = useI18n();
  const r = props.response;
  const byCode = new Map(props.questions.map((q) => [q.code, q]));
  const factorText = (id: number) => {
    for (const c of props.catalogue ? props.catalogue.components : []) {
      const f = c.factors.find((x) => x.id === id);
      if (f) return loc(f.text, lang);
    }
    return `#${id}`;
  };
  const show = (q: Question | undefined, v: AnswerValue) => {
    if (Array.isArray(v)) return <ul class="answer-factors">{v.map((id) => <li>{factorText(id)}</li>)}</ul>;
    if (q && q.kind === 'choice' && typeof v === 'string') {
      const o = (q.options || []).find((x) => x.code === v);
      return <>{o ? loc(o.text, lang) : v}</>;
    }
    if (typeof v === 'string') return <span class="pre">{v}</span>;
    return <strong class="answer-score">{v}</strong>;
  };
  // Questions in questionnaire order, then answers to codes no longer in it.
  const ordered = [...props.questions].sort((a, b) => Number(b.active) - Number(a.active) || a.position - b.position);
  const codes = [...ordered.map((q) => q.code).filter((c) => c in (r.answers || {})),
    ...Object.keys(r.answers || {}).filter((c) => !byCode.has(c))];
  return (
    <div class="response-detail" data-response-detail={r.id}>
      <p class="meta muted">
        {t('response_created')}: {formatDateTime(r.created_at, locale)}
        {r.submitted_at && <> · {t('response_submitted_at')}: {formatDateTime(r.submitted_at, locale)}</>}
        {r.respondent_key && <> · {t('response_key')}: <code>{r.respondent_key}</code></>}
        {r.assessment_id && <> · {t('response_assessment')}</>}
      </p>
      {codes.length === 0 ? (
        <p class="empty">{t('response_no_answers')}</p>
      ) : (
        <dl class="answers">
          {codes.map((code) => {
            const q = byCode.get(code);
            return (
              <div class="answer" data-answer={code}>
                <dt>
                  {q ? loc(q.text, lang) : code}
                  <span class="muted"> · {q ? t(questionKindKey(q.kind)) : ''} <code>{code}</code></span>
                </dt>
                <dd>{show(q, r.answers[code])}</dd>
              </div>
            );
          })}
        </dl>
      )}
      {r.notes && (
        <>
          <h4>{t('interview_notes')}</h4>
          <p class="pre">{r.notes}</p>
        </>
      )}
      {r.transcript && (
        <details>
          <summary>{t('interview_transcript')}</summary>
          <p class="pre">{r.transcript}</p>
        </details>
      )}
      {r.quotes && r.quotes.length > 0 && (
        <>
          <h4>{t('interview_quotes')}</h4>
          <ul class="quotes">{r.quotes.map((q) => <li><blockquote>{quoted(q)}</blockquote></li>)}</ul>
        </>
      )}
    </div>
  );
}
