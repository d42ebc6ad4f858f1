// A text in both languages: a Russian and an English input side by side, each with the error the
// API names for it (/name/ru, /name/en, or /name for the pair).
import { useI18n } from '../../i18n';
import { firstError } from '../../loyalty';

export interface Bilingual { ru: string; en: string }

export function BilingualField(props: {
  name: string;
  label: string;
  value: Bilingual;
  errors: Record<string, string>;
  onChange: (v: Bilingual) => void;
  required?: boolean;
  multiline?: boolean;
}) {
  const { t } = useI18n();
  const one = (lang: 'ru' | 'en') => {
    const id = `f-${props.name}-${lang}`;
    const err = firstError(props.errors, `${props.name}/${lang}`, ...(lang === 'ru' ? [props.name] : []));
    const onInput = (e: Event) => props.onChange({ ...props.value, [lang]: (e.target as HTMLInputElement).value });
    return (
      <div class={`field${err ? ' field-invalid' : ''}`}>
        <label for={id}>
          {props.label} ({lang === 'ru' ? t('lang_ru_short') : t('lang_en_short')})
          {props.required && lang === 'ru' && <span class="req" aria-hidden="true"> *</span>}
        </label>
        {props.multiline ? (
          <textarea id={id} name={`${props.name}_${lang}`} rows={2} value={props.value[lang]} onInput={onInput} />
        ) : (
          <input id={id} name={`${props.name}_${lang}`} type="text" value={props.value[lang]} onInput={onInput} />
        )}
        {err && <div class="field-error" role="alert">{err}</div>}
      </div>
    );
  };
  return (
    <div class="bilingual">
      {one('ru')}
      {one('en')}
    </div>
  );
}

export function toBilingual(x: { ru: string; en?: string | null } | null | undefined): Bilingual {
  return { ru: x ? x.ru || '' : '', en: x ? x.en || '' : '' };
}

/** The JSON for a bilingual text: null when both are empty; `en` left out when empty. */
export function fromBilingual(b: Bilingual): { ru: string; en?: string } | null {
  const ru = b.ru.trim();
  const en = b.en.trim();
  if (!ru && !en) return null;
  return en ? { ru, en } : { ru };
}
