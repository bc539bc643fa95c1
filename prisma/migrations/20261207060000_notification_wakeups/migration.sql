-- Notification work written (an event, a webhook delivery, an email) notifies
-- the channel every portal process's worker listens on
-- (lib/notifications/work-listener.ts). One notification per statement; the
-- database delivers it when the writing transaction commits, and collapses
-- repeats within one transaction, so a causing request pays for no more
-- than one trigger call per statement.
CREATE FUNCTION portal_notification_work() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('portal_notification_work', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER "NotificationEvent_wakes_workers" AFTER INSERT ON "NotificationEvent" FOR EACH STATEMENT EXECUTE FUNCTION portal_notification_work();
CREATE TRIGGER "WebhookDelivery_wakes_workers" AFTER INSERT ON "WebhookDelivery" FOR EACH STATEMENT EXECUTE FUNCTION portal_notification_work();
CREATE TRIGGER "EmailMessage_wakes_workers" AFTER INSERT ON "EmailMessage" FOR EACH STATEMENT EXECUTE FUNCTION portal_notification_work();
