// Hash routing, so that the server only serves index.html at "/":
//   #/login  #/w/{slug}/accounts[?filters]  #/w/{slug}/accounts/new
//   #/w/{slug}/accounts/{id}[/{tab}]  #/w/{slug}/competitors  #/w/{slug}/import
//   #/w/{slug}/portfolio[?filters]  #/w/{slug}/journey  #/w/{slug}/loyalty/catalogue
//   #/w/{slug}/research/studies[?filters]  #/w/{slug}/research/studies/{id}[/{tab}]
//   #/w/{slug}/research/dashboard[?filters]  #/w/{slug}/research/negative-base[?filters]
//   #/w/{slug}/requests[?filters]  #/w/{slug}/requests/{id}
//   #/w/{slug}/requests/figures[?from&to&account_id]  #/w/{slug}/requests/settings
//   #/w/{slug}/requests/webhooks[?endpoint=ID]
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { name: 'login' }
  | { name: 'home' }
  | { name: 'accounts'; ws: string; query: URLSearchParams }
  | { name: 'account-new'; ws: string }
  | { name: 'account'; ws: string; id: number; tab: string }
  | { name: 'competitors'; ws: string }
  | { name: 'import'; ws: string }
  | { name: 'portfolio'; ws: string; query: URLSearchParams }
  | { name: 'journey'; ws: string }
  | { name: 'catalogue'; ws: string }
  | { name: 'studies'; ws: string; query: URLSearchParams }
  | { name: 'study'; ws: string; id: number; tab: string }
  | { name: 'research-dashboard'; ws: string; query: URLSearchParams }
  | { name: 'negative-base'; ws: string; query: URLSearchParams }
  | { name: 'requests'; ws: string; query: URLSearchParams }
  | { name: 'request'; ws: string; id: number }
  | { name: 'request-figures'; ws: string; query: URLSearchParams }
  | { name: 'request-settings'; ws: string }
  | { name: 'webhooks'; ws: string; query: URLSearchParams }
  | { name: 'notfound' };

const ROUTE_EVENT = 'advocate:route';

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/';
  const qi = raw.indexOf('?');
  const path = qi >= 0 ? raw.slice(0, qi) : raw;
  const query = new URLSearchParams(qi >= 0 ? raw.slice(qi + 1) : '');
  const parts = path.split('/').filter(Boolean).map((p) => {
    try { return decodeURIComponent(p); } catch { return p; }
  });
  if (parts.length === 0) return { name: 'home' };
  if (parts[0] === 'login' && parts.length === 1) return { name: 'login' };
  if (parts[0] === 'w' && parts.length >= 2) {
    const ws = parts[1];
    const rest = parts.slice(2);
    if (rest.length === 0) return { name: 'accounts', ws, query };
    if (rest[0] === 'accounts') {
      if (rest.length === 1) return { name: 'accounts', ws, query };
      if (rest[1] === 'new' && rest.length === 2) return { name: 'account-new', ws };
      if (/^\d+$/.test(rest[1]) && rest.length <= 3) {
        return { name: 'account', ws, id: Number(rest[1]), tab: rest[2] || 'general' };
      }
    }
    if (rest[0] === 'competitors' && rest.length === 1) return { name: 'competitors', ws };
    if (rest[0] === 'import' && rest.length === 1) return { name: 'import', ws };
    if (rest[0] === 'portfolio' && rest.length === 1) return { name: 'portfolio', ws, query };
    if (rest[0] === 'journey' && rest.length === 1) return { name: 'journey', ws };
    if (rest[0] === 'loyalty' && rest[1] === 'catalogue' && rest.length === 2) return { name: 'catalogue', ws };
    if (rest[0] === 'requests') {
      if (rest.length === 1) return { name: 'requests', ws, query };
      if (/^\d+$/.test(rest[1]) && rest.length === 2) return { name: 'request', ws, id: Number(rest[1]) };
      if (rest[1] === 'figures' && rest.length === 2) return { name: 'request-figures', ws, query };
      if (rest[1] === 'settings' && rest.length === 2) return { name: 'request-settings', ws };
      if (rest[1] === 'webhooks' && rest.length === 2) return { name: 'webhooks', ws, query };
    }
    if (rest[0] === 'research') {
      if (rest.length === 1 || (rest[1] === 'studies' && rest.length === 2)) return { name: 'studies', ws, query };
      if (rest[1] === 'studies' && /^\d+$/.test(rest[2]) && rest.length <= 4) {
        return { name: 'study', ws, id: Number(rest[2]), tab: rest[3] || 'questions' };
      }
      if (rest[1] === 'dashboard' && rest.length === 2) return { name: 'research-dashboard', ws, query };
      if (rest[1] === 'negative-base' && rest.length === 2) return { name: 'negative-base', ws, query };
    }
  }
  return { name: 'notfound' };
}

