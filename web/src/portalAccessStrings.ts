// The strings of portal access on the company card (the "Client portal" panel and a contact's
// portal block, web/src/components/portalAccess/) in Russian and English, in the same typed form
// as i18n.ts and requestStrings.ts: `en` defines the keys and `ru` is Record<PaKey, string>, so a
// key missing from either dictionary does not compile. The language is the UI's (i18n.ts:
// Russian by default for a Russian browser, the choice remembered).
import { useMemo } from 'preact/hooks';
import { useI18n, type Lang } from './i18n';
import { lookupOf } from './lookup';

const en = {
  pa_title: 'Client portal',
  pa_intro:
    'People of this company who may sign in to the client portal — the dialog window where they raise requests and read our replies. They see only this company’s requests.',
  pa_show_revoked: 'Show revoked',
  pa_refresh: 'Refresh',
  pa_empty: 'Nobody of this company has portal access yet.',
  pa_empty_hint: 'Invite a person with an e-mail address: they get a one-time sign-in link.',
  pa_read_only: 'You see who has portal access but cannot change it: owners, analysts and the company’s manager invite and revoke.',
  pa_archived_note: 'The company is archived: nobody can be invited until it is restored.',
  pa_n: '{n} with access',
  pa_col_lang: 'Language',
  pa_col_invited: 'Invited',
  pa_status_invited: 'invited',
  pa_status_active: 'active',
  pa_status_revoked: 'revoked',
  pa_never_signed_in: 'has not signed in yet',
  pa_last_sign_in: 'last signed in {date}',
  pa_revoked_at: 'revoked {date}',
  pa_has_password: 'has set a password',
  pa_invited_meta: '{date} · {who}',
  pa_by_former: 'a former member',
  pa_by_nobody: 'unknown',
  pa_lang_ru: 'Russian',
  pa_lang_en: 'English',
  pa_contact_gone: 'no longer on the map',

  pa_invite: 'Invite to the portal',
  pa_invite_again: 'Invite again',
  pa_new_link: 'New link',
  pa_new_link_title: 'Make a new invitation link (the earlier unused ones stop working)',
  pa_revoke: 'Revoke access',

  pa_form_title: 'Invite to the client portal',
  pa_form_title_again: 'A new invitation: {name}',
  pa_contact: 'Person',
  pa_contact_pick: '— choose a person with an e-mail address —',
  pa_contact_none: 'Nobody on this company’s map has an e-mail address. Add one to a person first.',
  pa_option_active: 'has access',
  pa_option_invited: 'invited',
  pa_option_revoked: 'revoked',
  pa_email_to: 'The invitation is for {email} (the person’s first e-mail address).',
  pa_no_email: 'This person has no e-mail address: add one above and save to invite them.',
  pa_lang: 'Language of the portal and the e-mail',
  pa_send_email: 'Send the invitation by e-mail',
  pa_send_email_hint: 'Either way you get the link here to pass on yourself.',
  pa_again_note: 'A new link replaces the earlier unused ones: they stop working. Sessions already open stay.',
  pa_again_revoked_note: 'Access is given back; a password the person had set is forgotten.',
  pa_submit: 'Invite',
  pa_submit_again: 'Make a new link',
  pa_inviting: 'Inviting…',

  pa_link_title: 'Sign-in link for {name}',
  pa_link_label: 'One-time sign-in link',
  pa_copy: 'Copy',
  pa_copied: 'Copied',
  pa_copy_failed: 'Could not copy: select the link and copy it.',
  pa_link_once: 'The link is shown only this once: copy it now. It works once, until {date}. To get a link again, make a new invitation.',
  pa_link_dont_open: 'Do not open it yourself: it would sign you in as this person and be used up.',
  pa_email_queued: 'The invitation e-mail to {email} is queued: it goes out with the next mail delivery.',
  pa_email_not_sent: 'No e-mail was sent: pass the link to the person yourself.',
  pa_link_done: 'Done, the link is copied or passed on',

  pa_revoke_title: 'Revoke the portal access of {name}?',
  pa_revoke_text:
    'Their portal sessions and unused links end at once: the next thing they do in the portal asks them to sign in. You can invite them again later; a password they set will then be forgotten.',
  pa_revoke_confirm: 'Revoke',
  pa_revoked_done: 'The portal access of {name} is revoked.',
  pa_cancel: 'Cancel',

  pa_contact_title: 'Client portal',
  pa_contact_no_access: 'No portal access.',
  pa_audit_entity: 'portal access',
  pa_audit_invite: 'invited to the portal',
  pa_audit_revoke: 'revoked portal access',
  pa_audit_email: 'E-mail',
  pa_audit_name: 'Name',
  pa_audit_lang: 'Language',
  pa_audit_contact: 'Person',
  pa_audit_link_expires_at: 'Link valid until',
  pa_audit_revoked_at: 'Access revoked',
};

export type PaKey = keyof typeof en;

