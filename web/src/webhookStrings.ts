// The strings of the webhooks page (#/w/{ws}/requests/webhooks, docs/webhooks.md) in Russian and
// English, in the same typed form as i18n.ts and requestStrings.ts: `en` defines the keys and
// `ru` is Record<WhKey, string>, so a key missing from either dictionary does not compile.
import { useMemo } from 'preact/hooks';
import { useI18n, type Lang } from './i18n';
import { lookupOf } from './lookup';

const en = {
  wh_nav: 'Webhooks',
  wh_title: 'Webhooks',
  wh_intro:
    'Advocate sends the events of the dialog window to your systems (a CRM, a chat bot, a ticket tracker): a signed POST to every active endpoint subscribed to the event.',
  wh_owners_only: 'Only the workspace’s owners see and manage webhooks. Ask an owner if a system of yours needs the events.',
  wh_endpoints: 'Endpoints',
  wh_none: 'No endpoints yet. Register one to receive the events.',
  wh_add: '+ Register an endpoint',
  wh_limit: 'A workspace may have at most {n} endpoints.',
  wh_col_url: 'URL',
  wh_col_events: 'Events',
  wh_col_active: 'Active',
  wh_col_created: 'Created',
  wh_col_actions: 'Actions',
  wh_active_yes: 'active',
  wh_active_no: 'off',
  wh_edit: 'Edit',
  wh_delete: 'Delete',
  wh_ping: 'Send a test ping',
  wh_ping_inactive: 'Activate the endpoint to send a test ping.',
  wh_ping_sent: 'A test delivery is queued: see it in the log below.',
  wh_log_open: 'Delivery log',
  wh_delete_confirm: 'Delete the endpoint {url} with its delivery log? Its secret stops working.',
  wh_deleted: 'The endpoint is deleted.',
  wh_saved: 'The endpoint is saved.',
  wh_conflict: 'Someone else changed this endpoint meanwhile. Its latest version is loaded: look at it and repeat your change.',
  wh_gone: 'This endpoint no longer exists: someone else deleted it.',
  wh_inactive_conflict: 'The endpoint is off: activate it first.',
  // the form
  wh_form_new: 'A new endpoint',
  wh_form_edit: 'Edit the endpoint',
  wh_url: 'URL of the receiver',
  wh_url_hint: 'http:// or https://, without a user name or password. Advocate POSTs JSON to it.',
  wh_events: 'Events',
  wh_events_hint: 'At least one. A test ping needs no subscription.',
  wh_event_not_offered: '{event} (not offered by this page)',
  wh_active: 'Active: send the events to it',
  wh_active_hint: 'Turning it off fails what is still waiting to be sent to it.',
  wh_register: 'Register',
  wh_save: 'Save',
  wh_cancel: 'Cancel',
  wh_err_url: 'Enter the URL.',
  wh_err_events: 'Choose at least one event.',
  // the secret
  wh_secret_title: 'The endpoint’s secret',
  wh_secret_warning:
    'Copy it now and keep it in the receiving system: it will not be shown again. The receiver checks X-Advocate-Signature with it.',
  wh_secret_label: 'Secret of {url}',
  wh_copy: 'Copy',
  wh_copied: 'Copied',
  wh_copy_failed: 'Select and copy it',
  wh_secret_done: 'It is saved, hide it',
  // events
  wh_ev_request_created: 'A request was raised',
  wh_ev_request_message: 'A new message in a request',
  wh_ev_request_resolved: 'A request was resolved',
  wh_ev_request_rated: 'The client rated the result',
  wh_ev_ping: 'Test ping',
  // the delivery log
  wh_log_title: 'Deliveries to {url}',
  wh_log_hint: 'Newest first. A failed attempt is repeated by itself after a pause that doubles each time; finished deliveries are kept for 30 days.',
  wh_log_empty: 'Nothing was sent to this endpoint yet.',
  wh_log_close: 'Close the log',
  wh_log_refresh: 'Refresh',
  wh_log_more: 'Show older deliveries',
  wh_log_n: '{n} shown',
  wh_col_id: 'No.',
  wh_col_event: 'Event',
  wh_col_status: 'Status',
  wh_col_attempts: 'Attempts',
  wh_col_http: 'Last HTTP status',
  wh_col_error: 'Last error',
  wh_col_times: 'Times',
  wh_status_pending: 'pending',
  wh_status_delivered: 'delivered',
  wh_status_failed: 'failed',
  wh_time_created: 'queued',
  wh_time_last: 'last attempt',
  wh_time_next: 'next attempt',
  wh_time_delivered: 'delivered',
  wh_time_failed: 'failed',
  wh_no_answer: 'no answer',
  wh_payload: 'Payload',
  wh_retry: 'Send again',
  wh_retried: 'Delivery {id} is queued again.',
  wh_retry_pending: 'Delivery {id} is still pending: it is attempted again by itself, so it cannot be sent again now.',
};

export type WhKey = keyof typeof en;

