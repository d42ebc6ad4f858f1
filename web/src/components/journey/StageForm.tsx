// The form of a journey stage: name, the customer's goal and questions, in both languages. New
// stages are POSTed; edits send what changed with If-Match.
import { useState } from 'preact/hooks';
import { api, ApiError } from '../../api';
import { loyaltyPath, patch, pointerErrors, type JourneyStage } from '../../loyalty';
import { useI18n } from '../../i18n';
import { ErrorBox } from '../ui';
import { BilingualField, fromBilingual, toBilingual, type Bilingual } from '../catalogue/BilingualField';

type Texts = Record<'name' | 'goal' | 'questions', Bilingual>;

export function StageForm(props: { ws: string; stage: JourneyStage | null; onDone: (saved: boolean) => void }) {
  const { t } = useI18n();
  const s = props.stage;
  const [texts, setTexts] = useState<Texts>({
    name: toBilingual(s ? s.name : null),
    goal: toBilingual(s ? s.goal : null),
    questions: toBilingual(s ? s.questions : null),
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const save = async (e: Event) => {
    e.preventDefault();
    if (!texts.name.ru.trim()) {
      setErrors({ 'name/ru': t('err_required') });
      return;
    }
    const body: Record<string, unknown> = {};
    for (const k of ['name', 'goal', 'questions'] as const) {
      const j = fromBilingual(texts[k]);
      if (!s) {
        if (j) body[k] = j;
      } else if (JSON.stringify(toBilingual(j)) !== JSON.stringify(toBilingual(s[k]))) body[k] = j;
    }
    if (s && Object.keys(body).length === 0) {
      props.onDone(false);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      if (s) await patch(loyaltyPath.stage(props.ws, s.id), body, s.version);
      else await api.post(loyaltyPath.stages(props.ws), body);
      props.onDone(true);
    } catch (err) {
      setErrors(pointerErrors(err));
      setError(err instanceof ApiError && err.status === 412 ? new ApiError(412, { detail: t('conflict_generic') }) : err);
    } finally {
      setBusy(false);
    }
  };
  const field = (k: keyof Texts, label: string, multiline = false) => (
    <BilingualField name={k} label={label} value={texts[k]} errors={errors} required={k === 'name'} multiline={multiline}
      onChange={(v) => setTexts({ ...texts, [k]: v })} />
  );
  return (
    <form class="stage-form" onSubmit={save} noValidate>
      <ErrorBox error={error} />
      {field('name', t('stage_name'))}
      {field('goal', t('stage_goal'), true)}
      {field('questions', t('stage_questions'), true)}
      <div class="btn-row">
        <button type="submit" class="btn btn-primary btn-small" disabled={busy}>
          {busy ? t('saving') : s ? t('save') : t('create')}
        </button>
        <button type="button" class="btn btn-ghost btn-small" onClick={() => props.onDone(false)} disabled={busy}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
