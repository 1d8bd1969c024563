DROP TABLE deliveries;
DROP TABLE webhooks;
DROP TABLE notifications;
ALTER TABLE municipality_settings DROP COLUMN details_in_notifications;
ALTER TABLE municipality_settings DROP COLUMN case_alert_hours;
ALTER TABLE users DROP COLUMN email_digest;
ALTER TABLE users DROP COLUMN email_notifications;
ALTER TABLE users DROP COLUMN language;
