// The sign-in page.
import { useState } from 'preact/hooks';
import { ApiError, request, type Session } from '../api';
import { useI18n } from '../i18n';
import { LangSwitch } from '../components/LangSwitch';
import { errorText } from '../components/ui';

export function LoginPage({ onLogin }: { onLogin: (s: Session) => void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    // Read the inputs themselves: a browser's autofill may not have fired input events.
    const f = e.currentTarget as HTMLFormElement;
    const em = (f.elements.namedItem('email') as HTMLInputElement).value.trim();
    const pw = (f.elements.namedItem('password') as HTMLInputElement).value;
    if (!em || !pw) {
      setError(t('login_wrong'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const s = await request<Session>('POST', '/auth/login', { body: { email: em, password: pw }, noAuthRedirect: true });
      onLogin(s);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setError(t('login_wrong'));
      else if (err instanceof ApiError && err.status === 429) setError(t('login_throttled'));
      else setError(errorText(err, t));
      setBusy(false);
    }
  };

  return (
    <div class="login-wrap">
      <form class="login-card" onSubmit={submit} noValidate>
        <div class="login-head">
          <span class="brand-mark big" aria-hidden="true">A</span>
          <div>
            <h1>{t('app_name')}</h1>
            <p class="muted">{t('login_subtitle')}</p>
          </div>
        </div>
        <h2>{t('login_title')}</h2>
        {error && <div class="alert alert-error" role="alert">{error}</div>}
        <div class="field">
          <label for="login-email">{t('login_email')}</label>
          <input
            id="login-email"
            name="email"
            type="email"
            autocomplete="username"
            required
            value={email}
            onInput={(e) => setEmail((e.target as HTMLInputElement).value)}
          />
        </div>
        <div class="field">
          <label for="login-password">{t('login_password')}</label>
          <input
            id="login-password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
          />
        </div>
        <button type="submit" class="btn btn-primary btn-block" disabled={busy}>
          {t('login_submit')}
        </button>
        <div class="login-foot">
          <LangSwitch />
        </div>
      </form>
    </div>
  );
}
