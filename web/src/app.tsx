// The application shell: session, language, header with workspace switch, and the page router.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError, onUnauthorized, setCsrfToken, type Page, type Session, type Workspace } from './api';
import { I18nContext, initialLang, saveLang, translator, useI18n, type I18n, type Key, type Lang } from './i18n';
import { LangSwitch } from './components/LangSwitch';
import { href, navigate, parseHash, useHash, type Route } from './router';
import { Loading } from './components/ui';
import { LoginPage } from './pages/Login';
import { AccountsPage } from './pages/Accounts';
import { AccountPage } from './pages/AccountCard';
import { NewAccountPage } from './pages/NewAccount';
import { CompetitorsPage } from './pages/Competitors';
import { ImportPage } from './pages/Import';
import { lazyComponent } from './components/Lazy';

// The loyalty pages are loaded on first use.
const PortfolioPage = lazyComponent(() => import('./pages/Portfolio').then((m) => m.PortfolioPage));
const JourneyPage = lazyComponent(() => import('./pages/Journey').then((m) => m.JourneyPage));
const CataloguePage = lazyComponent(() => import('./pages/LoyaltyCatalogue').then((m) => m.CataloguePage));
// The research pages (studies; the dashboard and the negative base under the same section).
const StudiesPage = lazyComponent(() => import('./pages/Studies').then((m) => m.StudiesPage));
const StudyPage = lazyComponent(() => import('./pages/Study').then((m) => m.StudyPage));
const ResearchDashboardPage = lazyComponent(() => import('./pages/ResearchDashboard').then((m) => m.ResearchDashboardPage));
const NegativeBasePage = lazyComponent(() => import('./pages/NegativeBase').then((m) => m.NegativeBasePage));
// The dialog window's staff side: the inbox, one request, the figures and the settings.
const RequestsPage = lazyComponent(() => import('./pages/Requests').then((m) => m.RequestsPage));
const RequestPage = lazyComponent(() => import('./pages/Request').then((m) => m.RequestPage));
const RequestFiguresPage = lazyComponent(() => import('./pages/RequestFigures').then((m) => m.RequestFiguresPage));
const RequestSettingsPage = lazyComponent(() => import('./pages/RequestSettings').then((m) => m.RequestSettingsPage));
// The webhooks of the workspace (owners), under the dialog window's settings.
const WebhooksPage = lazyComponent(() => import('./pages/Webhooks').then((m) => m.WebhooksPage));

let returnTo: string | null = null;

function homeOf(session: Session, workspaces: Workspace[]): string {
  const ws = workspaces[0] || session.workspaces[0];
  return ws ? href.accounts(ws.slug) : '#/';
}

export function App() {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [workspaces, setWorkspaces] = useState<Workspace[]>([]);
  const hash = useHash();
  const route = useMemo(() => parseHash(hash), [hash]);

  const i18n: I18n = useMemo(
    () => ({
      lang,
      t: translator(lang),
      locale: lang === 'ru' ? 'ru-RU' : 'en-GB',
      setLang: (l: Lang) => {
        saveLang(l);
        setLangState(l);
      },
    }),
    [lang],
  );

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const establish = (s: Session | null) => {
    setCsrfToken(s ? s.csrf_token : '');
    setWorkspaces(s ? s.workspaces || [] : []);
    setSession(s);
  };

  useEffect(() => {
    onUnauthorized(() => {
      if (!returnTo) returnTo = window.location.hash;
      establish(null);
    });
    api
      .get<Session>('/me')
      .then((s) => establish(s))
      .catch(() => establish(null));
  }, []);

  // Refresh the list of workspaces (an instance admin may see more than the memberships).
  useEffect(() => {
    if (!session) return;
    let live = true;
    api
      .get<Page<Workspace>>('/workspaces')
      .then((r) => live && r.items && setWorkspaces(r.items))
      .catch(() => undefined);
    return () => { live = false; };
  }, [session]);

  useEffect(() => {
    if (session === undefined) return;
    if (session === null && route.name !== 'login') {
      if (route.name !== 'home' && !returnTo) returnTo = window.location.hash;
      navigate('#/login', { replace: true });
    } else if (session && (route.name === 'login' || route.name === 'home')) {
      const target = returnTo && !returnTo.startsWith('#/login') ? returnTo : homeOf(session, workspaces);
      returnTo = null;
      if (target !== '#/') navigate(target, { replace: true });
    }
  }, [session, route, workspaces]);

  const logout = async () => {
    try {
      await api.post('/auth/logout');
    } catch {
      /* the session is gone either way */
    }
    returnTo = null;
    establish(null);
  };

  let body;
  if (session === undefined) body = <Loading />;
  else if (session === null) body = <LoginPage onLogin={(s) => establish(s)} />;
  else body = <Shell session={session} workspaces={workspaces} route={route} onLogout={logout} />;

  return <I18nContext.Provider value={i18n}>{body}</I18nContext.Provider>;
}

