// The account card's "Account map" tab: the org chart of the company's people (OrgChart) with,
// beside it, the form of the selected person, the map's health and risks, and the relationship
// plan. Dragging a person onto another makes the second the manager (PATCH reports_to_id with
// If-Match; a refusal — a cycle, a conflict — is shown and the chart is put back). Deleting a
// person others report to asks whether to move them under the person's manager or to the top.
// The chart can be saved as a PNG picture. On a phone the panels stack under the chart. Below the
// chart, the company's "Client portal" panel; in a person's form, their portal access.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, request, type Role } from '../../api';
import {
  ATTITUDE_COLOR, attitudeKey, canEditMap, mapPath, reportsOf, roleKey, type AccountMap, type Contact,
} from '../../accountMap';
import { useMembers } from '../../data';
import { useI18n } from '../../i18n';
import type { ECharts } from '../../charts/echarts';
import { ErrorBox, formatDate, Loading, Notice } from '../ui';
import { OrgChart } from './OrgChart';
import { ContactForm } from './ContactForm';
import { MapRisks } from './MapRisks';
import { MapPlan } from './MapPlan';
import { usePortalWrite } from '../../portalAccess';
import { PortalPanel } from '../portalAccess/PortalPanel';
import { ContactPortal } from '../portalAccess/ContactPortal';

type Selection = { id: number } | { id: 'new'; under: number | null } | null;

interface Deleting {
  contact: Contact;
  reports: { id: number; name: string }[];
}

