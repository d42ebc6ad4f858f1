// The account map's setting beside the score scale: after how many days without contact a key
// person counts as a risk (stale_days, 1–3650). Shown to everyone, edited by owners and analysts.
import { useEffect, useState } from 'preact/hooks';
import { api, request } from '../../api';
import { mapPath, type MapSettings as Settings } from '../../accountMap';
import { pointerErrors } from '../../loyalty';
import { useI18n } from '../../i18n';
import { ErrorBox, Field } from '../ui';

export function MapSettings({ ws, canEdit, onSaved }: { ws: string; canEdit: boolean; onSaved: () => void }) {
  const { t } = useI18n();
  const [s, setS] = useState<Settings | null>(null);
  const [draft, setDraft] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.get<Settings>(mapPath.settings(ws)).then(setS).catch(setError);
  }, [ws]);

  const save = async (e: Event) => {
    e.preventDefault();
    if (draft === null || !s) return;
    const v = draft.trim();
    if (!/^\d+$/.test(v)) {
      setErrors({ stale_days: t('err_integer') });
      return;
    }
    if (Number(v) === s.stale_days) {
      setDraft(null);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const saved = await request<Settings>('PATCH', mapPath.settings(ws), { body: { stale_days: Number(v) } });
      setS(saved);
      setDraft(null);
      onSaved();
    } catch (err) {
      setErrors(pointerErrors(err));
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel map-settings">
      <div class="section-head">
        <h2>{t('map_settings')}</h2>
        {canEdit && s && draft === null && (
          <button type="button" class="btn btn-small" data-action="edit-map-settings" onClick={() => { setDraft(String(s.stale_days)); setErrors({}); setError(null); }}>
            {t('edit')}
          </button>
        )}
      </div>
      {draft === null ? (
        <>
          <ErrorBox error={error} />
          {s && <p class="settings-line" data-stale-days={s.stale_days}>{t('stale_days_line', { n: s.stale_days })}</p>}
        </>
      ) : (
        <form onSubmit={save} noValidate>
          <ErrorBox error={error && !Object.keys(errors).length ? error : null} />
          <div class="form-grid form-grid-3">
            <Field label={t('stale_days')} name="stale_days" error={errors.stale_days} hint={t('stale_days_hint')}>
              <input id="f-stale_days" name="stale_days" type="text" inputMode="numeric" value={draft}
                onInput={(e) => setDraft((e.target as HTMLInputElement).value)} />
            </Field>
          </div>
          <div class="btn-row">
            <button type="submit" class="btn btn-primary" data-action="save-map-settings" disabled={busy}>
              {busy ? t('saving') : t('save')}
            </button>
            <button type="button" class="btn btn-ghost" onClick={() => setDraft(null)} disabled={busy}>
              {t('cancel')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
