// The loyalty catalogue ("Каталог лояльности"): the score scale, the components in order with
// their factors, and the account map's "not contacted for N days" setting. Owners and analysts
// add, rename, reweight, reorder, retire and restore; everyone else reads. Retired components
// are listed last.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Role } from '../api';
import { canEditCatalogue, loyaltyPath, patch, type Catalogue, type Journey, type LoyaltyComponent, type LoyaltyFactor } from '../loyalty';
import { useI18n } from '../i18n';
import { ErrorBox, Loading, Notice } from '../components/ui';
import { ScaleSettings } from '../components/catalogue/ScaleSettings';
import { ComponentCard, type Editing } from '../components/catalogue/ComponentCard';
import { ComponentForm } from '../components/catalogue/ComponentForm';
import { MapSettings } from '../components/catalogue/MapSettings';

export function CataloguePage({ ws, role }: { ws: string; role: Role }) {
  const { t } = useI18n();
  const canEdit = canEditCatalogue(role);
  const [cat, setCat] = useState<Catalogue | null>(null);
  const [journey, setJourney] = useState<Journey | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState<Editing>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    document.title = `${t('catalogue_title')} · ${t('app_name')}`;
  }, [t]);
  const load = () =>
    api
      .get<Catalogue>(loyaltyPath.catalogue(ws))
      .then((c) => {
        setCat(c);
        setLoadError(null);
      })
      .catch(setLoadError);
  useEffect(() => {
    load();
    api.get<Journey>(loyaltyPath.journey(ws)).then(setJourney).catch(() => setJourney(null));
  }, [ws]);

  /** Runs one change, then reloads the catalogue; a 412 says someone else changed it first. */
  const run = async (fn: () => Promise<unknown>, done?: string) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      if (done) setNotice(done);
    } catch (e) {
      setError(e instanceof ApiError && e.status === 412 ? new ApiError(412, { detail: t('conflict_generic') }) : e);
    } finally {
      await load();
      setBusy(false);
    }
  };

  if (loadError && !cat) return <div class="page"><ErrorBox error={loadError} onRetry={load} /></div>;
  if (!cat) return <div class="page"><Loading /></div>;

  const active = cat.components.filter((c) => c.active).sort((a, b) => a.position - b.position);
  const retired = cat.components.filter((c) => !c.active);
  const move = (c: LoyaltyComponent, dir: -1 | 1) => {
    const ids = active.map((x) => x.id);
    const i = ids.indexOf(c.id);
    const j = i + dir;
    if (i < 0 || j < 0 || j >= ids.length) return;
    [ids[i], ids[j]] = [ids[j], ids[i]];
    run(() => api.post(loyaltyPath.componentOrder(ws), { ids }));
  };
  const setActive = (c: LoyaltyComponent, a: boolean) => {
    if (!a && !window.confirm(t('retire_component_confirm', { name: c.name.ru }))) return;
    run(() => patch(loyaltyPath.component(ws, c.id), { active: a }, c.version), a ? t('restored_item') : t('retired_item'));
  };
  const setFactorActive = (f: LoyaltyFactor, a: boolean) =>
    run(() => patch(loyaltyPath.factor(ws, f.id), { active: a }, f.version), a ? t('restored_item') : t('retired_item'));
  const card = (c: Catalogue['components'][number], i: number, list: Catalogue['components']) => (
    <ComponentCard
      key={c.id}
      ws={ws}
      component={c}
      journey={journey}
      canEdit={canEdit}
      busy={busy}
      first={i === 0}
      last={i === list.length - 1}
      editing={editing}
      setEditing={setEditing}
      onSaved={() => { setNotice(t('saved')); load(); }}
      onMove={(d) => move(c, d)}
      onActive={(a) => setActive(c, a)}
      onFactorActive={setFactorActive}
    />
  );

  return (
    <div class="page catalogue">
      <div class="page-head">
        <h1>{t('catalogue_title')}</h1>
        {canEdit && !editing && (
          <div class="page-actions">
            <button type="button" class="btn btn-primary" data-action="add-component" onClick={() => setEditing({ kind: 'component', id: null })}>
              + {t('component_add')}
            </button>
          </div>
        )}
      </div>
      <p class="muted">{t('catalogue_intro')}</p>
      {!canEdit && <p class="alert alert-warn">{t('catalogue_read_only')}</p>}
      <Notice text={notice} onDone={() => setNotice(null)} />
      <ErrorBox error={error} />
      <ScaleSettings ws={ws} settings={cat.settings} canEdit={canEdit} onSaved={(s) => { setCat({ ...cat, settings: s }); setNotice(t('saved')); }} />
      <MapSettings ws={ws} canEdit={canEdit} onSaved={() => setNotice(t('saved'))} />
      {editing && editing.kind === 'component' && editing.id === null && (
        <ComponentForm ws={ws} component={null} onDone={(saved) => { setEditing(null); if (saved) { setNotice(t('saved')); load(); } }} />
      )}
      {active.map((c, i) => card(c, i, active))}
      {retired.length > 0 && (
        <>
          <h2 class="retired-title">{t('retired_components')}</h2>
          {retired.map((c, i) => card(c, i, retired))}
        </>
      )}
    </div>
  );
}
