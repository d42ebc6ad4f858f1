// The portal's hash routes:  #/  #/new  #/r/{id}  #/password  #/link/{token} (an invitation link:
// redeemed at once, and the URL replaced so that the token stays neither on screen nor in history).
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { name: 'list' }
  | { name: 'new' }
  | { name: 'request'; id: number }
  | { name: 'password' }
  | { name: 'link'; token: string }
  | { name: 'notfound' };

export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#/, '').split('?')[0].split('/').filter(Boolean);
  if (parts.length === 0) return { name: 'list' };
  if (parts[0] === 'link' && parts.length === 2) return { name: 'link', token: parts[1] };
  if (parts[0] === 'new' && parts.length === 1) return { name: 'new' };
  if (parts[0] === 'password' && parts.length === 1) return { name: 'password' };
  if (parts[0] === 'r' && parts.length === 2 && /^\d{1,15}$/.test(parts[1])) return { name: 'request', id: Number(parts[1]) };
  return { name: 'notfound' };
}

const ROUTE_EVENT = 'advocate-portal:route';

export function navigate(hash: string): void {
  if (window.location.hash === hash) return;
  window.location.hash = hash;
}

/** Replaces the current history entry (no back-button trace), e.g. to drop a sign-in token. */
export function replaceHash(hash: string): void {
  window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}${hash}`);
  window.dispatchEvent(new Event(ROUTE_EVENT));
}

export function useRoute(): Route {
  const [route, setRoute] = useState<Route>(() => parseHash(window.location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', on);
    window.addEventListener(ROUTE_EVENT, on);
    return () => {
      window.removeEventListener('hashchange', on);
      window.removeEventListener(ROUTE_EVENT, on);
    };
  }, []);
  return route;
}
