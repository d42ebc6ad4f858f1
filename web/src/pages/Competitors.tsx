// The workspace's competitor catalogue ("Конкуренты"): list, search, add, edit, archive.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, wsPath, type Competitor, type Page, type Role } from '../api';
import { useI18n } from '../i18n';
import { invalidate } from '../data';
import { ErrorBox, ExternalLink, Field, Loading, useDebounced } from '../components/ui';

interface Form {
  name: string;
  website: string;
  notes: string;
}
const EMPTY: Form = { name: '', website: '', notes: '' };

export function CompetitorsPage({ ws, role }: { ws: string; role: Role }) {
  const { t } = useI18n();
  const base = wsPath(ws, '/competitors');
  const canEdit = role !== 'viewer';
  const [items, setItems] = useState<Competitor[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 300);
  const [editing, setEditing] = useState<Competitor | 'new' | null>(null);
  const [form, setForm] = useState<Form>(EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    document.title = `${t('competitors_title')} · ${t('app_name')}`;
  }, [t]);

  const load = (cursor: string | null) =>
    api
      .get<Page<Competitor>>(base, { limit: 100, cursor, q: q || undefined })
      .then((r) => {
        setItems((prev) => (cursor && prev ? [...prev, ...r.items] : r.items));
        setNext(r.next_cursor);
        setLoadError(null);
      })
      .catch(setLoadError);
  useEffect(() => {
    load(null);
  }, [base, q]);

  const open = (c: Competitor | 'new') => {
    setEditing(c);
    setForm(c === 'new' ? EMPTY : { name: c.name, website: c.website || '', notes: c.notes || '' });
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
    if (!form.name.trim()) {
      setErrors({ name: t('err_required') });
      return;
    }
    const body: Record<string, unknown> = {
      name: form.name.trim(),
      website: form.website.trim() || null,
      notes: form.notes.trim() || null,
    };
    setBusy(true);
    setError(null);
    try {
      if (editing === 'new') {
        await api.post<Competitor>(base, body);
      } else if (editing) {
        const patch: Record<string, unknown> = {};
        const before: Record<string, unknown> = { name: editing.name, website: editing.website, notes: editing.notes };
        for (const [k, v] of Object.entries(body)) if (v !== (before[k] ?? null)) patch[k] = v;
        if (Object.keys(patch).length) await api.patch<Competitor>(`${base}/${editing.id}`, patch, editing.version);
      }
      invalidate(ws, 'competitors');
      close();
      await load(null);
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) {
        setError(new ApiError(412, { detail: t('conflict_generic') }));
        setEditing(null);
        await load(null);
      } else {
        if (err instanceof ApiError) setErrors(err.fieldErrors());
        setError(err);
      }
    } finally {
      setBusy(false);
    }
  };

  const remove = async (c: Competitor) => {
    if (!window.confirm(t('competitor_delete_confirm', { name: c.name }))) return;
    setError(null);
    try {
      await api.del(`${base}/${c.id}`, c.version);
      invalidate(ws, 'competitors');
    } catch (err) {
      setError(err instanceof ApiError && err.status === 412 ? new ApiError(412, { detail: t('conflict_generic') }) : err);
    }
    await load(null);
  };

  const formView = (
    <form class="panel" onSubmit={save} noValidate>
      <h3>{editing === 'new' || editing === null ? t('competitor_add') : editing.name}</h3>
      <ErrorBox error={error} />
      <div class="form-grid">
        <Field label={t('competitor_name')} name="name" error={errors.name} required>
          <input id="f-name" name="name" type="text" maxLength={300} value={form.name} onInput={set('name')} />
        </Field>
        <Field label={t('competitor_website')} name="website" error={errors.website}>
          <input id="f-website" name="website" type="text" inputMode="url" value={form.website} onInput={set('website')} />
        </Field>
        <Field label={t('competitor_notes')} name="notes" error={errors.notes} wide>
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
      </div>
    </form>
  );

  return (
    <div class="page">
      <div class="page-head">
        <h1>{t('competitors_title')}</h1>
        {canEdit && editing === null && (
          <div class="page-actions">
            <button type="button" class="btn btn-primary" onClick={() => open('new')}>
              + {t('competitor_add')}
            </button>
          </div>
        )}
      </div>
      <p class="muted">{t('competitors_intro')}</p>
      {editing === 'new' && formView}
      {editing === null && <ErrorBox error={error} />}
      <div class="toolbar">
        <div class="search">
          <label class="sr-only" for="competitor-search">
            {t('search_label')}
          </label>
          <input
            id="competitor-search"
            type="search"
            placeholder={t('search_label')}
            value={search}
            onInput={(e) => setSearch((e.target as HTMLInputElement).value)}
          />
        </div>
      </div>
      <ErrorBox error={loadError} onRetry={() => load(null)} />
      {!items ? (
        !loadError && <Loading />
      ) : items.length === 0 ? (
        <p class="empty">{t('competitors_empty')}</p>
      ) : (
        <ul class="cards">
          {items.map((c) => (
            <li class={`card${c.archived_at ? ' archived' : ''}`}>
              {editing !== null && editing !== 'new' && editing.id === c.id ? (
                formView
              ) : (
                <>
                  <div class="card-row">
                    <strong class="card-name">{c.name}</strong>
                    {c.archived_at && <span class="badge badge-archived">{t('archived_badge')}</span>}
                    {canEdit && !c.archived_at && editing === null && (
                      <span class="row-actions">
                        <button type="button" class="btn btn-small" onClick={() => open(c)}>
                          {t('edit')}
                        </button>
                        <button type="button" class="btn btn-small btn-danger" onClick={() => remove(c)}>
                          {t('archive')}
                        </button>
                      </span>
                    )}
                  </div>
                  {c.website && (
                    <div class="sub">
                      <ExternalLink url={c.website} />
                    </div>
                  )}
                  {c.notes && <p class="pre">{c.notes}</p>}
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {next && (
        <button type="button" class="btn" onClick={() => load(next)}>
          {t('show_more')}
        </button>
      )}
    </div>
  );
}
