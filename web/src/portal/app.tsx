// The client portal: the session (an invitation link redeemed at once, or e-mail and password),
// the header with the company, the language switch and sign-out, the live stream, and the pages.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { onUnauthorized } from '../api';
import { ApiError, portal, type PortalSession } from './api';
import { I18nContext, chosenLang, isLang, saveLang, translator, useI18n, type I18n, type Key, type Lang } from './i18n';
import { liveConnect, useLiveUp } from './live';
import { NewRequest } from './NewRequest';
import { Password } from './Password';
import { RequestList } from './RequestList';
import { navigate, parseHash, replaceHash, useRoute } from './router';
import { SignIn, rememberWorkspace } from './SignIn';
import { Thread } from './Thread';
import { ErrorBox, LangSwitch } from './ui';

/** True inside a frame (the widget's panel); a cross-origin parent makes window.top unreadable. */
function framed(): boolean {
  try { return window.self !== window.top; } catch { return true; }
}

export function App() {
  const [lang, setLangState] = useState<Lang>(() => chosenLang() ?? 'ru');
  const explicitLang = useRef(chosenLang() !== null);
  const [session, setSession] = useState<PortalSession | null | undefined>(undefined);
  const [linkDead, setLinkDead] = useState(false);
  const [noCookie, setNoCookie] = useState(false);
  const [notice, setNotice] = useState<Key | null>(null);
  const [fatal, setFatal] = useState<{ error: unknown; retry: () => void } | null>(null);
  const route = useRoute();

  const i18n = useMemo<I18n>(() => ({
    lang,
    t: translator(lang),
    locale: lang === 'ru' ? 'ru-RU' : 'en-GB',
    setLang: (l: Lang) => {
      explicitLang.current = true;
      saveLang(l);
      setLangState(l);
    },
  }), [lang]);
  const { t } = i18n;

  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = t('title');
  }, [lang]);

  const signedIn = async (s: PortalSession) => {
    // In a third-party frame the browser may refuse the SameSite=Lax cookie: check it stuck.
    if (framed()) {
      try {
        s = await portal.me();
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) {
          setNoCookie(true);
          setSession(null);
          return;
        }
        throw e;
      }
    }
    rememberWorkspace(s.workspace.slug);
    if (!explicitLang.current && isLang(s.person.lang)) setLangState(s.person.lang);
    setLinkDead(false);
    setNoCookie(false);
    setNotice(null);
    setSession(s);
  };

  const loadMe = async () => {
    setFatal(null);
    try {
      await signedIn(await portal.me());
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setSession(null);
      else setFatal({ error: e, retry: loadMe });
    }
  };

  const redeem = async (token: string) => {
    setFatal(null);
    setSession(undefined);
    try {
      await signedIn(await portal.redeem(token));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        setLinkDead(true);
        setSession(null);
      } else {
        setFatal({ error: e, retry: () => redeem(token) });
      }
    }
  };

  useEffect(() => {
    onUnauthorized(() => {
      setSession(null);
      setNotice('signin_ended');
    });
    if (parseHash(window.location.hash).name !== 'link') loadMe();
  }, []);

  // An invitation link: take the token out of the address (and of history), then redeem it.
  useEffect(() => {
    if (route.name !== 'link') return;
    const token = route.token;
    replaceHash('#/');
    redeem(token);
  }, [route]);

  useEffect(() => {
    liveConnect(!!session);
  }, [session ? session.person.id : 0]);

  const signOut = async () => {
    try { await portal.logout(); } catch { /* the session ends either way */ }
    setSession(null);
    navigate('#/');
  };

  let body;
  if (fatal) {
    body = (
      <main class="p-main">
        <ErrorBox error={fatal.error}>
          {' '}<button type="button" class="p-btn p-btn-ghost" onClick={fatal.retry}>{t('retry')}</button>
        </ErrorBox>
      </main>
    );
  } else if (session === undefined) {
    body = <main class="p-main"><p class="p-muted p-loading">{route.name === 'link' ? t('link_working') : t('loading')}</p></main>;
  } else if (session === null) {
    body = <main class="p-main"><SignIn linkDead={linkDead} notice={notice} framed={noCookie} onSignedIn={signedIn} /></main>;
  } else {
    let page;
    if (route.name === 'new') page = <NewRequest />;
    else if (route.name === 'request') page = <Thread id={route.id} session={session} />;
    else if (route.name === 'password') page = <Password session={session} onSession={setSession} />;
    else if (route.name === 'notfound') page = <ErrorBox error={t('not_found')} />;
    else page = <RequestList session={session} />;
    body = (
      <>
        <Header session={session} route={route.name} onSignOut={signOut} />
        <main class="p-main">{page}</main>
      </>
    );
  }
  return <I18nContext.Provider value={i18n}><div class="p-app">{body}</div></I18nContext.Provider>;
}

function Header({ session, route, onSignOut }: { session: PortalSession; route: string; onSignOut: () => void }) {
  const { t } = useI18n();
  const live = useLiveUp();
  return (
    <header class="p-header">
      <div class="p-header-who">
        <strong class="p-company">{session.company.name}</strong>
        <span class="p-muted p-person">{session.person.name}</span>
      </div>
      <nav class="p-nav" aria-label={t('title')}>
        <a href="#/" class={route === 'list' || route === 'request' ? 'active' : ''} data-nav="list">{t('nav_requests')}</a>
        <a href="#/new" class={route === 'new' ? 'active' : ''} data-nav="new">{t('nav_new')}</a>
        <a href="#/password" class={route === 'password' ? 'active' : ''} data-nav="password">{t('nav_password')}</a>
      </nav>
      <div class="p-header-tools">
        <span class={`p-live${live ? ' on' : ''}`} data-live={live ? 'on' : 'off'} title={live ? t('live_on') : t('live_off')}>
          <span class="p-sr">{live ? t('live_on') : t('live_off')}</span>
        </span>
        <LangSwitch />
        <button type="button" class="p-btn p-btn-ghost" data-action="signout" onClick={onSignOut}>{t('signout')}</button>
      </div>
    </header>
  );
}
