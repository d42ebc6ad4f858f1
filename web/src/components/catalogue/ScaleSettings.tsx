// The workspace's score scale and factor window: shown to everyone, edited by owners and
// analysts. The API refuses a scale that stored scores fall outside (409 naming the bound).
import { useState } from 'preact/hooks';
import { request } from '../../api';
import { loyaltyPath, pointerErrors, type LoyaltySettings } from '../../loyalty';
import { useI18n } from '../../i18n';
import { ErrorBox, Field } from '../ui';

export function ScaleSettings(props: { ws: string; settings: LoyaltySettings; canEdit: boolean; onSaved: (s: LoyaltySettings) => void }) {
  const { t } = useI18n();
  const s = props.settings;
  const [draft, setDraft] = useState<Record<keyof LoyaltySettings, string> | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const open = () => {
    setDraft({ score_min: String(s.score_min), score_max: String(s.score_max), factor_window_months: String(s.factor_window_months) });
    setErrors({});
    setError(null);
  };
  const save = async (e: Event) => {
    e.preventDefault();
    if (!draft) return;
    const body: Record<string, number> = {};
    const errs: Record<string, string> = {};
    for (const k of Object.keys(draft) as (keyof LoyaltySettings)[]) {
      const v = draft[k].trim();
      if (!/^-?\d+$/.test(v)) errs[k] = t('err_integer');
      else if (Number(v) !== s[k]) body[k] = Number(v);
    }
    if (Object.keys(errs).length) {
      setErrors(errs);
      return;
    }
    if (Object.keys(body).length === 0) {
      setDraft(null);
      return;
    }
    setBusy(true);
    try {
      const saved = await request<LoyaltySettings>('PATCH', loyaltyPath.settings(props.ws), { body });
      setDraft(null);
      props.onSaved(saved);
    } catch (err) {
      setErrors(pointerErrors(err));
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const input = (k: keyof LoyaltySettings, label: string) => (
    <Field label={label} name={k} error={errors[k]}>
      <input id={`f-${k}`} name={k} type="text" inputMode="numeric" value={draft ? draft[k] : ''}
        onInput={(e) => draft && setDraft({ ...draft, [k]: (e.target as HTMLInputElement).value })} />
    </Field>
  );

  return (
    <section class="panel scale-settings">
      <div class="section-head">
        <h2>{t('catalogue_settings')}</h2>
        {props.canEdit && !draft && (
          <button type="button" class="btn btn-small" data-action="edit-settings" onClick={open}>
            {t('edit')}
          </button>
        )}
      </div>
      {!draft ? (
        <p class="settings-line">
          {t('scale_line', { min: s.score_min, max: s.score_max })} · {t('window_line', { n: s.factor_window_months })}
        </p>
      ) : (
        <form onSubmit={save} noValidate>
          <ErrorBox error={error} />
          <div class="form-grid form-grid-3">
            {input('score_min', t('score_min'))}
            {input('score_max', t('score_max'))}
            {input('factor_window_months', t('factor_window'))}
          </div>
          <div class="btn-row">
            <button type="submit" class="btn btn-primary" disabled={busy}>
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
