-- chatwoot.generate(conversations): fills the tables of schema.sql with a
-- deterministic support history (fixed random seed): two accounts, eleven
-- inboxes over Twitter (tweets and DMs), Facebook (Messenger and Instagram
-- DMs), Instagram, web widget, email, WhatsApp, API, SMS, Telegram and LINE;
-- seven agents and two bots. Conversations have bursts of customer
-- messages before an answer, bots answering first, agents taking over,
-- private notes, activity messages, greeting and CSAT templates, automation
-- and campaign messages, messages echoed from the native app, attachments,
-- tweet replies (in_reply_to), resolutions and reopenings, and unanswered
-- or still fresh turns: the database is a snapshot four weeks after the
-- first conversation.
CREATE FUNCTION chatwoot._msg(conv chatwoot.conversations, mtype int, at timestamp,
        stype text, sid bigint, body text, is_private boolean DEFAULT false,
        cattrs json DEFAULT '{}', aattrs jsonb DEFAULT '{}', ctype int DEFAULT 0,
        media int DEFAULT NULL)
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    mid int;
BEGIN
    INSERT INTO chatwoot.messages (content, account_id, inbox_id, conversation_id, message_type,
        created_at, updated_at, private, content_type, content_attributes, sender_type, sender_id,
        additional_attributes)
    VALUES (body, conv.account_id, conv.inbox_id, conv.id, mtype, at, at, is_private, ctype,
        cattrs, stype, sid, aattrs)
    RETURNING id INTO mid;
    IF media IS NOT NULL THEN
        INSERT INTO chatwoot.attachments (file_type, message_id, account_id, created_at, updated_at)
        VALUES (media, mid, conv.account_id, at, at);
    END IF;
    RETURN mid;
END
$$;

-- a random duration in seconds: mostly minutes, sometimes hours or days
CREATE FUNCTION chatwoot._delay() RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    r float8 := random();
BEGIN
    RETURN CASE WHEN r < 0.40 THEN 60 + floor(random() * 840)
                WHEN r < 0.75 THEN 900 + floor(random() * 9900)
                WHEN r < 0.95 THEN 10800 + floor(random() * 61200)
                ELSE 72000 + floor(random() * 100800) END;
END
$$;

CREATE FUNCTION chatwoot.generate(conversations int, seed float8 DEFAULT 0.42)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t0 CONSTANT timestamp := '2025-03-03 08:00:00';
    first_names CONSTANT text[] := '{Anna,Bob,Carla,Dmitri,Emma,Farid,Grace,Hiro,Ines,José,Kofi,Lena,Mateo,Nora,Omar,Priya,Quinn,Rosa,Sven,Tara}';
    last_names CONSTANT text[] := '{Lee,Smith,García,Ivanova,Müller,Haddad,Okafor,Tanaka,Silva,Rossi}';
    asks CONSTANT text[] := ARRAY['Hi, my order has not arrived yet', 'Where is my refund?',
        'The app crashes when I log in', 'hello??', 'Can I change my delivery address?',
        'Do you ship to Canada?', 'still waiting...', 'My invoice shows the wrong amount',
        'Is anyone there?', 'Thanks, that worked!', 'I need to talk to a human',
        'The tent I bought has a broken zip', 'Can you call me back?', 'Order #48213'];
    answers CONSTANT text[] := ARRAY['Sorry for the wait, %s. Let me check that for you.',
        'Thanks for reaching out, %s! Here''s how to track your order.',
        'We are looking into it and will update you today.',
        'Happy to help: you can change it under Settings > Orders.',
        'Thank you for your patience. The refund was issued this morning.',
        'Good catch, %s, the invoice was wrong. A corrected one is on its way.',
        'Could you send us a photo of the zip?',
        'Our new collection is out now, 20%% off this week only!'];
    r record;
    conv chatwoot.conversations;
    acct int; inbox record; contact_id int; agent int; at timestamp;
    rounds int; burst int; last_out int; mid int; nconv int := 0; disp int[] := '{0,0}';
    fname text; is_tweet boolean; bot boolean; answered boolean; k int; j int;
