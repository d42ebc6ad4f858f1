// Live updates of the staff UI: one EventSource per workspace on GET /api/v1/workspaces/{ws}/events
// (src/api/live.c), shared by the pages that follow it — the inbox and the request view — through
// subscriptions by event name ("request.message", "request.status", …; src/core/events.h).
//
// Reconnection: after a dropped connection the browser reconnects by itself and sends
// Last-Event-ID, so the server replays what was missed. When the stream was refused (an HTTP
// error: the EventSource gives up), it is opened again after a growing delay with
// ?last_event_id= the last id received. Subscribers get null — "refetch all you show" — when
// events may have been missed anyway: on the channel's first connection (a page's first load may
// have raced it), on a reconnection that had no id to resume from, on "resync" from the server
// and on "workspace.changed" (a bulk change). The channel outlives its last subscriber by
// IDLE_CLOSE_MS, so going from the inbox to a request and back keeps one connection.
import { useEffect, useRef, useState } from 'preact/hooks';
import './live.css';

/** Where the stream of a workspace stands: shown discreetly on the pages that follow it. */
export type LiveState = 'connecting' | 'live' | 'reconnecting';

/** One event of the stream, as the server's payload names it. */
export interface LiveEvent {
  /** "request.message" */
  type: string;
  /** "request" */
  entity: string;
  /** The entity's id (a request's id), when given. */
  id: number | null;
  account_id: number | null;
  topic_id: number | null;
  /** A request's status after the change (request events). */
  status?: string;
  event_id: number | null;
}

/** Called with an event, or with null: refetch everything shown. */
export type LiveHandler = (e: LiveEvent | null) => void;

/** Every event the core raises about requests (src/core/request*.c, attachment.c, audit.c). */
export const REQUEST_EVENTS: readonly string[] = [
  'request.create', 'request.update', 'request.status', 'request.message', 'request.note',
  'request.attachment', 'request.attach', 'request.rate', 'request.mark', 'request.escalate',
  'request.reopen', 'request.close',
];

/** Events that stand for many changes: every subscriber refetches. */
const RESYNC_EVENTS = ['resync', 'workspace.changed'];
const RETRY_MIN_MS = 2000;
const RETRY_MAX_MS = 60000;
const IDLE_CLOSE_MS = 30000;

interface Sub { types: ReadonlySet<string>; fn: LiveHandler }

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The stream of one workspace and who follows it. */
class Channel {
  private es: EventSource | null = null;
  private readonly subs = new Set<Sub>();
  private readonly watchers = new Set<(s: LiveState) => void>();
  /** Event names listened to on the current EventSource. */
  private readonly names = new Set<string>();
  private lastId: string | null = null;
  private everOpen = false;
  private retryTimer = 0;
  private idleTimer = 0;
  private retryMs = RETRY_MIN_MS;
  state: LiveState = 'connecting';

  constructor(private readonly ws: string, private readonly onIdle: () => void) {}

  subscribe(types: readonly string[], fn: LiveHandler): () => void {
    const sub: Sub = { types: new Set(types), fn };
    this.subs.add(sub);
    for (const t of types) this.listen(t);
    this.acquire();
    return () => {
      this.subs.delete(sub);
      this.release();
    };
  }

  watch(fn: (s: LiveState) => void): () => void {
    this.watchers.add(fn);
    this.acquire();
    return () => {
      this.watchers.delete(fn);
      this.release();
    };
  }

  private acquire(): void {
    window.clearTimeout(this.idleTimer);
    this.idleTimer = 0;
    if (!this.es && !this.retryTimer) this.open(false);
  }

  private release(): void {
    if (this.subs.size || this.watchers.size) return;
    window.clearTimeout(this.idleTimer);
    this.idleTimer = window.setTimeout(() => this.close(), IDLE_CLOSE_MS);
  }

  private close(): void {
    window.clearTimeout(this.retryTimer);
    window.clearTimeout(this.idleTimer);
    this.retryTimer = this.idleTimer = 0;
    if (this.es) this.es.close();
    this.es = null;
    this.onIdle();
  }

  private setState(s: LiveState): void {
    if (this.state === s) return;
    this.state = s;
    this.watchers.forEach((fn) => fn(s));
  }

  private dispatch(e: LiveEvent | null): void {
    for (const sub of [...this.subs]) {
      if (e && !sub.types.has(e.type)) continue;
      try {
        sub.fn(e);
      } catch {
        /* one page's failure does not stop the others */
      }
    }
  }

