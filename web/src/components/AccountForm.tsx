// The fields of a client company: how each is shown, edited, and turned into a JSON body
// (the whole object on create, only the changed fields as a merge patch on edit).
import type { Account, Facets, Member } from '../api';
import { STATUSES } from '../api';
import { useI18n, type Key, type T } from '../i18n';
import { ExternalLink, Field, formatDate, formatMoney, StatusBadge } from './ui';

export const FIELD_KEYS = [
  'name', 'legal_name', 'inn', 'external_id', 'status', 'churned_at', 'churn_reason', 'segment',
  'owner_email', 'tags', 'industry', 'region', 'city', 'website', 'employees', 'revenue',
  'revenue_currency', 'description',
] as const;
export type FieldKey = (typeof FIELD_KEYS)[number];
export type Draft = Record<FieldKey, string>;

type Kind = 'text' | 'textarea' | 'status' | 'date' | 'owner' | 'tags' | 'number' | 'url' | 'suggest';
interface FieldDef {
  key: FieldKey;
  kind: Kind;
  required?: boolean;
  wide?: boolean;
  hint?: Key;
  facet?: keyof Facets;
  churnOnly?: boolean;
  maxLength?: number;
  inputMode?: 'numeric' | 'decimal' | 'text';
}

export const GENERAL_FIELDS: FieldDef[] = [
  { key: 'name', kind: 'text', required: true, wide: true, maxLength: 300 },
  { key: 'legal_name', kind: 'text', wide: true, maxLength: 300 },
  { key: 'inn', kind: 'text', hint: 'hint_inn', inputMode: 'numeric', maxLength: 12 },
  { key: 'external_id', kind: 'text', maxLength: 100 },
  { key: 'status', kind: 'status' },
  { key: 'churned_at', kind: 'date', churnOnly: true },
  { key: 'churn_reason', kind: 'textarea', churnOnly: true, wide: true },
  { key: 'segment', kind: 'suggest', facet: 'segment' },
  { key: 'owner_email', kind: 'owner' },
  { key: 'tags', kind: 'tags', hint: 'hint_tags', wide: true },
];

export const ABOUT_FIELDS: FieldDef[] = [
  { key: 'industry', kind: 'suggest', facet: 'industry' },
  { key: 'region', kind: 'suggest', facet: 'region' },
  { key: 'city', kind: 'text' },
  { key: 'website', kind: 'url' },
  { key: 'employees', kind: 'text', hint: 'hint_employees' },
  { key: 'revenue', kind: 'number', inputMode: 'decimal' },
  { key: 'revenue_currency', kind: 'text', maxLength: 3 },
  { key: 'description', kind: 'textarea', wide: true },
];

export const GENERAL_KEYS = new Set<string>(GENERAL_FIELDS.map((f) => f.key));
export const ABOUT_KEYS = new Set<string>(ABOUT_FIELDS.map((f) => f.key));

export function fieldLabel(key: string, t: T): string {
  const k = `field_${key}` as Key;
  const s = t(k);
  return s === k ? key : s;
}

export function toDraft(a: Partial<Account> | null): Draft {
  const d = {} as Draft;
  for (const k of FIELD_KEYS) {
    const v = a ? (a as Record<string, unknown>)[k] : undefined;
    if (v === null || v === undefined) d[k] = '';
    else if (Array.isArray(v)) d[k] = v.join(', ');
    else d[k] = String(v);
  }
  if (!d.status) d.status = 'prospect';
  return d;
}

/** "1 234 567,5" → 1234567.5; "" → null; garbage → NaN. */
export function parseNumber(s: string): number | null {
  const c = s.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  if (!c) return null;
  return /^-?\d+(\.\d+)?$/.test(c) ? Number(c) : NaN;
}

function toJson(k: FieldKey, s: string): unknown {
  const v = s.trim();
  if (k === 'tags') return v ? v.split(/[,;]/).map((x) => x.trim()).filter(Boolean) : [];
  if (k === 'revenue') return parseNumber(v);
  if (k === 'status') return v || 'prospect';
  return v === '' ? null : v;
}

/** Client-side checks; the server validates everything again. */
export function validate(d: Draft, t: T): Record<string, string> {
  const errs: Record<string, string> = {};
  if (!d.name.trim()) errs.name = t('err_required');
  if (d.revenue.trim() && Number.isNaN(parseNumber(d.revenue) as number)) errs.revenue = t('err_number');
  if (d.status === 'churned' && !d.churned_at) errs.churned_at = t('err_required');
  return errs;
}

/** Body of a create: every filled field. */
export function createBody(d: Draft): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const k of FIELD_KEYS) {
    const v = toJson(k, d[k]);
    if (v === null || (Array.isArray(v) && v.length === 0)) continue;
    if ((k === 'churned_at' || k === 'churn_reason') && d.status !== 'churned') continue;
    body[k] = v;
  }
  return body;
}

/** Merge patch: only the fields whose normalised value differs from base. */
export function diffPatch(base: Account, d: Draft): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  const baseDraft = toDraft(base);
  for (const k of FIELD_KEYS) {
    if (d[k] === baseDraft[k]) continue;
    const before = JSON.stringify(normal(k, (base as unknown as Record<string, unknown>)[k]));
    const after = toJson(k, d[k]);
    if (JSON.stringify(after) !== before) patch[k] = after;
  }
  return patch;
}