BEGIN
    PERFORM setseed(seed);
    INSERT INTO chatwoot.accounts (id, name, created_at, updated_at) VALUES
        (1, 'Acme Outdoor', t0 - interval '400 days', t0),
        (2, 'Globex Telecom', t0 - interval '200 days', t0);
    INSERT INTO chatwoot.users (id, uid, name, display_name, email, created_at, updated_at) VALUES
        (1, 'u1', 'Anna Andersen', 'Anna', 'anna@acme.test', t0, t0),
        (2, 'u2', 'Bruno Silva', NULL, 'bruno@acme.test', t0, t0),
        (3, 'u3', 'Chen Wei', '', 'chen@acme.test', t0, t0),
        (4, 'u4', 'Dana Kim', 'Dana K.', 'dana@acme.test', t0, t0),
        (5, 'u5', 'Eli Moss', NULL, 'eli@globex.test', t0, t0),
        (6, 'u6', 'Fatima Noor', NULL, 'fatima@globex.test', t0, t0),
        (7, 'u7', 'Gus Olsen', 'Gus', 'gus@globex.test', t0, t0);
    INSERT INTO chatwoot.agent_bots (id, name, account_id, created_at, updated_at) VALUES
        (1, 'Acme Helper', 1, t0, t0), (2, 'Globex Assistant', 2, t0, t0);
    INSERT INTO chatwoot.inboxes (id, channel_id, account_id, name, channel_type, greeting_enabled,
            csat_survey_enabled, created_at, updated_at) VALUES
        (1, 1, 1, '@acme', 'Channel::TwitterProfile', false, false, t0, t0),
        (2, 1, 1, 'Acme on Facebook', 'Channel::FacebookPage', false, false, t0, t0),
        (3, 1, 1, 'acme.test', 'Channel::WebWidget', true, true, t0, t0),
        (4, 1, 1, 'support@acme.test', 'Channel::Email', false, true, t0, t0),
        (5, 1, 1, 'Acme WhatsApp', 'Channel::Whatsapp', true, false, t0, t0),
        (6, 1, 2, 'Globex Instagram', 'Channel::Instagram', false, false, t0, t0),
        (7, 1, 2, 'Globex app', 'Channel::Api', false, false, t0, t0),
        (8, 1, 2, 'Globex SMS', 'Channel::Sms', false, false, t0, t0),
        (9, 1, 2, 'Globex Telegram', 'Channel::Telegram', false, false, t0, t0),
        (10, 1, 2, 'Globex LINE', 'Channel::Line', false, false, t0, t0),
        (11, 2, 2, '@globex', 'Channel::TwitterProfile', false, false, t0, t0);
    -- 120 contacts per account; every tenth has no name
    INSERT INTO chatwoot.contacts (id, name, account_id, created_at, updated_at)
    SELECT g, CASE WHEN g % 10 = 0 THEN '' ELSE first_names[1 + g % 20] || ' ' || last_names[1 + g % 7] END,
           1 + (g - 1) / 120, t0, t0
    FROM generate_series(1, 240) g;

    FOR nconv IN 1 .. conversations LOOP
        acct := CASE WHEN random() < 0.55 THEN 1 ELSE 2 END;
        SELECT * INTO inbox FROM chatwoot.inboxes WHERE account_id = acct
        ORDER BY id OFFSET floor(random() * CASE acct WHEN 1 THEN 5 ELSE 6 END) LIMIT 1;
        contact_id := (acct - 1) * 120 + 1 + floor(random() * 120);
        SELECT name INTO fname FROM chatwoot.contacts WHERE id = contact_id;
        fname := coalesce(nullif(split_part(fname, ' ', 1), ''), 'there');
        agent := CASE acct WHEN 1 THEN 1 + floor(random() * 4) ELSE 5 + floor(random() * 3) END;
        at := t0 + floor(random() * 27 * 86400) * interval '1 second';
        disp[acct] := disp[acct] + 1;
        is_tweet := inbox.channel_type = 'Channel::TwitterProfile' AND random() < 0.5;
        bot := inbox.id IN (3, 7) AND random() < 0.7;
        INSERT INTO chatwoot.conversations (account_id, inbox_id, status, assignee_id, created_at,
                updated_at, contact_id, display_id, additional_attributes)
        VALUES (acct, inbox.id, 0, agent, at, at, contact_id, disp[acct],
                CASE WHEN inbox.channel_type = 'Channel::TwitterProfile'
                     THEN jsonb_build_object('type', CASE WHEN is_tweet THEN 'tweet' ELSE 'dm' END)
                     WHEN inbox.channel_type = 'Channel::FacebookPage' AND random() < 0.35
                     THEN '{"type": "instagram_direct_message"}'
                     WHEN inbox.channel_type = 'Channel::WebWidget'
                     THEN '{"browser": {"browser_name": "Firefox"}, "referer": "https://acme.test/"}'
                     ELSE '{}' END)
        RETURNING * INTO conv;
        last_out := NULL;

        -- campaigns open some web widget and SMS conversations
        IF inbox.id IN (3, 8) AND random() < 0.15 THEN
            PERFORM chatwoot._msg(conv, 1, at, CASE WHEN inbox.id = 3 THEN 'User' END,
                CASE WHEN inbox.id = 3 THEN agent END,
                'Spring sale: 20% off all tents this week, order now!',
                aattrs => jsonb_build_object('campaign_id', inbox.id * 10));
            at := at + (60 + floor(random() * 3600)) * interval '1 second';
        END IF;

        rounds := CASE WHEN random() < 0.6 THEN 1 WHEN random() < 0.75 THEN 2 ELSE 3 END;
        FOR k IN 1 .. rounds LOOP
            -- a burst of customer messages
            burst := 1 + floor(random() ^ 2 * 4);
            FOR j IN 1 .. burst LOOP
                mid := chatwoot._msg(conv, 0, at, 'Contact', contact_id,
                    asks[1 + floor(random() * array_length(asks, 1))],
                    cattrs => CASE WHEN is_tweet AND last_out IS NOT NULL
                                   THEN json_build_object('in_reply_to', last_out) ELSE '{}' END,
                    ctype => CASE WHEN inbox.id = 4 THEN 8 ELSE 0 END,
                    media => CASE WHEN random() < 0.08 THEN 0 WHEN random() < 0.03 THEN 3 END);
                at := at + (5 + floor(random() * 240)) * interval '1 second';
            END LOOP;
            IF k = 1 AND inbox.greeting_enabled THEN
                PERFORM chatwoot._msg(conv, 3, at - interval '1 second', NULL, NULL,
                    'Hi! We usually reply within a few hours.');
            END IF;
            IF k = 1 AND bot THEN
                -- the bot answers first; often the customer wants a person
                PERFORM chatwoot._msg(conv, 1, at + floor(random() * 8) * interval '1 second',
                    CASE WHEN inbox.id = 7 AND random() < 0.3 THEN 'Captain::Assistant' ELSE 'AgentBot' END,
                    acct, 'Hi, I am the virtual assistant. Have you tried restarting the app?');
                at := at + (20 + floor(random() * 120)) * interval '1 second';
                IF random() < 0.6 THEN
                    PERFORM chatwoot._msg(conv, 0, at, 'Contact', contact_id, 'I need to talk to a human');
                    at := at + interval '2 seconds';
                    PERFORM chatwoot._msg(conv, 2, at, NULL, NULL, 'Conversation was handed off to an agent');
                END IF;
            END IF;
            IF k = 1 THEN
                PERFORM chatwoot._msg(conv, 2, at, NULL, NULL,
                    format('Assigned to %s by Automation System', agent));
            END IF;
            IF random() < 0.08 AND NOT is_tweet THEN
                at := at + (1 + floor(random() * 30)) * interval '1 second';
                PERFORM chatwoot._msg(conv, 1, at, NULL, NULL,
                    'We received your message and will get back to you within 24 hours.',
                    cattrs => '{"automation_rule_id": 7}');
            END IF;
            IF random() < 0.2 THEN
                PERFORM chatwoot._msg(conv, 1, at + interval '30 seconds', 'User', agent,
                    'VIP customer, check the order history first', is_private => true);
            END IF;
            -- the brand answers, mostly; the last round of a conversation less often
            answered := random() < CASE WHEN k = rounds THEN 0.8 ELSE 0.95 END;
            IF answered THEN
                at := at + chatwoot._delay() * interval '1 second';
                IF random() < 0.1 AND inbox.id IN (2, 5) THEN
                    -- typed in the native app, echoed without a Chatwoot sender
                    last_out := chatwoot._msg(conv, 1, at, NULL, NULL, 'Hi, we are on it!');
                ELSE
                    last_out := chatwoot._msg(conv, 1, at, 'User',
                        CASE WHEN random() < 0.2 THEN CASE acct WHEN 1 THEN 1 + floor(random() * 4)
                                                                 ELSE 5 + floor(random() * 3) END
                             ELSE agent END::bigint,
                        format(answers[1 + floor(random() * array_length(answers, 1))], fname),
                        cattrs => CASE WHEN is_tweet THEN json_build_object('in_reply_to', mid) ELSE '{}' END,
                        media => CASE WHEN random() < 0.05 THEN 2 END);
                END IF;
                IF random() < 0.15 THEN
                    at := at + (10 + floor(random() * 60)) * interval '1 second';
                    last_out := chatwoot._msg(conv, 1, at, 'User', agent,
                        'Anything else we can do for you?');
                END IF;
            END IF;
            at := at + (600 + floor(random() * 172800)) * interval '1 second';
        END LOOP;

        IF random() < 0.7 THEN
            PERFORM chatwoot._msg(conv, 2, at, NULL, NULL,
                format('Conversation was marked resolved by %s', agent));
            UPDATE chatwoot.conversations SET status = 1 WHERE id = conv.id;
            IF inbox.csat_survey_enabled AND random() < 0.5 THEN
                PERFORM chatwoot._msg(conv, 3, at + interval '1 second', NULL, NULL,
                    'Please rate the conversation', ctype => 9);
            END IF;
            -- reopened: the customer writes again after the resolution
            IF random() < 0.2 THEN
                at := at + (3600 + floor(random() * 432000)) * interval '1 second';
                PERFORM chatwoot._msg(conv, 0, at, 'Contact', contact_id, 'It is broken again');
                PERFORM chatwoot._msg(conv, 2, at, NULL, NULL, 'Conversation was reopened');
                UPDATE chatwoot.conversations SET status = 0 WHERE id = conv.id;
                IF random() < 0.6 THEN
                    at := at + chatwoot._delay() * interval '1 second';
                    PERFORM chatwoot._msg(conv, 1, at, 'User', agent,
                        format('Sorry to hear that, %s. Thanks for letting us know.', fname));
                END IF;
            END IF;
        END IF;
    END LOOP;
    -- the database as of four weeks after t0: later messages never happened,
    -- so the last day holds conversations in flight
    DELETE FROM chatwoot.attachments a USING chatwoot.messages m
    WHERE a.message_id = m.id AND m.created_at > t0 + interval '28 days';
    DELETE FROM chatwoot.messages WHERE created_at > t0 + interval '28 days';
    PERFORM setval(pg_get_serial_sequence('chatwoot.accounts', 'id'), 2);
    PERFORM setval(pg_get_serial_sequence('chatwoot.users', 'id'), 7);
    PERFORM setval(pg_get_serial_sequence('chatwoot.agent_bots', 'id'), 2);
    PERFORM setval(pg_get_serial_sequence('chatwoot.inboxes', 'id'), 11);
    PERFORM setval(pg_get_serial_sequence('chatwoot.contacts', 'id'), 240);
END
$$;
