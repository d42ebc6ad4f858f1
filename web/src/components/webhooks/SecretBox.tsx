// The secret of a newly registered endpoint, shown this once (the server never answers it again):
// a read-only box to copy it from, a copy button and the warning that it will not be shown again.
// The page keeps it only in memory, so it is gone after a reload.
import { useState } from 'preact/hooks';
import { copyText } from '../../research';
import { useWh } from '../../webhookStrings';

export function SecretBox({ url, secret, onDone }: { url: string; secret: string; onDone: () => void }) {
  const { wh } = useWh();
  const [copied, setCopied] = useState<'idle' | 'ok' | 'fail'>('idle');
  const copy = async () => {
    const ok = await copyText(secret);
    setCopied(ok ? 'ok' : 'fail');
    window.setTimeout(() => setCopied('idle'), 2500);
  };
  return (
    <section class="panel wh-secret" data-secret-box role="status" aria-live="polite">
      <h2>{wh('wh_secret_title')}</h2>
      <p class="alert alert-warn wh-secret-warning" data-secret-warning>{wh('wh_secret_warning')}</p>
      <div class="wh-secret-row">
        <input type="text" readOnly value={secret} class="wh-secret-value" name="secret" data-secret
          aria-label={wh('wh_secret_label', { url })} spellcheck={false}
          onFocus={(e) => (e.target as HTMLInputElement).select()} />
        <button type="button" class="btn btn-small btn-primary" data-action="copy-secret" onClick={copy}>
          {copied === 'ok' ? wh('wh_copied') : copied === 'fail' ? wh('wh_copy_failed') : wh('wh_copy')}
        </button>
      </div>
      <div class="btn-row">
        <button type="button" class="btn btn-small btn-ghost" data-action="hide-secret" onClick={onDone}>
          {wh('wh_secret_done')}
        </button>
      </div>
    </section>
  );
}