function wsOf(route: Route): string | null {
  return 'ws' in route ? route.ws : null;
}

function Shell(props: { session: Session; workspaces: Workspace[]; route: Route; onLogout: () => void }) {
  const { t } = useI18n();
  const { session, workspaces, route } = props;
  const wsSlug = wsOf(route);
  const all = workspaces.length ? workspaces : session.workspaces;
  const ws = wsSlug ? all.find((w) => w.slug === wsSlug) || null : null;
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [route]);
  // A new page (not a new filter of the same list) starts at the top.
  const pageKey = route.name === 'account' ? `account/${route.id}` : route.name === 'study' ? `study/${route.id}`
    : route.name === 'request' ? `request/${route.id}` : `${route.name}/${wsSlug || ''}`;
  useEffect(() => window.scrollTo(0, 0), [pageKey]);

  let page;
  let section: 'accounts' | 'requests' | 'portfolio' | 'journey' | 'catalogue' | 'competitors' | 'import' | 'research' | null = null;
  if (!all.length) page = <div class="page"><p class="empty">{t('no_workspaces')}</p></div>;
  else if (route.name === 'home' || route.name === 'login') page = <Loading />;
  else if (route.name === 'notfound') page = <NotFound />;
  else if (!ws) page = <div class="page"><p class="alert alert-error">{t('workspace_unknown', { ws: wsSlug || '' })}</p></div>;
  else {
    const role = ws.role;
    switch (route.name) {
      case 'accounts':
        section = 'accounts';
        page = <AccountsPage ws={ws.slug} role={role} query={route.query} />;
        break;
      case 'account-new':
        section = 'accounts';
        page = <NewAccountPage ws={ws.slug} role={role} />;
        break;
      case 'account':
        section = 'accounts';
        page = <AccountPage key={`${ws.slug}/${route.id}`} ws={ws.slug} id={route.id} tab={route.tab} role={role} />;
        break;
      case 'competitors':
        section = 'competitors';
        page = <CompetitorsPage ws={ws.slug} role={role} />;
        break;
      case 'import':
        section = 'import';
        page = <ImportPage ws={ws.slug} role={role} />;
        break;
      case 'portfolio':
        section = 'portfolio';
        page = <PortfolioPage ws={ws.slug} query={route.query} />;
        break;
      case 'journey':
        section = 'journey';
        page = <JourneyPage ws={ws.slug} role={role} />;
        break;
      case 'catalogue':
        section = 'catalogue';
        page = <CataloguePage ws={ws.slug} role={role} />;
        break;
      case 'studies':
        section = 'research';
        page = <StudiesPage ws={ws.slug} role={role} query={route.query} />;
        break;
      case 'study':
        section = 'research';
        page = <StudyPage key={`${ws.slug}/${route.id}`} ws={ws.slug} id={route.id} tab={route.tab} role={role} />;
        break;
      case 'research-dashboard':
        section = 'research';
        page = <ResearchDashboardPage ws={ws.slug} query={route.query} />;
        break;
      case 'negative-base':
        section = 'research';
        page = <NegativeBasePage ws={ws.slug} query={route.query} />;
        break;
      case 'requests':
        section = 'requests';
        page = <RequestsPage ws={ws.slug} role={role} query={route.query} />;
        break;
      case 'request':
        section = 'requests';
        page = <RequestPage key={`${ws.slug}/${route.id}`} ws={ws.slug} id={route.id} role={role} me={session.user.email} />;
        break;
      case 'request-figures':
        section = 'requests';
        page = <RequestFiguresPage ws={ws.slug} query={route.query} />;
        break;
      case 'request-settings':
        section = 'requests';
        page = <RequestSettingsPage key={ws.slug} ws={ws.slug} role={role} />;
        break;
      case 'webhooks':
        section = 'requests';
        page = <WebhooksPage key={ws.slug} ws={ws.slug} role={role} query={route.query} />;
        break;
    }
  }

  const navItem = (key: Key, target: string, name: typeof section) => (
    <a href={target} class={section === name ? 'active' : ''} aria-current={section === name ? 'page' : undefined}>
      {t(key)}
    </a>
  );

  return (
    <div class="app">
      <header class="topbar">
        <div class="topbar-row">
          <a class="brand" href={ws ? href.accounts(ws.slug) : '#/'}>
            <span class="brand-mark" aria-hidden="true">A</span>
            <span class="brand-name">{t('app_name')}</span>
          </a>
          {all.length > 0 && (
            <label class="ws-select">
              <span class="sr-only">{t('workspace')}</span>
              <select
                value={ws ? ws.slug : ''}
                onChange={(e) => navigate(href.accounts((e.target as HTMLSelectElement).value))}
                title={t('workspace')}
              >
                {!ws && <option value="">{t('workspace')}</option>}
                {all.map((w) => (
                  <option value={w.slug}>{w.name}</option>
                ))}
              </select>
            </label>
          )}
          <button
            type="button"
            class="menu-toggle"
            aria-expanded={menuOpen}
            aria-controls="main-nav"
            onClick={() => setMenuOpen(!menuOpen)}
          >
            <span aria-hidden="true">☰</span>
            <span class="sr-only">Menu</span>
          </button>
          <nav id="main-nav" class={`mainnav${menuOpen ? ' open' : ''}`}>
            {ws && navItem('nav_accounts', href.accounts(ws.slug), 'accounts')}
            {ws && navItem('nav_requests', href.requests(ws.slug), 'requests')}
            {ws && navItem('nav_portfolio', href.portfolio(ws.slug), 'portfolio')}
            {ws && navItem('nav_journey', href.journey(ws.slug), 'journey')}
            {ws && navItem('nav_catalogue', href.catalogue(ws.slug), 'catalogue')}
            {ws && navItem('nav_research', href.studies(ws.slug), 'research')}
            {ws && navItem('nav_competitors', href.competitors(ws.slug), 'competitors')}
            {ws && ws.role !== 'viewer' && navItem('nav_import', href.import(ws.slug), 'import')}
            <div class="nav-end">
              <LangSwitch />
              <span class="user" title={session.user.email}>
                {session.user.name || session.user.email}
                {ws && <span class="role"> · {t(`role_${ws.role}` as Key)}</span>}
              </span>
              <button type="button" class="btn btn-link" onClick={props.onLogout} title={session.user.name || session.user.email}>
                {t('logout')}
              </button>
            </div>
          </nav>
        </div>
      </header>
      <main class="main">{page}</main>
    </div>
  );
}

function NotFound() {
  const { t } = useI18n();
  return (
    <div class="page">
      <h1>{t('not_found_title')}</h1>
      <p>{t('not_found_text')}</p>
    </div>
  );
}

export function isConflict(e: unknown): boolean {
  return e instanceof ApiError && e.status === 412;
}
