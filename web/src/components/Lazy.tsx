// A component whose code is loaded on first use (a separate chunk), so the loyalty pages and tab
// do not weigh on the first load of the application. Shows "Loading…" until the code is there.
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useI18n } from '../i18n';
import { Loading } from './ui';

export function lazyComponent<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<ComponentType<P>> | null = null;
  return function Lazy(props: P) {
    const { t } = useI18n();
    const [C, setC] = useState<ComponentType<P> | null>(() => loaded);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (C) return;
      let live = true;
      if (!pending) {
        pending = load();
        pending.catch(() => { pending = null; });
      }
      pending
        .then((c) => {
          loaded = c;
          if (live) setC(() => c);
        })
        .catch(() => live && setFailed(true));
      return () => { live = false; };
    }, []);
    if (failed) return <div class="alert alert-error" role="alert">{t('network_error')}</div>;
    return C ? <C {...props} /> : <Loading />;
  };
}
