// The dialog window's widget: a supplier puts one tag on its own site or client portal,
//
//   <script src="https://ADVOCATE/portal/widget.js" async></script>
//   (optional: data-lang="ru|en", data-label="…", data-workspace="SLUG", data-position="left")
//
// and gets a floating button that opens the client portal (ADVOCATE/portal/) in a panel with an
// iframe, plus a link that opens it as a full page (the panel takes the whole screen on phones).
// Built alone as one IIFE (vite.portal.config.ts, mode "widget"): no imports, no inline script,
// no <style> element — styles are set through the CSSOM, which the host page's CSP allows — and
// everything lives in a shadow root, apart from the host page's CSS. Exposes AdvocateWidget.open(),
// .close() and .toggle().

interface State {
  open: boolean;
  host: HTMLElement | null;
  button: HTMLButtonElement | null;
  panel: HTMLElement | null;
  frame: HTMLIFrameElement | null;
  portalUrl: string;
}

const ATTR = 'data-advocate-widget';
const SMALL = '(max-width: 600px)';
const TEXT = {
  ru: { label: 'Обращения', open: 'Открыть окно диалога', close: 'Закрыть', full: 'Открыть в новой вкладке', title: 'Окно диалога' },
  en: { label: 'Requests', open: 'Open the dialog window', close: 'Close', full: 'Open in a new tab', title: 'Dialog window' },
};

const state: State = { open: false, host: null, button: null, panel: null, frame: null, portalUrl: '' };

type Css = Partial<Record<keyof CSSStyleDeclaration, string>>;

function styled<K extends keyof HTMLElementTagNameMap>(tag: K, css: Css, attrs: Record<string, string> = {}): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  Object.assign(el.style, css);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

function icon(path: string, size: number): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', String(size));
  svg.setAttribute('height', String(size));
  svg.setAttribute('aria-hidden', 'true');
  const p = document.createElementNS(ns, 'path');
  p.setAttribute('d', path);
  p.setAttribute('fill', 'currentColor');
  svg.appendChild(p);
  return svg;
}

const CHAT = 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2zm2 4v2h12V8H6zm0 4v2h8v-2H6z';
const CROSS = 'M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z';

/** Places the panel: a card above the button, or the whole screen on a phone. */
function layout(): void {
  const panel = state.panel;
  if (!panel) return;
  const small = window.matchMedia(SMALL).matches;
  Object.assign(panel.style, small
    ? { top: '0', left: '0', right: '0', bottom: '0', width: '100%', height: '100%', borderRadius: '0' }
    : { top: 'auto', bottom: '92px', width: '400px', height: 'min(640px, calc(100vh - 120px))', borderRadius: '12px' });
}

function setOpen(open: boolean): void {
  if (!state.panel || !state.button || !state.frame) return;
  state.open = open;
  if (open && !state.frame.src) state.frame.src = state.portalUrl;
  state.panel.style.display = open ? 'flex' : 'none';
  state.button.setAttribute('aria-expanded', String(open));
  if (open) {
    layout();
    state.frame.focus();
  } else {
    state.button.focus();
  }
}

export function open(): void { setOpen(true); }
export function close(): void { setOpen(false); }
export function toggle(): void { setOpen(!state.open); }

function mount(script: HTMLScriptElement): void {
  if (document.querySelector(`[${ATTR}]`)) return; // one widget per page
  const base = new URL(script.src, window.location.href);
  const lang = script.dataset.lang === 'en' ? 'en' : 'ru';
  const text = TEXT[lang];
  const side = script.dataset.position === 'left' ? 'left' : 'right';
  const query = new URLSearchParams();
  if (script.dataset.lang === 'ru' || script.dataset.lang === 'en') query.set('lang', script.dataset.lang);
  if (script.dataset.workspace) query.set('ws', script.dataset.workspace);
  const qs = query.toString();
  state.portalUrl = `${base.origin}/portal/${qs ? `?${qs}` : ''}`;

  const host = styled('div', {}, { [ATTR]: '' });
  const root = host.attachShadow({ mode: 'open' });
  const font = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif";

  const button = styled('button', {
    position: 'fixed', bottom: '20px', [side]: '20px', zIndex: '2147483000',
    display: 'flex', alignItems: 'center', gap: '8px', height: '56px', padding: '0 20px 0 16px',
    border: '0', borderRadius: '28px', background: '#2f5bd3', color: '#fff', cursor: 'pointer',
    font: `600 15px/1 ${font}`, boxShadow: '0 4px 14px rgba(20, 30, 50, 0.3)',
  } as Css, { type: 'button', 'aria-expanded': 'false', 'aria-controls': 'advocate-panel', 'aria-label': text.open, part: 'button', 'data-part': 'button' });
  button.appendChild(icon(CHAT, 24));
  button.appendChild(document.createTextNode(script.dataset.label || text.label));

  const panel = styled('div', {
    position: 'fixed', [side]: '20px', zIndex: '2147483001', display: 'none', flexDirection: 'column',
    background: '#fff', boxShadow: '0 12px 40px rgba(20, 30, 50, 0.35)', overflow: 'hidden', maxWidth: '100vw',
  } as Css, { id: 'advocate-panel', role: 'dialog', 'aria-label': text.title, part: 'panel', 'data-part': 'panel' });
  const bar = styled('div', {
    display: 'flex', alignItems: 'center', gap: '12px', padding: '8px 8px 8px 14px',
    background: '#2f5bd3', color: '#fff', font: `600 14px/1.3 ${font}`,
  });
  const title = styled('span', { flex: '1', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' });
  title.textContent = text.title;
  const full = styled('a', { color: '#fff', font: `400 13px/1.3 ${font}`, textDecoration: 'underline' },
    { href: state.portalUrl, target: '_blank', rel: 'noopener', 'data-part': 'full' });
  full.textContent = text.full;
  const shut = styled('button', {
    display: 'flex', alignItems: 'center', justifyContent: 'center', width: '36px', height: '36px',
    border: '0', borderRadius: '18px', background: 'transparent', color: '#fff', cursor: 'pointer',
  }, { type: 'button', 'aria-label': text.close, 'data-part': 'close' });
  shut.appendChild(icon(CROSS, 20));
  bar.append(title, full, shut);
  const frame = styled('iframe', { flex: '1', width: '100%', border: '0', background: '#f4f6fa' },
    { title: text.title, referrerpolicy: 'no-referrer', 'data-part': 'frame' });
  panel.append(bar, frame);
  root.append(button, panel);

  Object.assign(state, { host, button, panel, frame });
  button.addEventListener('click', toggle);
  shut.addEventListener('click', close);
  panel.addEventListener('keydown', (e) => { if (e.key === 'Escape') close(); });
  window.matchMedia(SMALL).addEventListener?.('change', layout);
  document.body.appendChild(host);
}

const current = document.currentScript;
if (current instanceof HTMLScriptElement && current.src) {
  const go = () => mount(current);
  if (document.body) go();
  else document.addEventListener('DOMContentLoaded', go, { once: true });
}