function normal(k: FieldKey, v: unknown): unknown {
  if (k === 'tags') return Array.isArray(v) ? v : [];
  if (v === undefined || v === '') return null;
  return v;
}

/** Display of one value of an account (or of an audit change) as text. */
export function valueText(key: string, v: unknown, t: T, locale: string): string {
  if (v === null || v === undefined || v === '') return '—';
  if (Array.isArray(v)) return v.length ? v.join(', ') : '—';
  if (key === 'status' && typeof v === 'string') {
    const k = `status_${v}` as Key;
    const s = t(k);
    return s === k ? v : s;
  }
  if (key === 'churned_at' && typeof v === 'string') return formatDate(v, locale);
  if (key === 'revenue' && typeof v === 'number') return new Intl.NumberFormat(locale).format(v);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function AccountFields(props: {
  fields: FieldDef[];
  account: Account | null;
  draft: Draft | null;
  errors: Record<string, string>;
  facets: Facets;
  members: Member[];
  onChange: (key: FieldKey, value: string) => void;
}) {
  const { t, locale } = useI18n();
  const { draft, account, errors } = props;
  const editing = !!draft;
  const status = draft ? draft.status : account ? account.status : 'prospect';
  const shown = props.fields.filter(
    (f) => !f.churnOnly || status === 'churned' || (account && (account as unknown as Record<string, unknown>)[f.key]),
  );

  if (!editing) {
    const a = account as Account;
    return (
      <dl class="props">
        {shown.map((f) => (
          <div class={`prop${f.wide ? ' prop-wide' : ''}`} data-field={f.key}>
            <dt>{fieldLabel(f.key, t)}</dt>
            <dd>{readValue(f, a, t, locale)}</dd>
          </div>
        ))}
      </dl>
    );
  }

  const d = draft as Draft;
  const input = (f: FieldDef) => {
    const id = `f-${f.key}`;
    const common = {
      id,
      name: f.key,
      value: d[f.key],
      'aria-invalid': errors[f.key] ? true : undefined,
      'aria-describedby': errors[f.key] ? `${id}-error` : undefined,
      onInput: (e: Event) => props.onChange(f.key, (e.target as HTMLInputElement).value),
    };
    switch (f.kind) {
      case 'textarea':
        return <textarea {...common} rows={4} />;
      case 'status':
        return (
          <select {...common} onChange={common.onInput}>
            {STATUSES.map((s) => (
              <option value={s}>{t(`status_${s}` as Key)}</option>
            ))}
          </select>
        );
      case 'date':
        return <input {...common} type="date" />;
      case 'owner': {
        const known = props.members.some((m) => m.email === d.owner_email);
        return (
          <select {...common} onChange={common.onInput}>
            <option value="">{t('no_owner')}</option>
            {!known && d.owner_email && <option value={d.owner_email}>{d.owner_email}</option>}
            {props.members.map((m) => (
              <option value={m.email}>{m.name ? `${m.name} <${m.email}>` : m.email}</option>
            ))}
          </select>
        );
      }
      case 'url':
        return <input {...common} type="text" inputMode="url" autocomplete="off" />;
      case 'suggest':
        return <input {...common} type="text" list={`dl-${f.key}`} autocomplete="off" />;
      default:
        return <input {...common} type="text" maxLength={f.maxLength} inputMode={f.inputMode} autocomplete="off" />;
    }
  };

  return (
    <div class="form-grid">
      {shown.map((f) => (
        <Field
          label={fieldLabel(f.key, t)}
          name={f.key}
          error={errors[f.key]}
          hint={f.hint ? t(f.hint) : undefined}
          required={f.required || (f.key === 'churned_at' && status === 'churned')}
          wide={f.wide}
        >
          {input(f)}
          {f.kind === 'suggest' && f.facet && (
            <datalist id={`dl-${f.key}`}>
              {(props.facets[f.facet] || []).map((v) => (
                <option value={v} />
              ))}
            </datalist>
          )}
        </Field>
      ))}
    </div>
  );
}

function readValue(f: FieldDef, a: Account, t: T, locale: string) {
  switch (f.key) {
    case 'status':
      return <StatusBadge status={a.status} />;
    case 'website':
      return <ExternalLink url={a.website} />;
    case 'owner_email':
      if (!a.owner_email) return t('no_owner');
      return a.owner_name ? `${a.owner_name} <${a.owner_email}>` : a.owner_email;
    case 'revenue':
      return formatMoney(a.revenue, a.revenue_currency, locale);
    case 'tags':
      return a.tags && a.tags.length ? (
        <span class="tags">
          {a.tags.map((x) => (
            <span class="tag">{x}</span>
          ))}
        </span>
      ) : (
        '—'
      );
    case 'description':
    case 'churn_reason': {
      const v = a[f.key];
      return v ? <span class="pre">{v}</span> : '—';
    }
    default:
      return valueText(f.key, (a as unknown as Record<string, unknown>)[f.key], t, locale);
  }
}
