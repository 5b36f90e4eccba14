-- A hand-checked Chatwoot history in schema cw_hand (same tables as
-- schema.sql): account 1 'Acme Outdoor', 18 messages in 4 conversations.
CREATE SCHEMA cw_hand;
CREATE TABLE cw_hand.accounts (LIKE chatwoot.accounts INCLUDING DEFAULTS);
CREATE TABLE cw_hand.users (LIKE chatwoot.users INCLUDING DEFAULTS);
CREATE TABLE cw_hand.agent_bots (LIKE chatwoot.agent_bots INCLUDING DEFAULTS);
CREATE TABLE cw_hand.inboxes (LIKE chatwoot.inboxes INCLUDING DEFAULTS);
CREATE TABLE cw_hand.contacts (LIKE chatwoot.contacts INCLUDING DEFAULTS);
CREATE TABLE cw_hand.conversations (LIKE chatwoot.conversations INCLUDING DEFAULTS);
CREATE TABLE cw_hand.messages (LIKE chatwoot.messages INCLUDING DEFAULTS);
CREATE TABLE cw_hand.attachments (LIKE chatwoot.attachments INCLUDING DEFAULTS);
INSERT INTO cw_hand.accounts (id, name, created_at, updated_at)
    VALUES (1, 'Acme Outdoor', '2025-01-01', '2025-01-01');
INSERT INTO cw_hand.users (id, name, display_name, created_at, updated_at) VALUES
    (1, 'Anna Andersen', 'Anna', '2025-01-01', '2025-01-01'),
    (2, 'Bruno Silva', NULL, '2025-01-01', '2025-01-01'),
    (3, 'Chen Wei', NULL, '2025-01-01', '2025-01-01');
INSERT INTO cw_hand.agent_bots (id, name, account_id, created_at, updated_at)
    VALUES (1, 'Acme Helper', 1, '2025-01-01', '2025-01-01');
INSERT INTO cw_hand.inboxes (id, channel_id, account_id, name, channel_type, created_at, updated_at) VALUES
    (1, 1, 1, '@acme', 'Channel::TwitterProfile', '2025-01-01', '2025-01-01'),
    (2, 1, 1, 'Acme on Facebook', 'Channel::FacebookPage', '2025-01-01', '2025-01-01'),
    (3, 1, 1, 'acme.test', 'Channel::WebWidget', '2025-01-01', '2025-01-01'),
    (5, 1, 1, 'Acme WhatsApp', 'Channel::Whatsapp', '2025-01-01', '2025-01-01');
INSERT INTO cw_hand.contacts (id, name, account_id, created_at, updated_at) VALUES
    (1, 'Lee Anna', 1, '2025-01-01', '2025-01-01'),   -- first name as GiveTake reads it: Lee
    (2, 'Bob', 1, '2025-01-01', '2025-01-01'),
    (3, '', 1, '2025-01-01', '2025-01-01'),           -- no name: never personal
    (4, 'Dora Diaz', 1, '2025-01-01', '2025-01-01');
INSERT INTO cw_hand.conversations (id, account_id, inbox_id, status, contact_id, display_id,
        additional_attributes, created_at, updated_at) VALUES
    (101, 1, 3, 0, 1, 1, '{}', '2025-06-02 10:00', '2025-06-02 10:00'),
    (102, 1, 1, 0, 2, 2, '{"type": "tweet"}', '2025-06-02 11:00', '2025-06-02 11:00'),
    (103, 1, 5, 0, 3, 3, '{}', '2025-06-02 14:00', '2025-06-02 14:00'),
    (104, 1, 2, 0, 4, 4, '{"type": "instagram_direct_message"}', '2025-06-02 15:00', '2025-06-02 15:00');
INSERT INTO cw_hand.messages (id, conversation_id, account_id, inbox_id, message_type, private,
        sender_type, sender_id, content, content_attributes, additional_attributes,
        created_at, updated_at) VALUES
 -- web widget: a burst of two, a bot, a note, then Anna (turn 1); reopened (turn 2)
 (1, 101, 1, 3, 0, false, 'Contact', 1, 'Hi, my order is late', '{}', '{}', '2025-06-02 10:00:00', now()),
 (2, 101, 1, 3, 0, false, 'Contact', 1, 'hello??', '{}', '{}', '2025-06-02 10:00:40', now()),
 (3, 101, 1, 3, 1, false, 'AgentBot', 1, 'I am a bot, try again later', '{}', '{}', '2025-06-02 10:00:45', now()),
 (4, 101, 1, 3, 2, false, NULL, NULL, 'Assigned to Anna', '{}', '{}', '2025-06-02 10:01:00', now()),
 (5, 101, 1, 3, 1, true, 'User', 2, 'VIP, be quick', '{}', '{}', '2025-06-02 10:02:00', now()),
 (6, 101, 1, 3, 1, false, 'User', 1, 'Sorry Lee, thanks for waiting!', '{}', '{}', '2025-06-02 10:10:00', now()),
 (7, 101, 1, 3, 2, false, NULL, NULL, 'Conversation was marked resolved by Anna', '{}', '{}', '2025-06-02 10:30:00', now()),
 (8, 101, 1, 3, 0, false, 'Contact', 1, 'It is broken again', '{}', '{}', '2025-06-02 12:00:00', now()),
 (9, 101, 1, 3, 1, false, 'User', 2, 'We are on it', '{}', '{}', '2025-06-02 13:00:00', now()),
 -- a tweet answered in the same second (turn 3), then a reply nobody answers (turn 4)
 (10, 102, 1, 1, 0, false, 'Contact', 2, 'hey @acme my zip broke', '{}', '{}', '2025-06-02 11:00:00', now()),
 (11, 102, 1, 1, 1, false, 'User', 3, 'Hi Bob, how can we help?', '{"in_reply_to": 10}', '{}', '2025-06-02 11:00:00', now()),
 (12, 102, 1, 1, 0, false, 'Contact', 2, 'the zip of my tent', '{"in_reply_to": 11}', '{}', '2025-06-02 11:05:00', now()),
 (13, 102, 1, 1, 1, false, NULL, NULL, 'We received your message', '{"automation_rule_id": 7}', '{}', '2025-06-02 11:06:00', now()),
 -- WhatsApp: a greeting template, a campaign, then an answer from the phone app (turn 5)
 (14, 103, 1, 5, 3, false, NULL, NULL, 'Hi! We reply within hours.', '{}', '{}', '2025-06-02 13:59:00', now()),
 (15, 103, 1, 5, 0, false, 'Contact', 3, 'Do you ship to Canada?', '{}', '{}', '2025-06-02 14:00:00', now()),
 (16, 103, 1, 5, 1, false, 'User', 1, 'Spring sale, 20% off!', '{}', '{"campaign_id": 3}', '2025-06-02 14:05:00', now()),
 (17, 103, 1, 5, 1, false, NULL, NULL, 'Yes we do', '{}', '{}', '2025-06-02 14:20:00', now()),
 -- Instagram DM through the Facebook page, the latest row (turn 6)
 (18, 104, 1, 2, 0, false, 'Contact', 4, 'price?', '{}', '{}', '2025-06-02 15:00:00', now());
INSERT INTO cw_hand.attachments (id, file_type, message_id, account_id, created_at, updated_at) VALUES
    (1, 0, 12, 1, now(), now()),    -- an image: has_media
    (2, 3, 15, 1, now(), now());    -- a document: not media
