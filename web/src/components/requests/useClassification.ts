// What a request is classified by: the loyalty catalogue's components (retired ones too, so that
// an old classification still has its name), the factors of one component, and the journey's
// stages. Loaded when a page needs them; a failure leaves the list empty.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { loyaltyPath, type Journey, type JourneyStage, type LoyaltyComponent, type LoyaltyFactor } from '../../loyalty';

function useLoaded<V>(load: (() => Promise<V>) | null, deps: unknown[], empty: V): V {
  const [value, setValue] = useState<V>(empty);
  useEffect(() => {
    setValue(empty);
    if (!load) return;
    let live = true;
    load().then((v) => live && setValue(v)).catch(() => live && setValue(empty));
    return () => { live = false; };
  }, deps);
  return value;
}

const NONE: never[] = [];

export function useComponents(ws: string): LoyaltyComponent[] {
  return useLoaded(
    () => api.get<{ items: LoyaltyComponent[] }>(loyaltyPath.components(ws), { include_retired: true }).then((r) => r.items || []),
    [ws], NONE,
  );
}

export function useFactors(ws: string, componentId: number | null): LoyaltyFactor[] {
  return useLoaded(
    componentId
      ? () => api.get<{ items: LoyaltyFactor[] }>(loyaltyPath.factors(ws), { component_id: componentId, include_retired: true })
        .then((r) => r.items || [])
      : null,
    [ws, componentId], NONE,
  );
}

export function useStages(ws: string): JourneyStage[] {
  return useLoaded(() => api.get<Journey>(loyaltyPath.journey(ws)).then((j) => j.stages || []), [ws], NONE);
}
