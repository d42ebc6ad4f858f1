// The client portal's strings in Russian and English, apart from the staff UI's table so that the
// portal's bundle stays small. `en` defines the keys; `ru` is typed Record<Key, string>, so the
// compiler refuses a key missing from either. Russian is the default; the choice is remembered.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { lookupOf } from '../lookup';

const en = {
  lang_name: 'English',
  lang_switch: 'Language',
  title: 'Requests',
  loading: 'Loading…',
  network_error: 'The server cannot be reached. Check the connection and try again.',
  error_generic: 'Something went wrong (HTTP {status}).',
  throttled: 'Too many attempts. Wait a little and try again.',
  retry: 'Try again',

  // signing in
  signin_title: 'Sign in to the dialog window',
  signin_lead: 'Open the invitation link your manager at the supplier sent you, or sign in with your e-mail and password.',
  signin_no_password: 'No password, or forgot it?',
  signin_workspace: 'Supplier code',
  signin_workspace_hint: 'It is in the invitation link or in your manager’s letter.',
  signin_email: 'E-mail',
  signin_password: 'Password',
  signin_submit: 'Sign in',
  signin_wrong: 'Wrong e-mail or password.',
  signin_ended: 'Your session has ended. Sign in again.',
  link_working: 'Signing you in…',
  link_dead_title: 'This link no longer works',
  link_dead_text: 'It has been used already, has expired or has been withdrawn. Get a new one by e-mail below; if you no longer have access, ask your manager at the supplier for a new invitation.',
  link_dead_or: 'If you have set a password, you can sign in with it:',
  framed_no_cookie: 'Your browser does not keep the sign-in inside this frame. Open the dialog window in a tab of its own.',
  open_full: 'Open in a new tab',
  link_request_title: 'Get a sign-in link by e-mail',
  link_request_lead: 'Enter the e-mail address your supplier knows you by. We will send a link that signs you in once, within {minutes} minutes.',
  link_request_supplier: 'Supplier code: {ws}',
  link_request_open: 'Send me a sign-in link',
  link_request_submit: 'Send me a new link',
  link_request_sent: 'If this address is registered, a link is on its way. It works once, for {minutes} minutes: check your inbox (and the spam folder).',
  link_request_again: 'Send another link',

  // header
  signed_in_as: '{name}, {company}',
  nav_requests: 'My requests',
  nav_new: 'New request',
  nav_password: 'Password',
  signout: 'Sign out',
  live_on: 'Live updates on',
  live_off: 'Reconnecting…',

  // the list
  list_title: 'Requests of {company}',
  list_empty: 'No requests yet. Ask a question, raise a complaint or share an idea — the supplier’s team will answer here.',
  list_more: 'Show more',
  list_subject: 'Subject',
  list_kind: 'Kind',
  list_status: 'Status',
  list_activity: 'Last activity',
  list_messages: 'Messages',
  unread: 'new',
  set_password_hint: 'Set a password to sign in without a link next time.',
  set_password_link: 'Set a password',

  // kinds
  kind_question: 'Question',
  kind_complaint: 'Complaint',
  kind_suggestion: 'Suggestion',
  kind_praise: 'Praise',
  kind_order_problem: 'Order problem',
  kind_shipment_problem: 'Shipment problem',
  kind_other: 'Other',

  // statuses
  status_new: 'New',
  status_open: 'In progress',
  status_waiting: 'Waiting for your answer',
  status_resolved: 'Resolved',
  status_closed: 'Closed',

  // new request
  new_title: 'New request',
  new_kind: 'What is it about?',
  new_subject: 'Subject',
  new_body: 'Describe it',
  new_body_hint: 'Order numbers, dates, what happened and what you expect.',
  new_submit: 'Send',
  new_cancel: 'Cancel',
  sending: 'Sending…',

  // the thread
  back: '← All requests',
  thread_you: 'You',
  thread_staff: 'Supplier',
  thread_opened: 'Raised {date}',
  reply_label: 'Your message',
  reply_send: 'Send',
  reply_resolved: 'The request is resolved. To write again, reopen it.',
  reply_closed: 'The request is closed. To write again, reopen it.',
  reply_no_reopen: 'The request can no longer be reopened. If the problem is back, raise a new request.',
  reopen: 'Reopen',
  reopen_until: 'can be reopened until {date}',
  close: 'Close the request',
  close_hint: 'The problem is solved? Close the request.',
  new_request_instead: 'Raise a new request',
  helpful_q: 'Was this answer helpful?',
  helpful_yes: 'Helpful',
  helpful_no: 'Not helpful',
  rate_title: 'How well was it resolved?',
  rate_star: '{n} of 5',
  rate_comment: 'Comment (optional)',
  rate_submit: 'Rate',
  rate_change: 'Change the rating',
  rate_done: 'Your rating: {n} of 5. Thank you!',
  updated_live: 'New messages arrived',

  // password
  password_title: 'Password',
  password_lead: 'With a password you sign in with your e-mail at any time, without an invitation link.',
  password_new: 'New password',
  password_repeat: 'Repeat the password',
  password_rule: 'At least 10 characters.',
  password_mismatch: 'The passwords do not match.',
  password_short: 'The password is shorter than 10 characters.',
  password_save: 'Save the password',
  password_saved: 'The password is saved. Sign in with {email} and this password next time.',
  password_has: 'You have a password; saving a new one replaces it and signs you out elsewhere.',

  not_found: 'There is no such request.',
};

