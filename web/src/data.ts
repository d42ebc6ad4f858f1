// Per-workspace reference data used by selectors (members, facets, competitors), cached per
// page load and refreshed when the UI changes what they are built from.
import { useEffect, useState } from 'preact/hooks';
import { api, fetchAll, wsPath, type Competitor, type Facets, type Member, type Page } from './api';

const members = new Map<string, Promise<Member[]>>();
const facets = new Map<string, Promise<Facets>>();
const competitors = new Map<string, Promise<Competitor[]>>();
let generation = 0;
const listeners = new Set<() => void>();

function cached<V>(map: Map<string, Promise<V>>, ws: string, load: () => Promise<V>): Promise<V> {
  let p = map.get(ws);
  if (!p) {
    p = load();
    map.set(ws, p);
    p.catch(() => map.delete(ws));
  }
  return p;
}

export function getMembers(ws: string): Promise<Member[]> {
  return cached(members, ws, () => api.get<Page<Member>>(wsPath(ws, '/members')).then((r) => r.items || []));
}

export function getFacets(ws: string): Promise<Facets> {
  return cached(facets, ws, () => api.get<Facets>(wsPath(ws, '/accounts/facets')));
}

export function getCompetitors(ws: string): Promise<Competitor[]> {
  return cached(competitors, ws, () => fetchAll<Competitor>(wsPath(ws, '/competitors')));
}

/** Forget cached facets/competitors of a workspace after a change, and re-render users. */
export function invalidate(ws: string, what: 'facets' | 'competitors' | 'members'): void {
  ({ facets, competitors, members })[what].delete(ws);
  generation++;
  listeners.forEach((l) => l());
}

function useCached<V>(ws: string, get: (ws: string) => Promise<V>, empty: V): V {
  const [value, setValue] = useState<V>(empty);
  const [gen, setGen] = useState(generation);
  useEffect(() => {
    const l = () => setGen(generation);
    listeners.add(l);
    return () => { listeners.delete(l); };
  }, []);
  useEffect(() => {
    let live = true;
    get(ws).then((v) => live && setValue(v)).catch(() => live && setValue(empty));
    return () => { live = false; };
  }, [ws, gen]);
  return value;
}

const NO_MEMBERS: Member[] = [];
const NO_FACETS: Facets = {};
const NO_COMPETITORS: Competitor[] = [];

export const useMembers = (ws: string) => useCached(ws, getMembers, NO_MEMBERS);
export const useFacets = (ws: string) => useCached(ws, getFacets, NO_FACETS);
export const useCompetitors = (ws: string) => useCached(ws, getCompetitors, NO_COMPETITORS);