const ru: Record<WhKey, string> = {
  wh_nav: 'Вебхуки',
  wh_title: 'Вебхуки',
  wh_intro:
    'Advocate отправляет события окна диалога в ваши системы (CRM, чат-бот, трекер задач): подписанный POST-запрос на каждый активный адрес, подписанный на событие.',
  wh_owners_only: 'Вебхуки видят и настраивают только владельцы пространства. Если вашей системе нужны события, обратитесь к владельцу.',
  wh_endpoints: 'Адреса получателей',
  wh_none: 'Адресов пока нет. Зарегистрируйте адрес, чтобы получать события.',
  wh_add: '+ Зарегистрировать адрес',
  wh_limit: 'В пространстве может быть не больше {n} адресов.',
  wh_col_url: 'URL',
  wh_col_events: 'События',
  wh_col_active: 'Активен',
  wh_col_created: 'Создан',
  wh_col_actions: 'Действия',
  wh_active_yes: 'активен',
  wh_active_no: 'выключен',
  wh_edit: 'Изменить',
  wh_delete: 'Удалить',
  wh_ping: 'Отправить проверку',
  wh_ping_inactive: 'Включите адрес, чтобы отправить проверку.',
  wh_ping_sent: 'Проверочная доставка поставлена в очередь: она видна в журнале ниже.',
  wh_log_open: 'Журнал доставок',
  wh_delete_confirm: 'Удалить адрес {url} вместе с журналом доставок? Его секрет перестанет действовать.',
  wh_deleted: 'Адрес удалён.',
  wh_saved: 'Адрес сохранён.',
  wh_conflict: 'Кто-то другой изменил этот адрес за это время. Загружена его последняя версия: посмотрите на неё и повторите своё изменение.',
  wh_gone: 'Этого адреса больше нет: его удалил кто-то другой.',
  wh_inactive_conflict: 'Адрес выключен: сначала включите его.',
  wh_form_new: 'Новый адрес',
  wh_form_edit: 'Изменение адреса',
  wh_url: 'URL получателя',
  wh_url_hint: 'http:// или https://, без имени пользователя и пароля. Advocate отправляет на него JSON методом POST.',
  wh_events: 'События',
  wh_events_hint: 'Хотя бы одно. Для проверки подписка не нужна.',
  wh_event_not_offered: '{event} (эта страница его не предлагает)',
  wh_active: 'Активен: отправлять на него события',
  wh_active_hint: 'Если выключить, то всё, что ещё ждёт отправки на него, не будет доставлено.',
  wh_register: 'Зарегистрировать',
  wh_save: 'Сохранить',
  wh_cancel: 'Отмена',
  wh_err_url: 'Введите URL.',
  wh_err_events: 'Выберите хотя бы одно событие.',
  wh_secret_title: 'Секрет адреса',
  wh_secret_warning:
    'Скопируйте его сейчас и сохраните в принимающей системе: больше он показан не будет. По нему получатель проверяет X-Advocate-Signature.',
  wh_secret_label: 'Секрет для {url}',
  wh_copy: 'Скопировать',
  wh_copied: 'Скопировано',
  wh_copy_failed: 'Выделите и скопируйте',
  wh_secret_done: 'Секрет сохранён, скрыть',
  wh_ev_request_created: 'Создано обращение',
  wh_ev_request_message: 'Новое сообщение в обращении',
  wh_ev_request_resolved: 'Обращение решено',
  wh_ev_request_rated: 'Клиент оценил результат',
  wh_ev_ping: 'Проверка',
  wh_log_title: 'Доставки на {url}',
  wh_log_hint: 'Сначала новые. Неудачная попытка повторяется сама через паузу, которая каждый раз удваивается; завершённые доставки хранятся 30 дней.',
  wh_log_empty: 'На этот адрес ещё ничего не отправлялось.',
  wh_log_close: 'Закрыть журнал',
  wh_log_refresh: 'Обновить',
  wh_log_more: 'Показать более ранние',
  wh_log_n: 'Показано: {n}',
  wh_col_id: '№',
  wh_col_event: 'Событие',
  wh_col_status: 'Состояние',
  wh_col_attempts: 'Попыток',
  wh_col_http: 'Последний HTTP-статус',
  wh_col_error: 'Последняя ошибка',
  wh_col_times: 'Время',
  wh_status_pending: 'отправляется',
  wh_status_delivered: 'доставлено',
  wh_status_failed: 'не доставлено',
  wh_time_created: 'в очереди с',
  wh_time_last: 'последняя попытка',
  wh_time_next: 'следующая попытка',
  wh_time_delivered: 'доставлено',
  wh_time_failed: 'не доставлено',
  wh_no_answer: 'нет ответа',
  wh_payload: 'Содержимое',
  wh_retry: 'Отправить снова',
  wh_retried: 'Доставка {id} снова поставлена в очередь.',
  wh_retry_pending: 'Доставка {id} ещё отправляется: она будет повторена сама, поэтому отправить её снова сейчас нельзя.',
};

const dicts: Record<Lang, Record<WhKey, string>> = { ru, en };

export type WhT = (key: WhKey, vars?: Record<string, string | number>) => string;

/** The webhooks page's strings in the UI's language, with the shared i18n. */
export function useWh() {
  const i18n = useI18n();
  const wh: WhT = useMemo(() => lookupOf(dicts[i18n.lang], en), [i18n.lang]);
  return { ...i18n, wh };
}

/** The label of an event type; the type itself when the page does not know it. */
export function eventLabel(wh: WhT, event: string): string {
  switch (event) {
    case 'request.created': return wh('wh_ev_request_created');
    case 'request.message': return wh('wh_ev_request_message');
    case 'request.resolved': return wh('wh_ev_request_resolved');
    case 'request.rated': return wh('wh_ev_request_rated');
    case 'ping': return wh('wh_ev_ping');
    default: return event;
  }
}

export function statusLabel(wh: WhT, status: string): string {
  switch (status) {
    case 'pending': return wh('wh_status_pending');
    case 'delivered': return wh('wh_status_delivered');
    case 'failed': return wh('wh_status_failed');
    default: return status;
  }
}
