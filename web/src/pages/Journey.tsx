// The customer journey map ("Карта пути клиента"): a board with one column per stage, each with
// the customer's goal and questions, touchpoints, solutions and live figures from assessments.
// Owners and analysts add and edit stages and items and reorder the stages.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Role } from '../api';
import { canEditCatalogue, loc, loyaltyPath, patch, type Journey, type JourneyStage } from '../loyalty';
import { useI18n } from '../i18n';
import { ErrorBox, Loading } from '../components/ui';
import { StageColumn } from '../components/journey/StageColumn';
import { StageForm } from '../components/journey/StageForm';

export function JourneyPage({ ws, role }: { ws: string; role: Role }) {
  const { t, lang } = useI18n();
  const canEdit = canEditCatalogue(role);
  const [journey, setJourney] = useState<Journey | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [adding, setAdding] = useState(false);

  useEffect(() => {
    document.title = `${t('journey_title')} · ${t('app_name')}`;
  }, [t]);
  const load = () =>
    api
      .get<Journey>(loyaltyPath.journey(ws))
      .then((j) => {
        setJourney(j);
        setLoadError(null);
      })
      .catch(setLoadError);
  useEffect(() => {
    load();
  }, [ws]);

  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(e instanceof ApiError && e.status === 412 ? new ApiError(412, { detail: t('conflict_generic') }) : e);
    } finally {
      await load();
      setBusy(false);
    }
  };

  if (loadError && !journey) return <div class="page"><ErrorBox error={loadError} onRetry={load} /></div>;
  if (!journey) return <div class="page"><Loading /></div>;
  const stages = journey.stages;
  const move = (s: JourneyStage, dir: -1 | 1) => {
    const ids = stages.map((x) => x.id);
    const i = ids.indexOf(s.id);
    const j = i + dir;
    if (j < 0 || j >= ids.length) return;
    [ids[i], ids[j]] = [ids[j], ids[i]];
    run(() => api.post(loyaltyPath.stageOrder(ws), { ids }));
  };
  const archive = (s: JourneyStage) => {
    if (!window.confirm(t('stage_hide_confirm', { name: loc(s.name, lang) }))) return;
    run(() => patch(loyaltyPath.stage(ws, s.id), { archived: true }, s.version));
  };

  return (
    <div class="page page-wide journey">
      <div class="page-head">
        <h1>{t('journey_title')}</h1>
        {canEdit && !adding && (
          <div class="page-actions">
            <button type="button" class="btn btn-primary" data-action="add-stage" onClick={() => setAdding(true)}>
              + {t('stage_add')}
            </button>
          </div>
        )}
      </div>
      <p class="muted">{t('journey_intro', { n: journey.window_months })}</p>
      <ErrorBox error={error} />
      {adding && (
        <div class="panel">
          <StageForm ws={ws} stage={null} onDone={(saved) => { setAdding(false); if (saved) load(); }} />
        </div>
      )}
      {stages.length === 0 ? (
        <p class="empty">{t('journey_empty')}</p>
      ) : (
        <div class="board">
          {stages.map((s, i) => (
            <StageColumn key={s.id} ws={ws} stage={s} index={i} count={stages.length} canEdit={canEdit} busy={busy}
              onMove={(d) => move(s, d)} onArchive={() => archive(s)} onChanged={load} />
          ))}
        </div>
      )}
    </div>
  );
}
