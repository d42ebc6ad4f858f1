// Small shared pieces: error boxes, status badges, labelled fields, formatting helpers.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, type Status } from '../api';
import { useI18n, type Key, type T } from '../i18n';

export function errorText(e: unknown, t: T): string {
  if (e instanceof ApiError) {
    if (e.status === 0) return t('network_error');
    const p = e.problem;
    if (p.detail) return p.detail;
    if (e.status === 403) return t('forbidden');
    if (e.status === 404) return t('not_found_text');
    if (p.title) return p.title;
    return t('error_generic', { status: e.status });
  }
  return e instanceof Error ? e.message : String(e);
}

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  if (!error) return null;
  return (
    <div class="alert alert-error" role="alert">
      <span>{errorText(error, t)}</span>
      {onRetry && (
        <button type="button" class="btn btn-small" onClick={onRetry}>
          {t('retry')}
        </button>
      )}
    </div>
  );
}

export function Notice({ text, onDone }: { text: string | null; onDone: () => void }) {
  useEffect(() => {
    if (!text) return;
    const id = window.setTimeout(onDone, 4000);
    return () => window.clearTimeout(id);
  }, [text]);
  if (!text) return null;
  return (
    <div class="alert alert-ok" role="status">
      {text}
    </div>
  );
}

export function Loading() {
  const { t } = useI18n();
  return <div class="loading" aria-busy="true">{t('loading')}</div>;
}

export function statusKey(s: string): Key {
  switch (s) {
    case 'prospect': return 'status_prospect';
    case 'active': return 'status_active';
    case 'at_risk': return 'status_at_risk';
    case 'churned': return 'status_churned';
    default: return 'dash';
  }
}

export function statusLabel(s: string | null | undefined, t: T): string {
  if (!s) return t('dash');
  const k = statusKey(s);
  return k === 'dash' ? s : t(k);
}

export function StatusBadge({ status }: { status: Status | string }) {
  const { t } = useI18n();
  return <span class={`badge badge-${status}`}>{statusLabel(status, t)}</span>;
}

export function Field(props: {
  label: string;
  name: string;
  error?: string;
  hint?: string;
  required?: boolean;
  wide?: boolean;
  children: ComponentChildren;
}) {
  const id = `f-${props.name}`;
  return (
    <div class={`field${props.wide ? ' field-wide' : ''}${props.error ? ' field-invalid' : ''}`}>
      <label for={id}>
        {props.label}
        {props.required && <span class="req" aria-hidden="true"> *</span>}
      </label>
      {props.children}
      {props.hint && !props.error && <div class="hint">{props.hint}</div>}
      {props.error && (
        <div class="field-error" id={`${id}-error`} role="alert">
          {props.error}
        </div>
      )}
    </div>
  );
}

export function formatDateTime(iso: string | null | undefined, locale: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatDate(ymd: string | null | undefined, locale: string): string {
  if (!ymd) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(ymd);
  if (!m) return ymd;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toLocaleDateString(locale, { dateStyle: 'medium', timeZone: 'UTC' });
}

export function formatMoney(n: number | null | undefined, currency: string | null | undefined, locale: string): string {
  if (n === null || n === undefined) return '—';
  try {
    return new Intl.NumberFormat(locale, {
      style: 'currency',
      currency: currency || 'RUB',
      maximumFractionDigits: 0,
    }).format(n);
  } catch {
    return `${new Intl.NumberFormat(locale).format(n)} ${currency || ''}`.trim();
  }
}

export function formatNumber(n: number, locale: string, digits = 1): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(n);
}

/** A value that follows `value` after `ms` without changes. */
export function useDebounced<V>(value: V, ms: number): V {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = window.setTimeout(() => setV(value), ms);
    return () => window.clearTimeout(id);
  }, [value, ms]);
  return v;
}

export function safeUrl(u: string): string | null {
  const s = u.trim();
  if (!s) return null;
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(s) ? s : `https://${s}`;
  return /^https?:\/\//i.test(withScheme) ? withScheme : null;
}

export function ExternalLink({ url }: { url: string | null }) {
  if (!url) return <>—</>;
  const h = safeUrl(url);
  if (!h) return <>{url}</>;
  return (
    <a href={h} target="_blank" rel="noopener noreferrer">
      {url}
    </a>
  );
}
