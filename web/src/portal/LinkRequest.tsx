// Asking for a sign-in link by e-mail (POST /portal/auth/link-request): the supplier's code (known
// from the page's ?ws=, the widget or the last sign-in, else typed) and the e-mail address. The
// server answers the same whether or not the address is registered, and so does this form.
import { useState } from 'preact/hooks';
import { portal } from './api';
import { chosenLang, useI18n } from './i18n';
import { ErrorBox, fieldErrors } from './ui';

/** A login link's lifetime in minutes, for the text before the server has said it. */
const LINK_MINUTES = 30;

export function LinkRequest({ workspace, setWorkspace, workspaceKnown, email, setEmail }: {
  workspace: string;
  setWorkspace: (v: string) => void;
  workspaceKnown: boolean;
  email: string;
  setEmail: (v: string) => void;
}) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [sentMinutes, setSentMinutes] = useState(0);
  const errs = fieldErrors(error);
  const showWorkspace = !workspaceKnown || !workspace || !!errs.workspace;

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await portal.requestLink(workspace.trim().toLowerCase(), email.trim(), chosenLang() ?? undefined);
      setSentMinutes(Math.round(r.link_lifetime_seconds / 60) || LINK_MINUTES);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (sentMinutes > 0) {
    return (
      <section class="p-link-request" data-state="link-sent">
        <div class="p-alert p-alert-ok" role="status">{t('link_request_sent', { minutes: sentMinutes })}</div>
        <button type="button" class="p-btn p-btn-ghost" data-action="link-again" onClick={() => setSentMinutes(0)}>
          {t('link_request_again')}
        </button>
      </section>
    );
  }
  return (
    <section class="p-link-request">
      <h2>{t('link_request_title')}</h2>
      <p class="p-muted">{t('link_request_lead', { minutes: LINK_MINUTES })}</p>
      <form class="p-form" onSubmit={submit} data-form="link-request">
        {showWorkspace ? (
          <label class={`p-field${errs.workspace ? ' p-invalid' : ''}`}>
            <span>{t('signin_workspace')}</span>
            <input name="workspace" required autocomplete="organization" value={workspace} maxLength={64}
              onInput={(e) => setWorkspace((e.target as HTMLInputElement).value)} />
            <small class="p-muted">{t('signin_workspace_hint')}</small>
            {errs.workspace && <small class="p-field-error">{errs.workspace}</small>}
          </label>
        ) : (
          <p class="p-muted" data-workspace={workspace}>{t('link_request_supplier', { ws: workspace })}</p>
        )}
        <label class={`p-field${errs.email ? ' p-invalid' : ''}`}>
          <span>{t('signin_email')}</span>
          <input name="email" type="email" required autocomplete="email" value={email} maxLength={254}
            onInput={(e) => setEmail((e.target as HTMLInputElement).value)} />
          {errs.email && <small class="p-field-error">{errs.email}</small>}
        </label>
        {!errs.email && !errs.workspace && <ErrorBox error={error} />}
        <button class="p-btn p-btn-primary" type="submit" disabled={busy}>{t('link_request_submit')}</button>
      </form>
    </section>
  );
}
