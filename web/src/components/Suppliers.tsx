// The "Suppliers" tab: who the client buys from (us and competitors from the workspace's
// catalogue), share of wallet as a bar, and adding, editing and removing suppliers.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, wsPath, type Supplier } from '../api';
import { useI18n } from '../i18n';
import { href } from '../router';
import { useCompetitors } from '../data';
import { ErrorBox, Field, formatDate, formatNumber, Loading } from './ui';
import { parseNumber } from './AccountForm';

interface SupplierList {
  items: Supplier[];
  total_share_pct: number;
}
interface Form {
  competitor: string; // "us" or a competitor id
  share_pct: string;
  categories: string;
  since: string;
  notes: string;
}
const EMPTY: Form = { competitor: '', share_pct: '', categories: '', since: '', notes: '' };
const PALETTE = ['#e07b39', '#8e5cc4', '#2a9d8f', '#c4495a', '#b8a03a', '#5b7db1', '#7a8a99', '#d17fb0'];

function toForm(s: Supplier): Form {
  return {
    competitor: s.competitor_id === null ? 'us' : String(s.competitor_id),
    share_pct: String(s.share_pct),
    categories: (s.categories || []).join(', '),
    since: s.since || '',
    notes: s.notes || '',
  };
}

function toBody(f: Form): Record<string, unknown> {
  return {
    competitor_id: f.competitor === 'us' ? null : Number(f.competitor),
    share_pct: parseNumber(f.share_pct),
    categories: f.categories.split(/[,;]/).map((x) => x.trim()).filter(Boolean),
    since: f.since || null,
    notes: f.notes.trim() || null,
  };
}

