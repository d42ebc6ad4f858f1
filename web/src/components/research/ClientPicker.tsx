// Choosing a client: a search over the workspace's client companies (GET /accounts?q=…) that
// shows a few matches to pick from, and the people of the chosen company
// (GET /accounts/{id}/contacts), for invitations and interviews.
import { useEffect, useState } from 'preact/hooks';
import { api, wsPath, type Account, type Page } from '../../api';
import { mapPath, type Contact } from '../../accountMap';
import { useI18n } from '../../i18n';
import { useDebounced } from '../ui';

export interface AccountRef { id: number; name: string }

export function AccountPicker(props: {
  ws: string;
  name: string;
  value: AccountRef | null;
  onChange: (a: AccountRef | null) => void;
  invalid?: boolean;
  /** Offer matches only once something is typed (a filter bar has no room for a standing list). */
  typeFirst?: boolean;
}) {
  const { t } = useI18n();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 250);
  const [found, setFound] = useState<Account[] | null>(null);

  useEffect(() => {
    if (props.value) return;
    if (props.typeFirst && !q) {
      setFound(null);
      return;
    }
    let live = true;
    api
      .get<Page<Account>>(wsPath(props.ws, '/accounts'), { q: q || undefined, sort: 'name', limit: 8 })
      .then((r) => live && setFound(r.items || []))
      .catch(() => live && setFound([]));
    return () => { live = false; };
  }, [props.ws, q, !!props.value]);

  if (props.value) {
    return (
      <div class="picked" data-picked-account={props.value.id}>
        <strong class="user-text">{props.value.name}</strong>{' '}
        <button type="button" class="btn btn-small btn-ghost" data-action="change-account" onClick={() => props.onChange(null)}>
          {t('research_change')}
        </button>
      </div>
    );
  }
  return (
    <div class={`account-picker${props.invalid ? ' invalid' : ''}`}>
      <input
        id={`f-${props.name}`}
        type="search"
        name={props.name}
        placeholder={t('research_account_search')}
        value={search}
        aria-invalid={props.invalid || undefined}
        onInput={(e) => setSearch((e.target as HTMLInputElement).value)}
      />
      {found && (
        <ul class="pick-list" role="listbox">
          {found.length === 0 && <li class="muted">{t('research_account_none')}</li>}
          {found.map((a) => (
            <li>
              <button type="button" class="btn btn-link pick" role="option" aria-selected="false" data-account-id={a.id}
                onClick={() => props.onChange({ id: a.id, name: a.name })}>
                {a.name}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The live people of an account (neither archived nor left), loaded when the account changes. */
export function useContacts(ws: string, accountId: number | null): Contact[] | null {
  const [contacts, setContacts] = useState<Contact[] | null>(null);
  useEffect(() => {
    setContacts(null);
    if (!accountId) return;
    let live = true;
    api
      .get<{ items: Contact[] }>(mapPath.contacts(ws, accountId))
      .then((r) => live && setContacts((r.items || []).filter((c) => !c.archived_at && !c.left_on)))
      .catch(() => live && setContacts([]));
    return () => { live = false; };
  }, [ws, accountId]);
  return contacts;
}