export type Key = keyof typeof en;
type Dict = Record<Key, string>;

const ru: Dict = {
  lang_name: 'Русский',
  lang_switch: 'Язык',
  title: 'Обращения',
  loading: 'Загрузка…',
  network_error: 'Сервер недоступен. Проверьте соединение и попробуйте ещё раз.',
  error_generic: 'Что-то пошло не так (HTTP {status}).',
  throttled: 'Слишком много попыток. Подождите немного и попробуйте снова.',
  retry: 'Попробовать снова',

  signin_title: 'Вход в окно диалога',
  signin_lead: 'Откройте ссылку-приглашение от вашего менеджера у поставщика или войдите по e-mail и паролю.',
  signin_no_password: 'Нет пароля или забыли его?',
  signin_workspace: 'Код поставщика',
  signin_workspace_hint: 'Он есть в ссылке-приглашении или в письме менеджера.',
  signin_email: 'E-mail',
  signin_password: 'Пароль',
  signin_submit: 'Войти',
  signin_wrong: 'Неверный e-mail или пароль.',
  signin_ended: 'Сеанс завершён. Войдите снова.',
  link_working: 'Выполняем вход…',
  link_dead_title: 'Эта ссылка больше не действует',
  link_dead_text: 'Она уже использована, устарела или отозвана. Получите новую ссылку на e-mail ниже; если доступа больше нет, попросите вашего менеджера у поставщика прислать новое приглашение.',
  link_dead_or: 'Если вы задали пароль, войдите с ним:',
  framed_no_cookie: 'Браузер не сохраняет вход внутри этого окна. Откройте окно диалога в отдельной вкладке.',
  open_full: 'Открыть в новой вкладке',
  link_request_title: 'Получить ссылку для входа на e-mail',
  link_request_lead: 'Укажите e-mail, по которому вас знает поставщик. Мы пришлём ссылку, которая впустит вас один раз в течение {minutes} минут.',
  link_request_supplier: 'Код поставщика: {ws}',
  link_request_open: 'Прислать ссылку для входа',
  link_request_submit: 'Прислать новую ссылку',
  link_request_sent: 'Если этот адрес зарегистрирован, ссылка уже в пути. Она действует {minutes} минут и срабатывает один раз: проверьте почту (и папку «Спам»).',
  link_request_again: 'Отправить ещё раз',

  signed_in_as: '{name}, {company}',
  nav_requests: 'Мои обращения',
  nav_new: 'Новое обращение',
  nav_password: 'Пароль',
  signout: 'Выйти',
  live_on: 'Обновляется в реальном времени',
  live_off: 'Переподключение…',

  list_title: 'Обращения компании {company}',
  list_empty: 'Обращений пока нет. Задайте вопрос, заявите рекламацию или предложите идею — команда поставщика ответит здесь.',
  list_more: 'Показать ещё',
  list_subject: 'Тема',
  list_kind: 'Тип',
  list_status: 'Статус',
  list_activity: 'Последняя активность',
  list_messages: 'Сообщений',
  unread: 'новое',
  set_password_hint: 'Задайте пароль, чтобы в следующий раз входить без ссылки.',
  set_password_link: 'Задать пароль',

  kind_question: 'Вопрос',
  kind_complaint: 'Рекламация',
  kind_suggestion: 'Предложение',
  kind_praise: 'Благодарность',
  kind_order_problem: 'Проблема с заказом',
  kind_shipment_problem: 'Проблема с отгрузкой',
  kind_other: 'Другое',

  status_new: 'Новое',
  status_open: 'В работе',
  status_waiting: 'Ждёт вашего ответа',
  status_resolved: 'Решено',
  status_closed: 'Закрыто',

  new_title: 'Новое обращение',
  new_kind: 'О чём обращение?',
  new_subject: 'Тема',
  new_body: 'Опишите подробно',
  new_body_hint: 'Номера заказов, даты, что произошло и чего вы ожидаете.',
  new_submit: 'Отправить',
  new_cancel: 'Отмена',
  sending: 'Отправка…',

  back: '← Все обращения',
  thread_you: 'Вы',
  thread_staff: 'Поставщик',
  thread_opened: 'Создано {date}',
  reply_label: 'Ваше сообщение',
  reply_send: 'Отправить',
  reply_resolved: 'Обращение решено. Чтобы написать снова, откройте его заново.',
  reply_closed: 'Обращение закрыто. Чтобы написать снова, откройте его заново.',
  reply_no_reopen: 'Это обращение уже нельзя открыть заново. Если проблема вернулась, создайте новое обращение.',
  reopen: 'Открыть заново',
  reopen_until: 'можно открыть заново до {date}',
  close: 'Закрыть обращение',
  close_hint: 'Проблема решена? Закройте обращение.',
  new_request_instead: 'Создать новое обращение',
  helpful_q: 'Этот ответ помог?',
  helpful_yes: 'Помог',
  helpful_no: 'Не помог',
  rate_title: 'Как решили ваш вопрос?',
  rate_star: '{n} из 5',
  rate_comment: 'Комментарий (необязательно)',
  rate_submit: 'Оценить',
  rate_change: 'Изменить оценку',
  rate_done: 'Ваша оценка: {n} из 5. Спасибо!',
  updated_live: 'Пришли новые сообщения',

  password_title: 'Пароль',
  password_lead: 'С паролем вы входите по e-mail в любое время, без ссылки-приглашения.',
  password_new: 'Новый пароль',
  password_repeat: 'Повторите пароль',
  password_rule: 'Не короче 10 символов.',
  password_mismatch: 'Пароли не совпадают.',
  password_short: 'Пароль короче 10 символов.',
  password_save: 'Сохранить пароль',
  password_saved: 'Пароль сохранён. В следующий раз входите с {email} и этим паролем.',
  password_has: 'Пароль уже задан; новый заменит его и завершит ваши сеансы на других устройствах.',

  not_found: 'Такого обращения нет.',
};

