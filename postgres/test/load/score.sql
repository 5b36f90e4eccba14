SELECT count(*), sum(needs_ack) FROM givetake.score_accounts('interactions');
