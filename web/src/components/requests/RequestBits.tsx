// Small pieces of the dialog window's pages: badges for the status, priority and kind of a
// request, and the "who has it" text.
import { useI18n } from '../../i18n';
import { reqKindKey, reqPriorityKey, reqStatusKey, type Req, type RequestPriority, type RequestStatus } from '../../requests';

export function ReqStatusBadge({ status }: { status: RequestStatus }) {
  const { t } = useI18n();
  return <span class={`badge req-status req-status-${status}`} data-status={status}>{t(reqStatusKey(status))}</span>;
}

export function PriorityBadge({ priority }: { priority: RequestPriority }) {
  const { t } = useI18n();
  return <span class={`badge req-priority req-priority-${priority}`} data-priority={priority}>{t(reqPriorityKey(priority))}</span>;
}

export function KindBadge({ kind }: { kind: string }) {
  const { t } = useI18n();
  return <span class="badge req-kind" data-kind={kind}>{t(reqKindKey(kind))}</span>;
}

export function assigneeText(r: Pick<Req, 'assignee_email' | 'assignee_name'>, nobody: string): string {
  return r.assignee_name || r.assignee_email || nobody;
}
