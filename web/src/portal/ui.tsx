// Small building blocks of the portal's pages: the language switch, badges, an error box and the
// text of an API error in the reader's language. Server text is always rendered as text.
import type { ComponentChildren } from 'preact';
import { ApiError } from './api';
import { LANGS, translator, useI18n, type Key, type T } from './i18n';

export function LangSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <div class="p-lang" role="group" aria-label={t('lang_switch')}>
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

export function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  return <span class={`p-badge p-status-${status}`} data-status={status}>{t(`status_${status}` as Key)}</span>;
}

export function KindBadge({ kind }: { kind: string }) {
  const { t } = useI18n();
  return <span class="p-kind" data-kind={kind}>{t(`kind_${kind}` as Key)}</span>;
}

/** The message for an API error: ours for the known cases, else the server's detail. */
export function errorText(e: unknown, t: T): string {
  if (e instanceof ApiError) {
    if (e.status === 0) return t('network_error');
    if (e.status === 429) return t('throttled');
    return e.problem.detail || e.problem.title || t('error_generic', { status: e.status });
  }
  return t('error_generic', { status: 0 });
}

export function ErrorBox({ error, children }: { error: unknown; children?: ComponentChildren }) {
  const { t } = useI18n();
  if (!error) return null;
  return (
    <div class="p-alert p-alert-error" role="alert">
      {typeof error === 'string' ? error : errorText(error, t)}
      {children}
    </div>
  );
}

/** Per-field messages of a 422 (pointer "/subject" → "subject"). */
export function fieldErrors(e: unknown): Record<string, string> {
  return e instanceof ApiError && e.status === 422 ? e.fieldErrors() : {};
}