const ru: Record<PaKey, string> = {
  pa_title: 'Портал клиента',
  pa_intro:
    'Люди этой компании, которые могут входить в портал клиента — окно диалога, где они пишут обращения и читают наши ответы. Они видят только обращения этой компании.',
  pa_show_revoked: 'Показывать отозванных',
  pa_refresh: 'Обновить',
  pa_empty: 'Доступа к порталу у людей этой компании пока нет.',
  pa_empty_hint: 'Пригласите человека с адресом e-mail: он получит одноразовую ссылку для входа.',
  pa_read_only: 'Вы видите, у кого есть доступ к порталу, но не можете его менять: приглашают и отзывают владельцы, аналитики и менеджер этой компании.',
  pa_archived_note: 'Компания в архиве: пригласить никого нельзя, пока её не восстановят.',
  pa_n: 'С доступом: {n}',
  pa_col_lang: 'Язык',
  pa_col_invited: 'Приглашение',
  pa_status_invited: 'приглашение',
  pa_status_active: 'доступ активен',
  pa_status_revoked: 'доступ отозван',
  pa_never_signed_in: 'ещё не входил(а)',
  pa_last_sign_in: 'последний вход {date}',
  pa_revoked_at: 'отозван {date}',
  pa_has_password: 'задан пароль',
  pa_invited_meta: '{date} · {who}',
  pa_by_former: 'бывший участник',
  pa_by_nobody: 'неизвестно',
  pa_lang_ru: 'русский',
  pa_lang_en: 'английский',
  pa_contact_gone: 'уже нет на карте',

  pa_invite: 'Пригласить в портал',
  pa_invite_again: 'Пригласить снова',
  pa_new_link: 'Новая ссылка',
  pa_new_link_title: 'Создать новую ссылку-приглашение (прежние неиспользованные перестанут действовать)',
  pa_revoke: 'Отозвать доступ',

  pa_form_title: 'Приглашение в портал клиента',
  pa_form_title_again: 'Новое приглашение: {name}',
  pa_contact: 'Человек',
  pa_contact_pick: '— выберите человека с адресом e-mail —',
  pa_contact_none: 'Ни у кого на карте этой компании нет адреса e-mail. Сначала добавьте адрес человеку.',
  pa_option_active: 'есть доступ',
  pa_option_invited: 'приглашён(а)',
  pa_option_revoked: 'доступ отозван',
  pa_email_to: 'Приглашение для {email} (первый адрес e-mail человека).',
  pa_no_email: 'У этого человека нет адреса e-mail: добавьте его выше и сохраните, чтобы пригласить.',
  pa_lang: 'Язык портала и письма',
  pa_send_email: 'Отправить приглашение по e-mail',
  pa_send_email_hint: 'В любом случае ссылка появится здесь, и её можно передать самому.',
  pa_again_note: 'Новая ссылка заменит прежние неиспользованные: они перестанут действовать. Уже открытые сеансы останутся.',
  pa_again_revoked_note: 'Доступ вернётся; пароль, который человек задавал, будет забыт.',
  pa_submit: 'Пригласить',
  pa_submit_again: 'Создать новую ссылку',
  pa_inviting: 'Приглашаем…',

  pa_link_title: 'Ссылка для входа: {name}',
  pa_link_label: 'Одноразовая ссылка для входа',
  pa_copy: 'Копировать',
  pa_copied: 'Скопировано',
  pa_copy_failed: 'Скопировать не удалось: выделите ссылку и скопируйте её.',
  pa_link_once: 'Ссылка показана только сейчас: скопируйте её. Она сработает один раз, до {date}. Чтобы получить ссылку снова, создайте новое приглашение.',
  pa_link_dont_open: 'Не открывайте её сами: она впустит вас под именем этого человека и будет израсходована.',
  pa_email_queued: 'Письмо с приглашением для {email} поставлено в очередь и уйдёт со следующей отправкой почты.',
  pa_email_not_sent: 'Письмо не отправлялось: передайте ссылку человеку сами.',
  pa_link_done: 'Готово, ссылка скопирована или передана',

  pa_revoke_title: 'Отозвать доступ к порталу: {name}?',
  pa_revoke_text:
    'Сеансы и неиспользованные ссылки этого человека закончатся сразу: при следующем действии в портале он увидит страницу входа. Позже его можно пригласить снова; заданный им пароль тогда будет забыт.',
  pa_revoke_confirm: 'Отозвать',
  pa_revoked_done: 'Доступ к порталу отозван: {name}.',
  pa_cancel: 'Отмена',

  pa_contact_title: 'Портал клиента',
  pa_contact_no_access: 'Доступа к порталу нет.',
  pa_audit_entity: 'доступ к порталу',
  pa_audit_invite: 'пригласил(а) в портал',
  pa_audit_revoke: 'отозвал(а) доступ к порталу',
  pa_audit_email: 'E-mail',
  pa_audit_name: 'Имя',
  pa_audit_lang: 'Язык',
  pa_audit_contact: 'Человек',
  pa_audit_link_expires_at: 'Ссылка действует до',
  pa_audit_revoked_at: 'Доступ отозван',
};

const dicts: Record<Lang, Record<PaKey, string>> = { ru, en };

export type PaT = (key: PaKey, vars?: Record<string, string | number>) => string;

/** Portal access strings in the UI's language, with the shared i18n (lang, locale, t). */
export function usePa() {
  const i18n = useI18n();
  const pa: PaT = useMemo(() => lookupOf(dicts[i18n.lang], en), [i18n.lang]);
  return { ...i18n, pa };
}
