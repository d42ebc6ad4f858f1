// What the person has read, kept in this browser only: per request, the last_message_at and the
// number of messages they saw. A request is unread when it has more messages or later activity
// than that (or, never opened, activity after the portal was first used in this browser).
// Storage may be unavailable (a third-party frame): then nothing is marked unread.
type Mark = { t: string; n: number };
type Seen = { since: string; at: Record<string, Mark> };
type Shown = { id: number; last_message_at: string; messages: number };

const KEEP = 500;
const key = (personId: number) => `advocate.portal.seen.${personId}`;

function load(personId: number): Seen | null {
  try {
    const raw = window.localStorage.getItem(key(personId));
    if (raw) {
      const v = JSON.parse(raw) as Seen;
      if (v && typeof v.since === 'string' && v.at && typeof v.at === 'object') return v;
    }
    const fresh: Seen = { since: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), at: {} };
    window.localStorage.setItem(key(personId), JSON.stringify(fresh));
    return fresh;
  } catch {
    return null;
  }
}

export function isUnread(personId: number, r: Shown): boolean {
  const s = load(personId);
  if (!s) return false;
  const m = s.at[String(r.id)];
  if (!m || typeof m !== 'object') return r.last_message_at > s.since;
  return r.messages > m.n || r.last_message_at > m.t;
}

export function markSeen(personId: number, r: Shown): void {
  const s = load(personId);
  if (!s) return;
  const m = s.at[String(r.id)];
  if (m && typeof m === 'object' && m.n >= r.messages && m.t >= r.last_message_at) return;
  s.at[String(r.id)] = { t: r.last_message_at, n: r.messages };
  const entries = Object.entries(s.at).sort((a, b) => (a[1].t < b[1].t ? 1 : -1)).slice(0, KEEP);
  s.at = Object.fromEntries(entries);
  try { window.localStorage.setItem(key(personId), JSON.stringify(s)); } catch { /* ignore */ }
}
