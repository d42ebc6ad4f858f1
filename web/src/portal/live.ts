// Live updates of the portal: one EventSource on /api/v1/portal/events for the person's company,
// shared by the pages through a small subscription list. Events are named ("request.message",
// "request.status", …); each page refetches what an event concerns (topic_id = the request's id).
// After a reconnection, or a "resync" from the server, every subscriber refetches all it shows.
import { useEffect, useRef, useState } from 'preact/hooks';
import { EVENTS_URL } from './api';

/** A live event, or null for "refetch everything" (a reconnection or a resync). */
export interface LiveEvent { type: string; topic_id: number | null; status?: string }
type Listener = (e: LiveEvent | null) => void;

const EVENT_NAMES = ['request.create', 'request.status', 'request.message', 'request.rate', 'request.mark', 'request.update'];
const RETRY_MIN_MS = 3000;
const RETRY_MAX_MS = 60000;

const listeners = new Set<Listener>();
const stateListeners = new Set<(up: boolean) => void>();
let source: EventSource | null = null;
let retryTimer = 0;
let retryMs = RETRY_MIN_MS;
let wanted = false;
let everOpen = false;
let up = false;

function setUp(v: boolean): void {
  if (up === v) return;
  up = v;
  stateListeners.forEach((fn) => fn(v));
}

function dispatch(e: LiveEvent | null): void {
  listeners.forEach((fn) => {
    try { fn(e); } catch { /* one page's failure does not stop the others */ }
  });
}

function onNamed(ev: MessageEvent): void {
  let data: { type?: unknown; topic_id?: unknown; status?: unknown } = {};
  try { data = JSON.parse(String(ev.data)); } catch { /* keep the name only */ }
  dispatch({
    type: typeof data.type === 'string' ? data.type : ev.type,
    topic_id: typeof data.topic_id === 'number' ? data.topic_id : null,
    status: typeof data.status === 'string' ? data.status : undefined,
  });
}

function open(): void {
  if (!wanted || source || typeof EventSource === 'undefined') return;
  const es = new EventSource(EVENTS_URL);
  source = es;
  es.onopen = () => {
    retryMs = RETRY_MIN_MS;
    setUp(true);
    // Events sent while the stream was down came with Last-Event-ID, but a first connection
    // after a refused one (or a resync) may have missed some: refetch what is shown.
    if (everOpen) dispatch(null);
    everOpen = true;
  };
  es.onmessage = onNamed;
  for (const name of EVENT_NAMES) es.addEventListener(name, onNamed as EventListener);
  es.addEventListener('resync', () => dispatch(null));
  es.onerror = () => {
    setUp(false);
    if (es.readyState !== EventSource.CLOSED) return; // the browser reconnects by itself
    // Refused (an HTTP error): try again later, slower each time.
    es.close();
    if (source === es) source = null;
    window.clearTimeout(retryTimer);
    retryTimer = window.setTimeout(() => { everOpen = true; open(); }, retryMs);
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
  };
}

/** Starts the stream (signed in) or stops it (signed out). */
export function liveConnect(on: boolean): void {
  wanted = on;
  if (on) {
    open();
    return;
  }
  window.clearTimeout(retryTimer);
  if (source) source.close();
  source = null;
  everOpen = false;
  retryMs = RETRY_MIN_MS;
  setUp(false);
}

/** Calls fn on every live event while the component is mounted (fn may change between renders). */
export function useLive(fn: Listener): void {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    const l: Listener = (e) => ref.current(e);
    listeners.add(l);
    return () => { listeners.delete(l); };
  }, []);
}

/** Whether the stream is connected now. */
export function useLiveUp(): boolean {
  const [v, setV] = useState(up);
  useEffect(() => {
    stateListeners.add(setV);
    setV(up);
    return () => { stateListeners.delete(setV); };
  }, []);
  return v;
}
