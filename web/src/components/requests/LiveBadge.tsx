// The live stream's state, shown discreetly beside the title of the inbox and of a request: a
// green dot when changes arrive by themselves, a blinking amber one while the stream reconnects.
import { useI18n } from '../../i18n';
import { useLiveState } from '../../live';

export function LiveBadge({ ws }: { ws: string }) {
  const { t } = useI18n();
  const state = useLiveState(ws);
  const label = state === 'live' ? t('live_state_live') : state === 'reconnecting' ? t('live_state_reconnecting') : t('live_state_connecting');
  const hint = state === 'live' ? t('live_state_live_hint') : state === 'reconnecting' ? t('live_state_reconnecting_hint') : label;
  return (
    <span class="live-state" data-live={state} role="status" title={hint}>
      <span class="live-dot" aria-hidden="true" />
      <span class="live-label">{label}</span>
    </span>
  );
}
