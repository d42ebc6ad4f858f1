// Small pieces of the studies pages: the status badge, the period text, a copy button and the
// panel that shows a new survey link once.
import { useState } from 'preact/hooks';
import { useI18n } from '../../i18n';
import { copyText, studyStatusKey, type Study, type StudyStatus } from '../../research';

const STATUS_CLASS: Record<StudyStatus, string> = { draft: 'badge-prospect', open: 'badge-active', closed: 'badge-archived' };

export function StudyStatusBadge({ status }: { status: StudyStatus }) {
  const { t } = useI18n();
  return <span class={`badge ${STATUS_CLASS[status] || ''}`} data-status={status}>{t(studyStatusKey(status))}</span>;
}

/** "1 Mar 2026 – 30 Apr 2026", "from …", "until …" or "—". */
export function studyPeriod(s: Pick<Study, 'starts_on' | 'ends_on'>, locale: string, fmt: (d: string, l: string) => string): string {
  if (s.starts_on && s.ends_on) return `${fmt(s.starts_on, locale)} – ${fmt(s.ends_on, locale)}`;
  if (s.starts_on) return `${fmt(s.starts_on, locale)} –`;
  if (s.ends_on) return `– ${fmt(s.ends_on, locale)}`;
  return '—';
}

export function CopyButton({ text, label }: { text: string; label?: string }) {
  const { t } = useI18n();
  const [state, setState] = useState<'idle' | 'ok' | 'fail'>('idle');
  return (
    <button
      type="button"
      class="btn btn-small"
      data-action="copy"
      onClick={async () => {
        const ok = await copyText(text);
        setState(ok ? 'ok' : 'fail');
        window.setTimeout(() => setState('idle'), 2500);
      }}
    >
      {state === 'ok' ? t('research_copied') : state === 'fail' ? t('research_copy_failed') : label || t('research_copy')}
    </button>
  );
}

/** A link shown once (the server keeps only its hash): the link, a copy button, a warning. */
export function OnceLink({ url, who, onDone }: { url: string; who: string; onDone?: () => void }) {
  const { t } = useI18n();
  return (
    <div class="once-link" data-once-link>
      <div class="once-link-who">{who}</div>
      <div class="once-link-row">
        <input type="text" readOnly value={url} class="once-link-url" aria-label={t('invitation_link')}
          onFocus={(e) => (e.target as HTMLInputElement).select()} />
        <CopyButton text={url} />
        {onDone && (
          <button type="button" class="btn btn-small btn-ghost" onClick={onDone}>
            {t('close')}
          </button>
        )}
      </div>
    </div>
  );
}
