-- Notices in the customer's language: the core writes every notice in English and Japanese
-- (shared/notices.py); the English stays in subject/body (what `qrpay mailbox` and older readers
-- show), the Japanese goes here. NULL for messages written before this migration or in English only.
ALTER TABLE mailbox ADD COLUMN subject_ja TEXT;
ALTER TABLE mailbox ADD COLUMN body_ja TEXT;
