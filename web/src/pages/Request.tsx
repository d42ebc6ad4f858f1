// One request of the dialog window: its header (subject, company, person, kind, status,
// priority, dates), the conversation with internal notes, the reply box, and the side panel that
// changes status, assignee, priority and classification — each change with If-Match. A 412
// offers a reload; a 409 or 422 shows the server's detail beside the field.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Role } from '../api';
import { useI18n } from '../i18n';
import { backToInbox } from '../router';
import { useMembers } from '../data';
import { pointerErrors } from '../loyalty';
import { canHandle, requestPath, type Req } from '../requests';
import { ErrorBox, errorText, Loading, Notice } from '../components/ui';
import { KindBadge, PriorityBadge, ReqStatusBadge } from '../components/requests/RequestBits';
import { RequestFacts } from '../components/requests/RequestFacts';
import { Thread } from '../components/requests/Thread';
import { ReplyBox } from '../components/requests/ReplyBox';
import { RequestSide, type Patch } from '../components/requests/RequestSide';

export function RequestPage({ ws, id, role, me }: { ws: string; id: number; role: Role; me: string }) {
  const { t } = useI18n();
  const members = useMembers(ws);
  const canEdit = canHandle(role);
  const [req, setReq] = useState<Req | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [conflict, setConflict] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  /** Remounts the side panel so that its selects show the server's values after a refused change. */
  const [sideKey, setSideKey] = useState(0);

  const load = () =>
    api.get<Req>(requestPath.one(ws, id))
      .then((r) => {
        setReq(r);
        setLoadError(null);
        return r;
      })
      .catch((e) => {
        setLoadError(e);
        return null;
      });
  useEffect(() => {
    load();
  }, [ws, id]);
  useEffect(() => {
    if (req) document.title = `${req.subject} · ${t('app_name')}`;
  }, [req && req.subject, t]);

  if (!req) {
    return (
      <div class="page">
        <a class="back" href={backToInbox(ws)}>← {t('requests_back')}</a>
        {loadError ? <ErrorBox error={loadError} onRetry={load} /> : <Loading />}
      </div>
    );
  }

  const patch = async (p: Patch) => {
    setBusy(true);
    setErrors({});
    try {
      const updated = await api.patch<Req>(requestPath.one(ws, id), p, req.version);
      setReq({ ...updated, thread: req.thread });
      setConflict(false);
      setNotice(t('saved'));
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) setConflict(true);
      else {
        const byField = pointerErrors(e);
        if (!Object.keys(byField).length) byField[Object.keys(p)[0]] = errorText(e, t);
        setErrors(byField);
      }
      setSideKey((k) => k + 1);
    } finally {
      setBusy(false);
    }
  };
  const reload = async () => {
    setBusy(true);
    const r = await load();
    if (r) {
      setConflict(false);
      setErrors({});
      setSideKey((k) => k + 1);
    }
    setBusy(false);
  };

  return (
    <div class="page page-wide request-page" data-request-id={req.id}>
      <a class="back" href={backToInbox(ws)}>← {t('requests_back')}</a>
      <div class="card-head">
        <div class="card-title">
          <h1 class="user-text">{req.subject}</h1>
          <ReqStatusBadge status={req.status} />
          <PriorityBadge priority={req.priority} />
          <KindBadge kind={req.kind} />
        </div>
      </div>
      <RequestFacts ws={ws} req={req} />
      {conflict && (
        <div class="alert alert-conflict request-conflict" role="alert" data-conflict>
          <span>{t('request_conflict')}</span>
          <button type="button" class="btn btn-small btn-primary" data-action="reload-request" onClick={reload} disabled={busy}>
            {t('request_reload')}
          </button>
        </div>
      )}
      <Notice text={notice} onDone={() => setNotice(null)} />
      <div class="request-layout">
        <div class="request-main">
          <Thread messages={req.thread || []} />
          {canEdit ? (
            <ReplyBox ws={ws} req={req} onPosted={async (how) => {
              await load();
              setErrors({});
              setNotice(how === 'note' ? t('reply_noted') : t('reply_sent'));
            }} />
          ) : (
            <p class="muted">{t('reply_read_only')}</p>
          )}
        </div>
        <RequestSide resetKey={sideKey} ws={ws} req={req} members={members} me={me} canEdit={canEdit} busy={busy}
          errors={errors} onPatch={patch} />
      </div>
    </div>
  );
}