export function currentHash(): string {
  return window.location.hash || '#/';
}

/** Go to a route ("#/w/demo/accounts" or "/w/demo/accounts"); replace keeps history short. */
export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  const hash = to.startsWith('#') ? to : `#${to}`;
  if (hash === window.location.hash) return;
  if (opts.replace) {
    window.history.replaceState(null, '', hash);
    window.dispatchEvent(new Event(ROUTE_EVENT));
  } else {
    window.location.hash = hash;
  }
}

export function useHash(): string {
  const [hash, setHash] = useState(currentHash());
  useEffect(() => {
    const on = () => setHash(currentHash());
    window.addEventListener('hashchange', on);
    window.addEventListener(ROUTE_EVENT, on);
    return () => {
      window.removeEventListener('hashchange', on);
      window.removeEventListener(ROUTE_EVENT, on);
    };
  }, []);
  return hash;
}

export const href = {
  accounts: (ws: string, query?: string) => `#/w/${encodeURIComponent(ws)}/accounts${query ? `?${query}` : ''}`,
  account: (ws: string, id: number, tab?: string) =>
    `#/w/${encodeURIComponent(ws)}/accounts/${id}${tab && tab !== 'general' ? `/${tab}` : ''}`,
  newAccount: (ws: string) => `#/w/${encodeURIComponent(ws)}/accounts/new`,
  competitors: (ws: string) => `#/w/${encodeURIComponent(ws)}/competitors`,
  import: (ws: string) => `#/w/${encodeURIComponent(ws)}/import`,
  portfolio: (ws: string, query?: string) => `#/w/${encodeURIComponent(ws)}/portfolio${query ? `?${query}` : ''}`,
  journey: (ws: string) => `#/w/${encodeURIComponent(ws)}/journey`,
  catalogue: (ws: string) => `#/w/${encodeURIComponent(ws)}/loyalty/catalogue`,
  studies: (ws: string, query?: string) => `#/w/${encodeURIComponent(ws)}/research/studies${query ? `?${query}` : ''}`,
  study: (ws: string, id: number, tab?: string) =>
    `#/w/${encodeURIComponent(ws)}/research/studies/${id}${tab && tab !== 'questions' ? `/${tab}` : ''}`,
  researchDashboard: (ws: string, query?: string) => `#/w/${encodeURIComponent(ws)}/research/dashboard${query ? `?${query}` : ''}`,
  negativeBase: (ws: string, query?: string) => `#/w/${encodeURIComponent(ws)}/research/negative-base${query ? `?${query}` : ''}`,
  requests: (ws: string, query?: string) => `#/w/${encodeURIComponent(ws)}/requests${query ? `?${query}` : ''}`,
  request: (ws: string, id: number) => `#/w/${encodeURIComponent(ws)}/requests/${id}`,
  requestFigures: (ws: string, query?: string) => `#/w/${encodeURIComponent(ws)}/requests/figures${query ? `?${query}` : ''}`,
  requestSettings: (ws: string) => `#/w/${encodeURIComponent(ws)}/requests/settings`,
  webhooks: (ws: string, query?: string) => `#/w/${encodeURIComponent(ws)}/requests/webhooks${query ? `?${query}` : ''}`,
};

/** The last list URL per workspace, so "Back to the list" returns to the same filters. */
const lastList = new Map<string, string>();
export function rememberList(ws: string, hash: string): void { lastList.set(ws, hash); }
export function backToList(ws: string): string { return lastList.get(ws) || href.accounts(ws); }

/** The last inbox URL per workspace, so "All requests" returns to the same filters. */
const lastInbox = new Map<string, string>();
export function rememberInbox(ws: string, hash: string): void { lastInbox.set(ws, hash); }
export function backToInbox(ws: string): string { return lastInbox.get(ws) || href.requests(ws); }
