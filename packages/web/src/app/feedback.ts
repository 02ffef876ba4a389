import { App, message as staticMessage, Modal as StaticModal, notification as staticNotification } from 'antd';
import type { MessageInstance } from 'antd/es/message/interface';
import type { NotificationInstance } from 'antd/es/notification/interface';
import type { HookAPI as ModalHookAPI } from 'antd/es/modal/useModal';

// antd's static message/notification cannot read ConfigProvider (locale, theme); the
// instances from App.useApp() can, and code outside React (the query caches) uses them
// through this holder.
let msg: MessageInstance | null = null;
let notif: NotificationInstance | null = null;
let modal: ModalHookAPI | null = null;

export function FeedbackHolder() {
  const app = App.useApp();
  msg = app.message;
  notif = app.notification;
  modal = app.modal;
  return null;
}

export const feedback = {
  get message(): MessageInstance {
    return msg ?? staticMessage;
  },
  get notification(): NotificationInstance {
    return notif ?? staticNotification;
  },
  get modal(): ModalHookAPI {
    // Only before the first render; the static one lacks the promise form, which we do not use.
    return modal ?? (StaticModal as unknown as ModalHookAPI);
  },
};