export function AccountMapTab({ ws, accountId, role, archived }: { ws: string; accountId: number; role: Role; archived: boolean }) {
  const { t, locale } = useI18n();
  const members = useMembers(ws);
  const [map, setMap] = useState<AccountMap | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [sel, setSel] = useState<Selection>(null);
  const [deleting, setDeleting] = useState<Deleting | null>(null);
  const [chart, setChart] = useState<ECharts | null>(null);
  const [removed, setRemoved] = useState<Contact[] | null>(null);
  const editable = canEditMap(role) && !archived;
  const portalWrite = usePortalWrite(ws, accountId, role);

  const load = () =>
    api
      .get<AccountMap>(mapPath.map(ws, accountId))
      .then((m) => {
        setMap(m);
        setLoadError(null);
        return m;
      })
      .catch((e) => {
        setLoadError(e);
        return null;
      });
  useEffect(() => {
    load();
  }, [ws, accountId]);

  if (loadError && !map) return <ErrorBox error={loadError} onRetry={load} />;
  if (!map) return <Loading />;

  const contacts = map.contacts;
  const selected = sel && sel.id !== 'new' ? contacts.find((c) => c.id === sel.id) || null : null;
  const select = (id: number) => {
    setSel({ id });
    setError(null);
    // On a phone the form is below the chart: bring it into view.
    window.setTimeout(() => {
      const el = document.querySelector('.account-map .contact-form');
      if (el && window.matchMedia('(max-width: 900px)').matches) el.scrollIntoView({ behavior: 'smooth', block: 'start' });
    }, 50);
  };

  const drop = async (from: number, to: number): Promise<boolean> => {
    const c = contacts.find((x) => x.id === from);
    const target = contacts.find((x) => x.id === to);
    if (!c || !target || !editable) return false;
    if (c.reports_to_id === to) return false;
    setError(null);
    try {
      await api.patch<Contact>(mapPath.contact(ws, accountId, from), { reports_to_id: to }, c.version);
      await load();
      setNotice(t('map_moved', { name: c.name, manager: target.name }));
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        await load();
        setError(new ApiError(412, { detail: t('conflict_generic') }));
      } else setError(dropError(e, c.name, target.name));
      return false;
    }
  };
  /** A refused drop in words: the API's messages for the reports_to_id field, else its detail. */
  const dropError = (e: unknown, who: string, manager: string): unknown => {
    if (!(e instanceof ApiError)) return e;
    const msgs = (e.problem.errors || []).map((x) => x.message).filter(Boolean);
    const why = msgs.length ? msgs.join('; ') : e.message;
    return new ApiError(e.status, { detail: t('map_drop_refused', { name: who, manager, why }) });
  };

  const remove = async (c: Contact, policy?: 'reparent' | 'detach') => {
    if (!policy && !window.confirm(t('contact_delete_confirm', { name: c.name }))) return;
    setError(null);
    try {
      await request('DELETE', mapPath.contact(ws, accountId, c.id), { ifMatch: c.version, query: policy ? { reports: policy } : undefined });
      setDeleting(null);
      setSel(null);
      await load();
      if (removed) await loadRemoved();
      setNotice(t('contact_deleted', { name: c.name }));
    } catch (e) {
      const reports = reportsOf(e);
      if (reports && !policy) {
        setDeleting({ contact: c, reports });
        return;
      }
      setDeleting(null);
      if (e instanceof ApiError && e.status === 412) {
        await load();
        setError(new ApiError(412, { detail: t('conflict_generic') }));
      } else setError(e);
    }
  };

  const loadRemoved = () =>
    api
      .get<{ items: Contact[] }>(mapPath.contacts(ws, accountId), { archived: 'true' })
      .then((r) => setRemoved(r.items || []))
      .catch(setError);
  const restore = async (c: Contact) => {
    setError(null);
    try {
      await request('POST', `${mapPath.contact(ws, accountId, c.id)}/restore`, { ifMatch: c.version });
      setNotice(t('contact_restored', { name: c.name }));
    } catch (e) {
      setError(e);
    }
    await Promise.all([load(), loadRemoved()]);
  };

  const savePng = () => {
    if (!chart) return;
    chart.dispatchAction({ type: 'hideTip' });
    const url = chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#ffffff' });
    // A blob: link rather than the data: URL itself (the CSP keeps connect-src to 'self').
    const bin = atob(url.slice(url.indexOf(',') + 1));
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const href = URL.createObjectURL(new Blob([bytes], { type: 'image/png' }));
    const a = document.createElement('a');
    a.href = href;
    a.download = `account-map-${accountId}.png`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    window.setTimeout(() => URL.revokeObjectURL(href), 10000);
  };

  const formKey = sel ? (sel.id === 'new' ? `new/${sel.under || ''}` : `c${sel.id}/${selected ? selected.version : 0}`) : '';
  const showForm = sel && (sel.id === 'new' || selected);

  return (
    <div class="account-map" data-health={map.health}>
      <Notice text={notice} onDone={() => setNotice(null)} />
      <div class="section-head map-toolbar">
        <h2>{t('map_title')}</h2>
        <div class="page-actions">
          {editable && (
            <button type="button" class="btn btn-primary" data-action="add-contact" onClick={() => setSel({ id: 'new', under: null })}>
              + {t('contact_add')}
            </button>
          )}
          {contacts.length > 0 && (
            <button type="button" class="btn" data-action="save-png" onClick={savePng} disabled={!chart}>
              {t('map_save_png')}
            </button>
          )}
        </div>
      </div>
      {editable && contacts.length > 1 && <p class="muted map-hint">{t('map_drag_hint')}</p>}
      <ErrorBox error={error} />
      <div class="map-layout">
        <div class="map-main">
          <section class="panel map-chart-panel">
            {contacts.length === 0 ? (
              <p class="empty map-empty">{editable ? t('map_empty_edit') : t('map_empty')}</p>
            ) : (
              <>
                <OrgChart
                  contacts={contacts}
                  links={map.links}
                  selectedId={selected ? selected.id : null}
                  editable={editable}
                  onSelect={select}
                  onDrop={drop}
                  onChart={setChart}
                />
                <details class="people-list">
                  <summary>{t('map_people_n', { n: contacts.length })}</summary>
                  <ul>
                    {contacts.map((c) => (
                      <li data-contact-id={c.id} class={c.left_on ? 'left' : ''}>
                        <span class="dot" style={{ background: ATTITUDE_COLOR[c.attitude] }} aria-hidden="true" />
                        <button type="button" class="btn-text user-text" onClick={() => select(c.id)}>
                          {c.name}
                        </button>
                        {c.position && <span class="sub user-text"> · {c.position}</span>}
                        {c.buying_role && <span class="badge badge-role">{t(roleKey(c.buying_role))}</span>}
                        <span class="sub"> · {t(attitudeKey(c.attitude))}</span>
                        {c.left_on && <span class="badge badge-left">{t('map_left_short')}</span>}
                      </li>
                    ))}
                  </ul>
                </details>
                <ul class="map-key" aria-label={t('map_key')}>
                  <li><span class="key-line key-reports" aria-hidden="true" />{t('map_key_reports')}</li>
                  <li><span class="key-line key-supports" aria-hidden="true" />{t('map_key_supports')}</li>
                  <li><span class="key-line key-opposes" aria-hidden="true" />{t('map_key_opposes')}</li>
                  <li><span class="key-dot key-left" aria-hidden="true" />{t('map_key_left')}</li>
                  <li><span class="key-dot key-size" aria-hidden="true" />{t('map_key_size')}</li>
                </ul>
              </>
            )}
          </section>
          <div class="removed-contacts">
            <button type="button" class="btn btn-link" data-action="toggle-removed" onClick={() => (removed ? setRemoved(null) : loadRemoved())}>
              {removed ? t('contacts_hide_removed') : t('contacts_show_removed')}
            </button>
            {removed && removed.length === 0 && <p class="muted">{t('contacts_removed_empty')}</p>}
            {removed && removed.length > 0 && (
              <ul class="archived-list">
                {removed.map((c) => (
                  <li data-contact-id={c.id}>
                    <span class="muted">
                      <span class="user-text">{c.name}</span> · {t('supplier_archived_at', { date: formatDate(c.archived_at, locale) })}
                    </span>
                    {editable && (
                      <button type="button" class="btn btn-small" data-action="restore-contact" onClick={() => restore(c)}>
                        {t('restore')}
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </div>
          <PortalPanel
            ws={ws}
            accountId={accountId}
            contacts={contacts}
            members={members}
            canWrite={portalWrite}
            archived={archived}
            onSelect={select}
          />
        </div>
        <aside class="map-side">
          {showForm && (
            <ContactForm
              key={formKey}
              ws={ws}
              accountId={accountId}
              contact={selected}
              contacts={contacts}
              links={map.links}
              members={members}
              editable={editable}
              defaultReportsTo={sel && sel.id === 'new' ? sel.under : null}
              onSaved={(c) => {
                setNotice(t('saved'));
                setSel({ id: c.id });
                load();
              }}
              onDelete={(c) => remove(c)}
              onLinksChanged={load}
              onSelect={select}
              onClose={() => setSel(null)}
              onAddReport={(id) => setSel({ id: 'new', under: id })}
              portal={
                selected && (
                  <ContactPortal
                    ws={ws}
                    accountId={accountId}
                    contact={selected}
                    members={members}
                    canWrite={portalWrite}
                    archived={archived}
                  />
                )
              }
            />
          )}
          <MapRisks map={map} onSelect={select} />
          <MapPlan
            ws={ws}
            accountId={accountId}
            map={map}
            members={members}
            editable={editable}
            selectedId={selected ? selected.id : null}
            onChanged={load}
            onSelect={select}
          />
        </aside>
      </div>
      {deleting && (
        <div class="modal-backdrop">
          <div class="modal panel" role="dialog" aria-modal="true" aria-labelledby="delete-reports-title" data-dialog="delete-reports">
            <h3 id="delete-reports-title">{t('delete_reports_title', { name: deleting.contact.name })}</h3>
            <p>{t('delete_reports_text', { n: deleting.reports.length })}</p>
            <ul class="user-text">
              {deleting.reports.map((r) => (
                <li>{r.name}</li>
              ))}
            </ul>
            <div class="btn-row">
              <button type="button" class="btn btn-primary" data-action="reparent" onClick={() => remove(deleting.contact, 'reparent')}>
                {t('delete_reports_reparent')}
              </button>
              <button type="button" class="btn" data-action="detach" onClick={() => remove(deleting.contact, 'detach')}>
                {t('delete_reports_detach')}
              </button>
              <button type="button" class="btn btn-ghost" data-action="cancel-delete" onClick={() => setDeleting(null)}>
                {t('cancel')}
              </button>
            </div>
          </div>
        </div>
      )}
    </div>
  );
}
