// One request of the dialog window: its header (subject, company, person, kind, status,
// priority, dates), the conversation with internal notes, the reply box, and the side panel that
// changes status, assignee, priority and classification — each change with If-Match. A 412
// offers a reload; a 409 or 422 shows the server's detail beside the field.
// Live: the request's events (src/live.ts) refetch it, so others' messages, notes and changes
// appear without a reload; what is shown is replaced only by a copy at least as new (version),
// the message just posted is shown once (by id), and the reply box keeps what is being typed.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, type Role } from '../api';
import { useI18n } from '../i18n';
import { REQUEST_EVENTS, useLive, useLiveState, useThrottled } from '../live';
import { backToInbox } from '../router';
import { useMembers } from '../data';
import { pointerErrors } from '../loyalty';
import { canHandle, requestPath, type Req, type RequestMessage } from '../requests';
import { ErrorBox, errorText, Loading, Notice } from '../components/ui';
import { KindBadge, PriorityBadge, ReqStatusBadge } from '../components/requests/RequestBits';
import { RequestFacts } from '../components/requests/RequestFacts';
import { Thread } from '../components/requests/Thread';
import { ReplyBox } from '../components/requests/ReplyBox';
import { RequestSide, type Patch } from '../components/requests/RequestSide';
import { LiveBadge } from '../components/requests/LiveBadge';

const NO_IDS: ReadonlySet<number> = new Set();
const FRESH_MS = 4000;

/** The messages of a thread and more, each id once, oldest first. */
function mergeThread(thread: RequestMessage[], more: RequestMessage[]): RequestMessage[] {
  const seen = new Set(thread.map((m) => m.id));
  const out = [...thread];
  for (const m of more) {
    if (seen.has(m.id)) continue;
    seen.add(m.id);
    out.push(m);
  }
  return out.sort((a, b) => a.id - b.id);
}

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
  /** Messages that arrived live from others, highlighted for a moment. */
  const [fresh, setFresh] = useState<ReadonlySet<number>>(NO_IDS);
  const [announce, setAnnounce] = useState('');
  const live = useLiveState(ws);
  /** The copy shown (or about to be): what newer answers are compared with. */
  const shown = useRef<Req | null>(null);
  /** Ids of the messages this page posted: not news to the one who wrote them. */
  const mine = useRef<Set<number>>(new Set());
  const freshTimer = useRef(0);
  useEffect(() => () => window.clearTimeout(freshTimer.current), []);

  /**
   * Shows r unless the copy shown is newer (an answer that overtook a slower one); thread is the
   * thread to show with it (a GET's own, or the one shown plus the message just posted). False
   * when r was older.
   */
  const show = (r: Req, thread: RequestMessage[]) => {
    const prev = shown.current;
    if (prev && r.version < prev.version) return false;
    const next = { ...r, thread };
    if (prev) {
      const had = new Set((prev.thread || []).map((m) => m.id));
      const added = thread.filter((m) => !had.has(m.id) && !mine.current.has(m.id)).map((m) => m.id);
      if (added.length) {
        setFresh(new Set(added));
        setAnnounce(t('live_new_messages'));
        window.clearTimeout(freshTimer.current);
        freshTimer.current = window.setTimeout(() => setFresh(NO_IDS), FRESH_MS);
      }
    }
    shown.current = next;
    setReq(next);
    return true;
  };

  const load = () =>
    api.get<Req>(requestPath.one(ws, id))
      .then((r) => {
        show(r, r.thread || []);
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

  // Any event about this request (a message, a note, a change of status, assignee or
  // classification, …) refetches it; null after a reconnection that may have missed some.
  const refetch = useThrottled(load, 100, 500);
  useLive(ws, REQUEST_EVENTS, (e) => {
    if (e === null || e.id === id) refetch.run();
  });
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
      const updated = await api.patch<Req>(requestPath.one(ws, id), p, (shown.current || req).version);
      show(updated, (shown.current || req).thread || []);
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
    <div class="page page-wide request-page" data-request-id={req.id} data-version={req.version}>
      <a class="back" href={backToInbox(ws)}>← {t('requests_back')}</a>
      <div class="card-head">
        <div class="card-title">
          <h1 class="user-text">{req.subject}</h1>
          <ReqStatusBadge status={req.status} />
          <PriorityBadge priority={req.priority} />
          <KindBadge kind={req.kind} />
        </div>
        <LiveBadge ws={ws} />
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
          <Thread messages={req.thread || []} fresh={fresh} />
          <div class="sr-only" aria-live="polite">{announce}</div>
          {canEdit ? (
            <ReplyBox ws={ws} req={req} onPosted={async (how, posted) => {
              mine.current.add(posted.message.id);
              const base = shown.current || req;
              show(posted.request, mergeThread(base.thread || [], [posted.message]));
              // Without the stream, nothing else brings what changed around the message.
              if (live !== 'live') await load();
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
