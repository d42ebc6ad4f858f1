// Setting or changing the person's password (10–256 characters), typed twice.
import { useState } from 'preact/hooks';
import { portal, type PortalSession } from './api';
import { useI18n } from './i18n';
import { ErrorBox, fieldErrors } from './ui';

const PASSWORD_MIN = 10;
const PASSWORD_MAX = 256;

export function Password({ session, onSession }: { session: PortalSession; onSession: (s: PortalSession) => void }) {
  const { t } = useI18n();
  const [pw, setPw] = useState('');
  const [pw2, setPw2] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const errs = fieldErrors(error);

  const submit = async (e: Event) => {
    e.preventDefault();
    setSaved(false);
    if ([...pw].length < PASSWORD_MIN) return setError(t('password_short'));
    if (pw !== pw2) return setError(t('password_mismatch'));
    setBusy(true);
    setError(null);
    try {
      onSession(await portal.setPassword(pw));
      setSaved(true);
      setPw('');
      setPw2('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="p-page" data-page="password">
      <a class="p-back" href="#/">{t('back')}</a>
      <h1>{t('password_title')}</h1>
      <p class="p-muted">{t('password_lead')}</p>
      {session.person.has_password && !saved && <p class="p-hint">{t('password_has')}</p>}
      <form class="p-card p-form" onSubmit={submit} data-form="password">
        <input type="email" name="username" autocomplete="username" value={session.person.email} readOnly hidden />
        <label class="p-field">
          <span>{t('password_new')}</span>
          <input name="password" type="password" autocomplete="new-password" required maxLength={PASSWORD_MAX} value={pw}
            onInput={(e) => setPw((e.target as HTMLInputElement).value)} />
          <small class="p-muted">{t('password_rule')}</small>
          {errs.password && <small class="p-field-error">{errs.password}</small>}
        </label>
        <label class="p-field">
          <span>{t('password_repeat')}</span>
          <input name="password2" type="password" autocomplete="new-password" required maxLength={PASSWORD_MAX} value={pw2}
            onInput={(e) => setPw2((e.target as HTMLInputElement).value)} />
        </label>
        {!errs.password && <ErrorBox error={error} />}
        {saved && <div class="p-alert p-alert-ok" role="status">{t('password_saved', { email: session.person.email })}</div>}
        <div class="p-actions">
          <button class="p-btn p-btn-primary" type="submit" disabled={busy}>{t('password_save')}</button>
        </div>
      </form>
    </section>
  );
}
