// The form of one factor: text in both languages, polarity (+ − 0), and the journey stage and
// touchpoint or solution it is tied to. New factors are POSTed; edits send what changed.
import { useState } from 'preact/hooks';
import { api, ApiError } from '../../api';
import { loc, loyaltyPath, patch, pointerErrors, POLARITIES, polaritySign, type Journey, type LoyaltyFactor, type Polarity } from '../../loyalty';
import { useI18n } from '../../i18n';
import { ErrorBox, Field } from '../ui';
import { BilingualField, fromBilingual, toBilingual, type Bilingual } from './BilingualField';

export function FactorForm(props: {
  ws: string;
  componentId: number;
  factor: LoyaltyFactor | null;
  journey: Journey | null;
  onDone: (saved: boolean) => void;
}) {
  const { t, lang } = useI18n();
  const f = props.factor;
  const [text, setText] = useState<Bilingual>(toBilingual(f ? f.text : null));
  const [polarity, setPolarity] = useState<Polarity>(f ? f.polarity : '-');
  const [stageId, setStageId] = useState(f && f.stage_id ? String(f.stage_id) : '');
  const [itemId, setItemId] = useState(f && f.item_id ? String(f.item_id) : '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const stage = props.journey && stageId ? props.journey.stages.find((s) => String(s.id) === stageId) : undefined;
  const polarityWord = (p: Polarity) => (p === '+' ? t('polarity_pos') : p === '-' ? t('polarity_neg') : t('polarity_neu'));

  const save = async (e: Event) => {
    e.preventDefault();
    if (!text.ru.trim()) {
      setErrors({ 'text/ru': t('err_required') });
      return;
    }
    const textJ = fromBilingual(text);
    const sid = stageId ? Number(stageId) : null;
    const iid = stageId && itemId ? Number(itemId) : null;
    const body: Record<string, unknown> = {};
    if (!f) {
      Object.assign(body, { component_id: props.componentId, text: textJ, polarity });
      if (sid !== null) body.stage_id = sid;
      if (iid !== null) body.item_id = iid;
    } else {
      if (JSON.stringify(toBilingual(textJ)) !== JSON.stringify(toBilingual(f.text))) body.text = textJ;
      if (polarity !== f.polarity) body.polarity = polarity;
      if (sid !== f.stage_id) body.stage_id = sid;
      if (iid !== f.item_id) body.item_id = iid;
      if (Object.keys(body).length === 0) {
        props.onDone(false);
        return;
      }
    }
    setBusy(true);
    setError(null);
    try {
      if (f) await patch(loyaltyPath.factor(props.ws, f.id), body, f.version);
      else await api.post(loyaltyPath.factors(props.ws), body);
      props.onDone(true);
    } catch (err) {
      setErrors(pointerErrors(err));
      setError(err instanceof ApiError && err.status === 412 ? new ApiError(412, { detail: t('conflict_generic') }) : err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="panel inline-form factor-form" onSubmit={save} noValidate>
      <ErrorBox error={error} />
      <BilingualField name="text" label={t('factor_text')} value={text} errors={errors} onChange={setText} required />
      <div class="form-grid form-grid-3">
        <Field label={t('factor_polarity')} name="polarity" error={errors.polarity}>
          <select id="f-polarity" name="polarity" value={polarity} onChange={(e) => setPolarity((e.target as HTMLSelectElement).value as Polarity)}>
            {POLARITIES.map((p) => (
              <option value={p}>
                {polaritySign(p)} {polarityWord(p)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('journey_stage')} name="stage_id" error={errors.stage_id}>
          <select id="f-stage_id" name="stage_id" value={stageId}
            onChange={(e) => { setStageId((e.target as HTMLSelectElement).value); setItemId(''); }}>
            <option value="">{t('none_option')}</option>
            {(props.journey ? props.journey.stages : []).map((s) => (
              <option value={String(s.id)}>{loc(s.name, lang)}</option>
            ))}
          </select>
        </Field>
        <Field label={t('journey_item')} name="item_id" error={errors.item_id}>
          <select id="f-item_id" name="item_id" value={itemId} disabled={!stage} onChange={(e) => setItemId((e.target as HTMLSelectElement).value)}>
            <option value="">{t('none_option')}</option>
            {stage && [...stage.touchpoints, ...stage.solutions].map((it) => (
              <option value={String(it.id)}>{loc(it.name, lang)}</option>
            ))}
          </select>
        </Field>
      </div>
      <div class="btn-row">
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? t('saving') : f ? t('save') : t('create')}
        </button>
        <button type="button" class="btn btn-ghost" onClick={() => props.onDone(false)} disabled={busy}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
