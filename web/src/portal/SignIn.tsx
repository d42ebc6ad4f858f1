// The sign-in screen: the notice of a dead link with the form that e-mails a new one (or, failing
// that, the advice to ask the supplier's manager for a new invitation), sign-in by supplier code,
// e-mail and password, and the same link form on request.
import { useState } from 'preact/hooks';
import { ApiError, portal, type PortalSession } from './api';
import { useI18n, type Key } from './i18n';
import { LinkRequest } from './LinkRequest';
import { ErrorBox, LangSwitch } from './ui';

const WS_KEY = 'advocate.portal.workspace';

export function rememberWorkspace(slug: string): void {
  try { window.localStorage.setItem(WS_KEY, slug); } catch { /* ignore */ }
}

function lastWorkspace(): string {
  const q = new URLSearchParams(window.location.search).get('ws');
  if (q) return q;
  try { return window.localStorage.getItem(WS_KEY) || ''; } catch { return ''; }
}

export function SignIn({ linkDead, notice, framed, onSignedIn }: {
  linkDead: boolean;
  notice: Key | null;
  framed: boolean;
  onSignedIn: (s: PortalSession) => Promise<void>;
}) {
  const { t } = useI18n();
  const [workspace, setWorkspace] = useState(lastWorkspace);
  const [workspaceKnown] = useState(() => lastWorkspace() !== '');
  const [email, setEmail] = useState('');
  const [asking, setAsking] = useState(false);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSignedIn(await portal.login(workspace.trim(), email.trim(), password));
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? t('signin_wrong') : err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="p-signin">
      <div class="p-signin-top"><LangSwitch /></div>
      <div class="p-card p-signin-card">
        {linkDead && (
          <div class="p-alert p-alert-warn p-link-dead" role="alert" data-problem="link">
            <strong>{t('link_dead_title')}</strong>
            <p>{t('link_dead_text')}</p>
          </div>
        )}
        {framed && (
          <div class="p-alert p-alert-warn" role="alert" data-problem="frame">
            <p>{t('framed_no_cookie')}</p>
            <a href={`${window.location.pathname}${window.location.search}`} target="_blank" rel="noopener">{t('open_full')}</a>
          </div>
        )}
        {notice && !linkDead && <div class="p-alert p-alert-info" role="status">{t(notice)}</div>}
        <h1>{t('signin_title')}</h1>
        {linkDead && (
          <LinkRequest workspace={workspace} setWorkspace={setWorkspace} workspaceKnown={workspaceKnown}
            email={email} setEmail={setEmail} />
        )}
        <p class="p-muted">{linkDead ? t('link_dead_or') : t('signin_lead')}</p>
        <form class="p-form" onSubmit={submit} data-form="signin">
          <label class="p-field">
            <span>{t('signin_workspace')}</span>
            <input name="workspace" required autocomplete="organization" value={workspace} maxLength={64}
              onInput={(e) => setWorkspace((e.target as HTMLInputElement).value)} />
            <small class="p-muted">{t('signin_workspace_hint')}</small>
          </label>
          <label class="p-field">
            <span>{t('signin_email')}</span>
            <input name="email" type="email" required autocomplete="username" value={email} maxLength={254}
              onInput={(e) => setEmail((e.target as HTMLInputElement).value)} />
          </label>
          <label class="p-field">
            <span>{t('signin_password')}</span>
            <input name="password" type="password" required autocomplete="current-password" value={password} maxLength={256}
              onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
          </label>
          <ErrorBox error={error} />
          <button class="p-btn p-btn-primary" type="submit" disabled={busy}>{t('signin_submit')}</button>
        </form>
        {!linkDead && (
          <div class="p-signin-link">
            {asking ? (
              <LinkRequest workspace={workspace} setWorkspace={setWorkspace} workspaceKnown={workspaceKnown}
                email={email} setEmail={setEmail} />
            ) : (
              <p>
                <span class="p-muted">{t('signin_no_password')}</span>{' '}
                <button type="button" class="p-btn p-btn-ghost" data-action="request-link" onClick={() => setAsking(true)}>
                  {t('link_request_open')}
                </button>
              </p>
            )}
          </div>
        )}
      </div>
    </div>
  );
}