export type Lang = 'ru' | 'en';
export const LANGS: Lang[] = ['ru', 'en'];
const dictionaries: Record<Lang, Dict> = { ru, en };
const STORAGE_KEY = 'advocate.portal.lang';

const isLang = (v: unknown): v is Lang => v === 'ru' || v === 'en';

/** The remembered choice, else the page's ?lang= (the widget passes one), else null. */
export function chosenLang(): Lang | null {
  try {
    const saved = window.localStorage.getItem(STORAGE_KEY);
    if (isLang(saved)) return saved;
  } catch {
    /* storage may be disabled (a third-party frame) */
  }
  const q = new URLSearchParams(window.location.search).get('lang');
  return isLang(q) ? q : null;
}

export function saveLang(lang: Lang): void {
  try { window.localStorage.setItem(STORAGE_KEY, lang); } catch { /* ignore */ }
}

export { isLang };

export type T = (key: Key, vars?: Record<string, string | number>) => string;

export function translator(lang: Lang): T {
  return lookupOf(dictionaries[lang], en);
}

export interface I18n { lang: Lang; t: T; setLang: (l: Lang) => void; locale: string }
export const I18nContext = createContext<I18n>({ lang: 'ru', t: translator('ru'), setLang: () => undefined, locale: 'ru-RU' });
export function useI18n(): I18n { return useContext(I18nContext); }

/** A date and time in the reader's language: "28 нояб. 2026 г., 14:05". */
export function formatWhen(iso: string | null | undefined, locale: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(locale, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}