export function Suppliers({ ws, accountId, canEdit }: { ws: string; accountId: number; canEdit: boolean }) {
  const { t, locale } = useI18n();
  const base = wsPath(ws, `/accounts/${accountId}/suppliers`);
  const competitors = useCompetitors(ws);
  const [data, setData] = useState<SupplierList | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [editing, setEditing] = useState<Supplier | 'new' | null>(null);
  const [form, setForm] = useState<Form>(EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [archived, setArchived] = useState<Supplier[] | null>(null);

  const load = () =>
    api
      .get<SupplierList>(base)
      .then((d) => {
        setData(d);
        setLoadError(null);
      })
      .catch(setLoadError);
  useEffect(() => {
    load();
  }, [base]);

  const nameOf = (s: Supplier) =>
    s.competitor_id === null
      ? t('supplier_us')
      : s.competitor_name || competitors.find((c) => c.id === s.competitor_id)?.name || `#${s.competitor_id}`;

  const open = (s: Supplier | 'new') => {
    setEditing(s);
    setForm(s === 'new' ? EMPTY : toForm(s));
    setErrors({});
    setError(null);
  };
  const close = () => {
    setEditing(null);
    setErrors({});
    setError(null);
  };
  const set = (k: keyof Form) => (e: Event) => setForm({ ...form, [k]: (e.target as HTMLInputElement).value });

  const save = async (e: Event) => {
    e.preventDefault();
    const local: Record<string, string> = {};
    if (!form.competitor) local.competitor_id = t('err_required');
    const share = parseNumber(form.share_pct);
    if (share === null) local.share_pct = t('err_required');
    else if (Number.isNaN(share)) local.share_pct = t('err_number');
    setErrors(local);
    if (Object.keys(local).length) return;
    setBusy(true);
    setError(null);
    try {
      const body = toBody(form);
      if (editing === 'new') {
        await api.post<Supplier>(base, body);
      } else if (editing) {
        const before = toBody(toForm(editing));
        const patch: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(body)) if (JSON.stringify(v) !== JSON.stringify(before[k])) patch[k] = v;
        if (Object.keys(patch).length) await api.patch<Supplier>(`${base}/${editing.id}`, patch, editing.version);
      }
      await load();
      close();
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) {
        await load();
        setEditing(null);
        setError(new ApiError(412, { detail: t('conflict_generic') }));
      } else {
        if (err instanceof ApiError) setErrors(err.fieldErrors());
        setError(err);
      }
    } finally {
      setBusy(false);
    }
  };

  const remove = async (s: Supplier) => {
    if (!window.confirm(t('supplier_delete_confirm'))) return;
    setError(null);
    try {
      await api.del(`${base}/${s.id}`, s.version);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 412 ? new ApiError(412, { detail: t('conflict_generic') }) : err);
    }
    if (editing !== 'new' && editing && editing.id === s.id) setEditing(null);
    await load();
  };

  const loadArchived = () =>
    api
      .get<SupplierList>(base, { archived: 'true' })
      .then((d) => setArchived(d.items || []))
      .catch(setError);

  const restore = async (s: Supplier) => {
    setError(null);
    try {
      await api.post(`${base}/${s.id}/restore`);
    } catch (err) {
      setError(err);
    }
    await Promise.all([load(), loadArchived()]);
  };

  if (loadError && !data) return <ErrorBox error={loadError} onRetry={load} />;
  if (!data) return <Loading />;

  const items = data.items || [];
  const total = typeof data.total_share_pct === 'number' ? data.total_share_pct : items.reduce((a, s) => a + (s.share_pct || 0), 0);
  let ci = 0;
  const colors = items.map((s) => (s.competitor_id === null ? 'var(--accent)' : PALETTE[ci++ % PALETTE.length]));
  const active = competitors.filter((c) => !c.archived_at).sort((a, b) => a.name.localeCompare(b.name, locale));

  return (
    <div class="suppliers">
      <div class="section-head">
        <h2>{t('suppliers_title')}</h2>
        {canEdit && editing === null && (
          <button type="button" class="btn btn-primary" onClick={() => open('new')}>
            + {t('supplier_add')}
          </button>
        )}
      </div>
      <ErrorBox error={error && !editing ? error : null} />

      {items.length > 0 && (
        <div class="share">
          <div class="share-bar" role="img" aria-label={t('supplier_total', { n: formatNumber(total, locale) })}>
            {items.map((s, i) => (
              <div
                class="share-seg"
                style={{ width: `${Math.max(0, Math.min(100, s.share_pct))}%`, background: colors[i] }}
                title={`${nameOf(s)}: ${formatNumber(s.share_pct, locale)}%`}
              />
            ))}
          </div>
          <ul class="share-legend">
            {items.map((s, i) => (
              <li>
                <span class="dot" style={{ background: colors[i] }} />
                {nameOf(s)} — {formatNumber(s.share_pct, locale)}%
              </li>
            ))}
            {total < 100 && (
              <li>
                <span class="dot dot-empty" />
                {t('supplier_unallocated')} — {formatNumber(100 - total, locale)}%
              </li>
            )}
          </ul>
          <p class="muted">{t('supplier_total', { n: formatNumber(total, locale) })}</p>
        </div>
      )}

      {items.length === 0 ? (
        <p class="empty">{t('suppliers_empty')}</p>
      ) : (
        <div class="table-wrap">
          <table class="data suppliers-table">
            <thead>
              <tr>
                <th>{t('supplier')}</th>
                <th class="num">{t('supplier_share')}</th>
                <th>{t('supplier_categories')}</th>
                <th>{t('supplier_since')}</th>
                <th>{t('supplier_notes')}</th>
                {canEdit && <th>{t('actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {items.map((s) => (
                <tr class={s.competitor_id === null ? 'is-us' : ''}>
                  <td class="cell-name">{nameOf(s)}</td>
                  <td class="num" data-label={t('supplier_share')}>
                    {formatNumber(s.share_pct, locale)}%
                  </td>
                  <td data-label={t('supplier_categories')}>{(s.categories || []).join(', ') || '—'}</td>
                  <td data-label={t('supplier_since')}>{formatDate(s.since, locale)}</td>
                  <td data-label={t('supplier_notes')} class="pre">
                    {s.notes || '—'}
                  </td>
                  {canEdit && (
                    <td>
                      <span class="row-actions">
                        <button type="button" class="btn btn-small" onClick={() => open(s)}>
                          {t('edit')}
                        </button>
                        <button type="button" class="btn btn-small btn-danger" onClick={() => remove(s)}>
                          {t('delete')}
                        </button>
                      </span>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <div class="archived-suppliers">
        <button type="button" class="btn btn-link" onClick={() => (archived ? setArchived(null) : loadArchived())}>
          {archived ? t('supplier_hide_archived') : t('supplier_show_archived')}
        </button>
        {archived && archived.length === 0 && <p class="empty">{t('supplier_archived_empty')}</p>}
        {archived && archived.length > 0 && (
          <ul class="archived-list">
            {archived.map((s) => (
              <li>
                <span class="muted">
                  {nameOf(s)} — {formatNumber(s.share_pct, locale)}% · {t('supplier_archived_at', { date: formatDate(s.archived_at || null, locale) })}
                </span>
                {canEdit && (
                  <button type="button" class="btn btn-small" onClick={() => restore(s)}>
                    {t('supplier_restore')}
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </div>

      {editing !== null && (
        <form class="panel" onSubmit={save} noValidate>
          <h3>{editing === 'new' ? t('supplier_add') : nameOf(editing)}</h3>
          <ErrorBox error={error} />
          {active.length === 0 && <p class="hint">{t('supplier_no_competitors')}</p>}
          <div class="form-grid">
            <Field label={t('supplier')} name="competitor_id" error={errors.competitor_id} required>
              <select id="f-competitor_id" name="competitor_id" value={form.competitor} onChange={set('competitor')}>
                <option value="">{t('supplier_pick')}</option>
                <option value="us">{t('supplier_us')}</option>
                {active.map((c) => (
                  <option value={String(c.id)}>{c.name}</option>
                ))}
                {editing !== 'new' && editing.competitor_id !== null && !active.some((c) => c.id === editing.competitor_id) && (
                  <option value={String(editing.competitor_id)}>{nameOf(editing)}</option>
                )}
              </select>
            </Field>
            <Field label={t('supplier_share')} name="share_pct" error={errors.share_pct} required>
              <input id="f-share_pct" name="share_pct" type="text" inputMode="decimal" value={form.share_pct} onInput={set('share_pct')} />
            </Field>
            <Field label={t('supplier_categories')} name="categories" error={errors.categories} hint={t('hint_tags')} wide>
              <input id="f-categories" name="categories" type="text" value={form.categories} onInput={set('categories')} />
            </Field>
            <Field label={t('supplier_since')} name="since" error={errors.since}>
              <input id="f-since" name="since" type="date" value={form.since} onInput={set('since')} />
            </Field>
            <Field label={t('supplier_notes')} name="notes" error={errors.notes} wide>
              <textarea id="f-notes" name="notes" rows={3} value={form.notes} onInput={set('notes')} />
            </Field>
          </div>
          <div class="btn-row">
            <button type="submit" class="btn btn-primary" disabled={busy}>
              {busy ? t('saving') : t('save')}
            </button>
            <button type="button" class="btn btn-ghost" onClick={close} disabled={busy}>
              {t('cancel')}
            </button>
            <a class="btn btn-link" href={href.competitors(ws)}>
              {t('supplier_manage_catalogue')}
            </a>
          </div>
        </form>
      )}
    </div>
  );
}
