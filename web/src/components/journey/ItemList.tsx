// A stage's touchpoints or solutions with the signals tied to each; owners and analysts rename,
// remove (archive) and add items in place.
import { useState } from 'preact/hooks';
import { api, ApiError } from '../../api';
import { loc, loyaltyPath, patch, pointerErrors, type JourneyItem } from '../../loyalty';
import { useI18n } from '../../i18n';
import { ErrorBox } from '../ui';
import { BilingualField, fromBilingual, toBilingual, type Bilingual } from '../catalogue/BilingualField';

export function ItemList(props: {
  ws: string;
  stageId: number;
  kind: 'touchpoint' | 'solution';
  title: string;
  items: JourneyItem[];
  canEdit: boolean;
  onChanged: () => void;
}) {
  const { t, lang } = useI18n();
  const [editing, setEditing] = useState<number | 'new' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const archive = async (it: JourneyItem) => {
    if (!window.confirm(t('item_archive_confirm', { name: loc(it.name, lang) }))) return;
    setError(null);
    try {
      await patch(loyaltyPath.item(props.ws, it.id), { archived: true }, it.version);
      props.onChanged();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <div class={`stage-items items-${props.kind}`}>
      <h4>{props.title}</h4>
      <ErrorBox error={error} />
      <ul>
        {props.items.map((it) =>
          editing === it.id ? (
            <li>
              <ItemForm ws={props.ws} stageId={props.stageId} kind={props.kind} item={it}
                onDone={(saved) => { setEditing(null); if (saved) props.onChanged(); }} />
            </li>
          ) : (
            <li class="stage-item" data-item-id={it.id}>
              <span class="item-name">{loc(it.name, lang)}</span>
              {it.signals > 0 && <span class="badge signals" title={t('journey_signals')}>{it.signals}</span>}
              {props.canEdit && editing === null && (
                <span class="item-actions">
                  <button type="button" class="btn-icon" title={t('rename')} aria-label={t('rename')} data-action="rename-item" onClick={() => setEditing(it.id)}>✎</button>
                  <button type="button" class="btn-icon" title={t('delete')} aria-label={t('delete')} data-action="archive-item" onClick={() => archive(it)}>×</button>
                </span>
              )}
            </li>
          ),
        )}
      </ul>
      {editing === 'new' && (
        <ItemForm ws={props.ws} stageId={props.stageId} kind={props.kind} item={null}
          onDone={(saved) => { setEditing(null); if (saved) props.onChanged(); }} />
      )}
      {props.canEdit && editing === null && (
        <button type="button" class="btn btn-link btn-small" data-action={`add-${props.kind}`} onClick={() => setEditing('new')}>
          + {props.kind === 'touchpoint' ? t('touchpoint_add') : t('solution_add')}
        </button>
      )}
    </div>
  );
}

function ItemForm(props: { ws: string; stageId: number; kind: 'touchpoint' | 'solution'; item: JourneyItem | null; onDone: (saved: boolean) => void }) {
  const { t } = useI18n();
  const [name, setName] = useState<Bilingual>(toBilingual(props.item ? props.item.name : null));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const save = async (e: Event) => {
    e.preventDefault();
    if (!name.ru.trim()) {
      setErrors({ 'name/ru': t('err_required') });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const j = fromBilingual(name);
      if (props.item) await patch(loyaltyPath.item(props.ws, props.item.id), { name: j }, props.item.version);
      else await api.post(loyaltyPath.stageItems(props.ws, props.stageId), { kind: props.kind, name: j });
      props.onDone(true);
    } catch (err) {
      setErrors(pointerErrors(err));
      setError(err instanceof ApiError && err.status === 412 ? new ApiError(412, { detail: t('conflict_generic') }) : err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="item-form" onSubmit={save} noValidate>
      <ErrorBox error={error} />
      <BilingualField name="name" label={t('item_name')} value={name} errors={errors} onChange={setName} required />
      <div class="btn-row">
        <button type="submit" class="btn btn-primary btn-small" disabled={busy}>{busy ? t('saving') : t('save')}</button>
        <button type="button" class="btn btn-ghost btn-small" onClick={() => props.onDone(false)} disabled={busy}>{t('cancel')}</button>
      </div>
    </form>
  );
}
