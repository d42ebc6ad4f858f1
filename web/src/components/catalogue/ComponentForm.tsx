// The form of one loyalty component: code (new ones only), name and description in both
// languages, weight. A new component is POSTed; an edit sends only what changed, with If-Match.
import { useState } from 'preact/hooks';
import { api, ApiError } from '../../api';
import { loyaltyPath, patch, pointerErrors, type LoyaltyComponent } from '../../loyalty';
import { useI18n } from '../../i18n';
import { ErrorBox, Field } from '../ui';
import { BilingualField, fromBilingual, toBilingual, type Bilingual } from './BilingualField';

export function ComponentForm(props: { ws: string; component: LoyaltyComponent | null; onDone: (saved: boolean) => void }) {
  const { t } = useI18n();
  const c = props.component;
  const [name, setName] = useState<Bilingual>(toBilingual(c ? c.name : null));
  const [description, setDescription] = useState<Bilingual>(toBilingual(c ? c.description : null));
  const [weight, setWeight] = useState(c ? String(c.weight) : '1');
  const [code, setCode] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const save = async (e: Event) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    const w = Number(weight.replace(',', '.'));
    if (!name.ru.trim()) errs['name/ru'] = t('err_required');
    if (weight.trim() === '' || !Number.isFinite(w)) errs.weight = t('err_number');
    else if (w < 0) errs.weight = t('err_negative');
    if (Object.keys(errs).length) {
      setErrors(errs);
      return;
    }
    const body: Record<string, unknown> = {};
    const nameJ = fromBilingual(name);
    const descJ = fromBilingual(description);
    if (!c) {
      body.name = nameJ;
      if (descJ) body.description = descJ;
      body.weight = w;
      if (code.trim()) body.code = code.trim();
    } else {
      if (JSON.stringify(toBilingual(nameJ)) !== JSON.stringify(toBilingual(c.name))) body.name = nameJ;
      if (JSON.stringify(toBilingual(descJ)) !== JSON.stringify(toBilingual(c.description))) body.description = descJ;
      if (w !== c.weight) body.weight = w;
      if (Object.keys(body).length === 0) {
        props.onDone(false);
        return;
      }
    }
    setBusy(true);
    setError(null);
    try {
      if (c) await patch(loyaltyPath.component(props.ws, c.id), body, c.version);
      else await api.post(loyaltyPath.components(props.ws), body);
      props.onDone(true);
    } catch (err) {
      setErrors(pointerErrors(err));
      setError(err instanceof ApiError && err.status === 412 ? new ApiError(412, { detail: t('conflict_generic') }) : err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="panel inline-form component-form" onSubmit={save} noValidate>
      <ErrorBox error={error} />
      <BilingualField name="name" label={t('component_name')} value={name} errors={errors} onChange={setName} required />
      <BilingualField name="description" label={t('component_description')} value={description} errors={errors} onChange={setDescription} multiline />
      <div class="form-grid">
        <Field label={t('component_weight')} name="weight" error={errors.weight} hint={t('component_weight_hint')}>
          <input id="f-weight" name="weight" type="text" inputMode="decimal" value={weight} onInput={(e) => setWeight((e.target as HTMLInputElement).value)} />
        </Field>
        {!c && (
          <Field label={t('component_code')} name="code" error={errors.code} hint={t('component_code_hint')}>
            <input id="f-code" name="code" type="text" maxLength={32} value={code} onInput={(e) => setCode((e.target as HTMLInputElement).value)} />
          </Field>
        )}
      </div>
      <div class="btn-row">
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? t('saving') : c ? t('save') : t('create')}
        </button>
        <button type="button" class="btn btn-ghost" onClick={() => props.onDone(false)} disabled={busy}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
