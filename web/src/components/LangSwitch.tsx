// The RU / EN language toggle.
import { LANGS, translator, useI18n } from '../i18n';

export function LangSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <div class="lang-switch" role="group" aria-label={t('lang_switch_title')}>
      {LANGS.map((l) => (
        <button
          type="button"
          class={l === lang ? 'active' : ''}
          aria-pressed={l === lang}
          lang={l}
          title={translator(l)('lang_name')}
          data-lang={l}
          onClick={() => setLang(l)}
        >
          {l.toUpperCase()}
        </button>
      ))}
    </div>
  );
}