  private readonly onEvent = (ev: Event): void => {
    const m = ev as MessageEvent;
    if (m.lastEventId) this.lastId = m.lastEventId;
    if (RESYNC_EVENTS.includes(m.type)) {
      this.dispatch(null);
      return;
    }
    let data: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(String(m.data));
      if (parsed && typeof parsed === 'object') data = parsed as Record<string, unknown>;
    } catch {
      /* the name alone still says what changed */
    }
    const type = typeof data.type === 'string' ? data.type : m.type;
    this.dispatch({
      type,
      entity: typeof data.entity === 'string' ? data.entity : type.split('.')[0],
      id: num(data.id),
      account_id: num(data.account_id),
      topic_id: num(data.topic_id),
      status: typeof data.status === 'string' ? data.status : undefined,
      event_id: num(data.event_id),
    });
  };

  private listen(name: string): void {
    if (this.names.has(name)) return;
    this.names.add(name);
    if (this.es) this.es.addEventListener(name, this.onEvent);
  }

  private open(resume: boolean): void {
    if (typeof EventSource === 'undefined') return;
    let url = `/api/v1/workspaces/${encodeURIComponent(this.ws)}/events`;
    if (resume && this.lastId) url += `?last_event_id=${encodeURIComponent(this.lastId)}`;
    const es = new EventSource(url);
    this.es = es;
    let wasOpen = false;
    for (const name of [...RESYNC_EVENTS, ...this.names]) es.addEventListener(name, this.onEvent);
    es.onopen = () => {
      if (this.es !== es) return;
      this.retryMs = RETRY_MIN_MS;
      this.setState('live');
      // The first connection may have missed what changed while the pages loaded; a
      // reconnection without an id to resume from has missed what changed while it was down.
      const missed = !this.everOpen || ((wasOpen || resume) && !this.lastId);
      wasOpen = this.everOpen = true;
      if (missed) this.dispatch(null);
    };
    es.onerror = () => {
      if (this.es !== es) return;
      if (es.readyState !== EventSource.CLOSED) {
        // The browser reconnects by itself, with Last-Event-ID.
        this.setState(this.everOpen ? 'reconnecting' : 'connecting');
        return;
      }
      // Refused (an HTTP error or a wrong answer): open again later, slower each time.
      es.close();
      this.es = null;
      this.setState(this.everOpen ? 'reconnecting' : 'connecting');
      window.clearTimeout(this.retryTimer);
      this.retryTimer = window.setTimeout(() => {
        this.retryTimer = 0;
        if (this.subs.size || this.watchers.size) this.open(true);
      }, this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
    };
  }
}

const channels = new Map<string, Channel>();

function channel(ws: string): Channel {
  let c = channels.get(ws);
  if (!c) {
    const made: Channel = new Channel(ws, () => {
      if (channels.get(ws) === made) channels.delete(ws);
    });
    channels.set(ws, made);
    c = made;
  }
  return c;
}

/**
 * Calls fn on every event of ws named in types (and with null when everything should be
 * refetched) while the component is mounted; fn may change between renders. A null ws follows
 * nothing (for components that are live only on some pages).
 */
export function useLive(ws: string | null, types: readonly string[], fn: LiveHandler): void {
  const ref = useRef(fn);
  ref.current = fn;
  const key = types.join(',');
  useEffect(() => (ws === null ? undefined : channel(ws).subscribe(types, (e) => ref.current(e))), [ws, key]);
}

/** The connection state of ws's stream (following it keeps the stream open). */
export function useLiveState(ws: string): LiveState {
  const [state, setState] = useState<LiveState>(() => channels.get(ws)?.state ?? 'connecting');
  useEffect(() => {
    const c = channel(ws);
    const off = c.watch(setState);
    setState(c.state);
    return off;
  }, [ws]);
  return state;
}

/**
 * A throttled runner for refetches on live events: run() asks for fn soon (after delayMs); asks
 * while it waits or runs are folded into one more run after it, never sooner than gapMs after
 * the previous run began. Cancel on unmount.
 */
export function useThrottled(fn: () => Promise<unknown> | void, delayMs = 150, gapMs = 700) {
  const ref = useRef(fn);
  ref.current = fn;
  const st = useRef({ timer: 0, running: false, again: false, last: 0 });
  const runner = useRef<{ run: () => void; cancel: () => void } | null>(null);
  if (!runner.current) {
    const fire = async () => {
      const s = st.current;
      s.timer = 0;
      s.running = true;
      s.last = Date.now();
      try {
        await ref.current();
      } catch {
        /* the page shows its own errors */
      } finally {
        s.running = false;
        if (s.again) {
          s.again = false;
          schedule();
        }
      }
    };
    const schedule = () => {
      const s = st.current;
      if (s.timer) return;
      if (s.running) {
        s.again = true;
        return;
      }
      const wait = Math.max(delayMs, s.last + gapMs - Date.now());
      s.timer = window.setTimeout(fire, wait);
    };
    runner.current = {
      run: schedule,
      cancel: () => {
        window.clearTimeout(st.current.timer);
        st.current.timer = 0;
        st.current.again = false;
      },
    };
  }
  useEffect(() => () => runner.current?.cancel(), []);
  return runner.current;
}
